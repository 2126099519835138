"""The security tests reuse the dossier fixtures (a procedure at an agency, its officials)."""

from tests.dossiers.conftest import (  # noqa: F401
    clerk,
    leader,
    procedure,
    reception,
    specialist,
)
