"""Schemathesis over our OpenAPI schema: no input makes a 5xx, every error is in the contract.

The schema is drf-spectacular's (what /api/schema/ serves); each operation gets a bounded
number of generated requests, sent through Django's test client as a signed-in citizen with
an API token. Checks: never a 5xx; every 4xx body is {"code","message","fields"} (API.md §4).
The closing lines print the examples run and the 5xx seen.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.conftest import PROOF_LINES
from tests.factories import CitizenFactory

EXAMPLES_PER_OPERATION = 30
schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
TOTALS: Counter = Counter()


@pytest.fixture(scope="module", autouse=True)
def _report_totals():
    yield
    PROOF_LINES.append(
        f"schemathesis: {TOTALS['examples']} examples over {TOTALS['operations']} "
        f"operations, {TOTALS['5xx']} responses 5xx, {TOTALS['4xx']} errors in the "
        "contract shape"
    )


@pytest.fixture
def token(db, procedure):
    citizen = CitizenFactory()
    _row, key = AuthToken.objects.create(user=citizen)
    return key


def _send(case, token: str):
    kwargs = case.as_transport_kwargs(
        base_url="http://testserver", headers={"Authorization": f"Token {token}"}
    )
    kwargs.pop("timeout", None)
    kwargs.pop("verify", None)
    kwargs.pop("allow_redirects", None)
    prepared = requests.Request(
        **{
            k: v
            for k, v in kwargs.items()
            if k in {"method", "url", "headers", "params", "data", "json", "files", "cookies"}
        }
    ).prepare()
    parts = urlsplit(str(prepared.url))
    path = str(parts.path) + (f"?{parts.query!s}" if parts.query else "")
    headers = {
        k: v
        for k, v in prepared.headers.items()
        if k.lower() not in {"content-length", "content-type"}
    }
    raw = prepared.body or b""
    body: Any = raw.encode() if isinstance(raw, str) else raw
    content_type = str(prepared.headers.get("Content-Type", "application/octet-stream"))
    return APIClient().generic(
        str(prepared.method), path, body, content_type=content_type, headers=headers
    )


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_never_errors_and_speaks_the_contract(case, token):
    if TOTALS[f"op:{case.operation.label}"] == 0:
        TOTALS["operations"] += 1
    TOTALS[f"op:{case.operation.label}"] += 1
    response = _send(case, token)
    TOTALS["examples"] += 1
    if response.status_code >= 500:
        TOTALS["5xx"] += 1
    assert response.status_code < 500, (case.operation.label, response.content[:500])
    if response.status_code >= 400 and response.status_code != 405:
        body = json.loads(response.content)
        assert set(body) == {"code", "message", "fields"}, (case.operation.label, body)
        assert isinstance(body["code"], str) and body["message"]
        TOTALS["4xx"] += 1
