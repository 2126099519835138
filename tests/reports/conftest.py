"""The quality tests reuse the dossier fixtures (a procedure at an agency, its officials)."""

import pytest

from tests.dossiers.conftest import (  # noqa: F401
    clerk,
    leader,
    procedure,
    reception,
    specialist,
)


@pytest.fixture
def citizen_client(client, citizen):
    client.force_login(citizen)
    return client
