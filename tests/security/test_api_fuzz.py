"""Schemathesis over our OpenAPI schema: the API answers what the schema says, never a 5xx.

The schema is drf-spectacular's (what /api/schema/ serves). Each operation gets a bounded
number of generated requests (valid and invalid ones, derandomized), sent in-process through
Django's WSGI application as a signed-in citizen with an API token (half the valid cases that
name a dossier name the citizen's own draft), and every response goes
through all of schemathesis' default checks: no 5xx, a documented status code, the documented
content type, headers and body schema (errors: {"code","message","fields"}, docs/api.md §4),
invalid input refused, valid input not refused for being invalid, 405 with Allow for an
undocumented method. The closing lines print the cases run and the failures seen (none).
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from schemathesis.config import SchemathesisConfig

from tests.conftest import PROOF_LINES
from tests.dossiers.conftest import make_draft
from tests.factories import CitizenFactory

EXAMPLES_PER_OPERATION = 30
# A request the schema allows may still be refused with a 400 for what no schema can say: a
# wrong password, a procedure code not in the catalogue, a workflow body missing what its
# action needs (docs/api.md §4), a file that is not the document it claims, a period that ends
# before it starts. For those operations a 400 is an acceptable answer to valid data.
SEMANTIC_400 = [
    "auth_token",
    "dossiers_create",
    "dossiers_update",
    "dossiers_action",
    "dossiers_attachments_create",
    "dossiers_payments_create",  # a desk amount must equal what is owed
    "register",
    "dossiers_rating_create",  # only a settled dossier may be rated; criteria codes
    "feedback_create",  # a procedure or agency code not in the catalogue
    "feedback_action",  # a reason or an answer left blank
    "indicators_retrieve",  # an unknown agency or procedure code, dates in the wrong order
]
config = SchemathesisConfig.from_dict(
    {
        "operations": [
            {
                "include-operation-id": SEMANTIC_400,
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "429"]
                    }
                },
            }
        ]
    }
)
schema = schemathesis.openapi.from_dict(
    SchemaGenerator().get_schema(request=None, public=True), config=config
)
schema.app = get_wsgi_application()
TOTALS: Counter = Counter()
# Cases may be built before the test's token exists: they carry this stand-in, which the test
# swaps for the real key, so schemathesis knows the Authorization header is the credential.
TOKEN_PLACEHOLDER = "citizen-token"


@schema.auth(refresh_interval=None)
class CitizenToken:
    """The API token of the test's citizen, as the schema's `tokenAuth` (Authorization)."""

    def get(self, case, ctx):
        return TOKEN_PLACEHOLDER

    def set(self, case, data, ctx):
        case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}


@pytest.fixture(scope="module", autouse=True)
def _report_totals():
    yield
    statuses = ", ".join(f"{k[7:]}: {v}" for k, v in sorted(TOTALS.items()) if k[:7] == "status:")
    PROOF_LINES.append(
        f"schemathesis: {TOTALS['cases']} cases over {TOTALS['operations']} operations "
        f"({TOTALS['positive']} valid, {TOTALS['negative']} invalid), all default checks, "
        f"{TOTALS['failures']} failures, {TOTALS['5xx']} responses 5xx; statuses {statuses}"
    )


@pytest.fixture
def _keep_test_connection():
    # As Django's test client does: a request through the WSGI handler must not close the
    # connection that holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def citizen(db, _keep_test_connection):
    return CitizenFactory()


@pytest.fixture
def token(citizen):
    _row, key = AuthToken.objects.create(user=citizen)
    return key


@pytest.fixture
def draft(citizen, procedure):
    # Half the valid cases that name a dossier name this draft of the citizen's, so that
    # successful answers (the dossier detail, an attachment, a submission…) are checked too.
    return make_draft(citizen, procedure)


@pytest.fixture
def stored_document(citizen, procedure):
    # An item of the citizen's personal data store (docs/api.md §10): half the valid JSON bodies of
    # an attachment reuse it, so the reuse's success (201) is checked against the schema too.
    from tests.dossiers.conftest import make_submitted

    return f"attachment-{make_submitted(citizen, procedure).attachments.get().pk}"


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, token, draft, stored_document):
    if TOTALS[f"op:{case.operation.label}"] == 0:
        TOTALS["operations"] += 1
    TOTALS[f"op:{case.operation.label}"] += 1
    TOTALS["cases"] += 1
    TOTALS[case.meta.generation.mode.value if case.meta else "explicit"] += 1
    positive = case.meta is not None and case.meta.generation.mode.value == "positive"
    if positive and "dossier_id" in (case.path_parameters or {}) and TOTALS["cases"] % 2:
        case.path_parameters["dossier_id"] = str(draft.pk)
        if isinstance(case.body, dict) and "stored_document" in case.body:
            case.body["stored_document"] = stored_document
            case.body["component"] = draft.case_components()[0]["id"]
    if (case.headers or {}).get("Authorization") == f"Token {TOKEN_PLACEHOLDER}":
        case.headers["Authorization"] = f"Token {token}"
    response = case.call()
    TOTALS[f"status:{response.status_code}"] += 1
    if response.status_code >= 500:
        TOTALS["5xx"] += 1
    try:
        case.validate_response(response)
    except BaseException:
        TOTALS["failures"] += 1
        raise
    if response.status_code >= 400:
        body = json.loads(response.content)
        assert set(body) == {"code", "message", "fields"}, (case.operation.label, body)
        assert isinstance(body["code"], str) and body["message"]
