"""The OpenAPI schema (/api/schema/) describes the API as it answers (docs/api.md §4)."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

from dvctt.api_schema import NO_CONTROL_CHARACTERS


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def _json_schema(response):
    return response["content"]["application/json"]["schema"]


@pytest.mark.parametrize("operation_id", ["dossiers_list", "auth_tokens_list", "procedures_list"])
def test_lists_are_documented_as_pages(schema, operation_id):
    operation = next(o for _p, _m, o in _operations(schema) if o["operationId"] == operation_id)
    ref = _json_schema(operation["responses"]["200"])["$ref"].rsplit("/", 1)[1]
    page = schema["components"]["schemas"][ref]
    assert set(page["properties"]) == {"count", "next", "previous", "results"}
    assert page["properties"]["results"]["type"] == "array"
    assert "page" in {p["name"] for p in operation["parameters"]}
    assert "404" in operation["responses"]  # a page past the end


def test_every_error_answer_is_the_error_body(schema):
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"code", "message", "fields"}
    for path, method, operation in _operations(schema):
        codes = set(operation["responses"])
        assert "400" in codes, (method, path)
        if "{" in path:
            assert "404" in codes, (method, path)
        if operation.get("security") and {} not in operation["security"]:
            assert {"401", "403"} <= codes, (method, path)
        for code, response in operation["responses"].items():
            if code.startswith("4"):
                assert _json_schema(response) == {"$ref": "#/components/schemas/Error"}


def test_views_name_the_errors_their_services_raise(schema):
    responses = {o["operationId"]: set(o["responses"]) for _p, _m, o in _operations(schema)}
    assert {"403", "409", "404"} <= responses["dossiers_action"]
    assert {"403", "429"} <= responses["dossiers_create"]
    assert {"409", "413", "429"} <= responses["dossiers_attachments_create"]
    assert {"404", "429"} <= responses["tracking"]
    assert {"409"} <= responses["dossiers_payments_create"]


def test_exports_declare_their_media_types(schema):
    register = schema["paths"]["/api/v1/register/"]["get"]["responses"]["200"]["content"]
    assert set(register) == {
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    document = schema["paths"]["/api/v1/dossiers/{dossier_id}/documents/{kind}/"]["get"]
    assert set(document["responses"]["200"]["content"]) == {"application/pdf"}


def test_string_inputs_refuse_control_characters(schema):
    action = schema["components"]["schemas"]["ActionInputRequest"]["properties"]
    assert action["reason"]["pattern"] == NO_CONTROL_CHARACTERS
    params = schema["paths"]["/api/v1/dossiers/"]["get"]["parameters"]
    assert {p["name"]: p["schema"].get("pattern") for p in params}["q"] == NO_CONTROL_CHARACTERS
