from __future__ import annotations

import pytest
from django.db import connection

from procedures.selectors import procedure_snapshot
from tests.procedures.factories import ProcedureFactory

pytestmark = pytest.mark.django_db

# SQLite ranks a query in Python after one extra read of the candidates
RANK_QUERIES = 0 if connection.vendor == "postgresql" else 1


def test_list_is_paginated_and_ranked(client, catalogue):
    response = client.get("/api/v1/procedures/", {"q": "dang ki khai sinh"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["results"][0]["code"] == "1.001193"
    assert set(body["results"][0]) >= {"code", "name", "field", "levels", "online_mode"}
    page = client.get("/api/v1/procedures/").json()
    assert page["count"] == 59 and len(page["results"]) == 20 and page["next"]
    second = client.get(page["next"]).json()
    assert {r["code"] for r in second["results"]}.isdisjoint(r["code"] for r in page["results"])


def test_list_filters(client, catalogue):
    body = client.get(
        "/api/v1/procedures/", {"agency": "000.00.02.H99", "online": "full", "q": "tam tru"}
    ).json()
    assert body["results"][0]["code"] == "1.004194"
    assert all(r["online_mode"] == "full" for r in body["results"])
    assert all("Cấp xã" in r["levels"] for r in body["results"])
    assert client.get("/api/v1/procedures/", {"field": "khong-co"}).json()["count"] == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [({"online": "sometimes"}, "online"), ({"q": "x" * 201}, "q"), ({"field": "a b"}, "field")],
)
def test_bad_filters_are_400_in_vietnamese(client, params, field):
    response = client.get("/api/v1/procedures/", params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["fields"]
    if field == "online":
        assert "không phải mức độ trực tuyến hợp lệ" in body["fields"]["online"][0]


def test_list_query_count_is_pinned(client, django_assert_num_queries, agency):
    for _ in range(25):
        ProcedureFactory(agencies=[agency])
    # the page's ranked ids with the total (COUNT(*) OVER ()), then their rows, field joined
    with django_assert_num_queries(2):
        assert client.get("/api/v1/procedures/").status_code == 200
    client.get("/api/v1/procedures/", {"q": "thu tuc"})  # loads the lexicon once per process
    with django_assert_num_queries(2 + RANK_QUERIES):
        body = client.get("/api/v1/procedures/", {"q": "thu tuc thu nghiem"}).json()
    assert body["count"] == 25


def test_detail_is_the_snapshot(client, agency):
    procedure = ProcedureFactory(agencies=[agency], multi_case=True)
    response = client.get(f"/api/v1/procedures/{procedure.code}/")
    assert response.status_code == 200
    body = response.json()
    snapshot = procedure_snapshot(procedure=procedure)
    # docs/api.md §4: steps[] also carry `unit` and `hours` (the stored `unit_code` and
    # `duration_hours`).
    for step in body["steps"]:
        assert step.pop("unit") == step["unit_code"] and step.pop("hours") == step["duration_hours"]
        assert step["agency"] is None
    assert body == snapshot
    assert len(body["cases"]) == 2
    for case in body["cases"]:
        assert {c["case"] for c in case["components"]} == {case["id"]}
    assert {c["id"] for c in body["components"]} == {
        c["id"] for case in body["cases"] for c in case["components"]
    }
    assert body["agencies"] == [{"code": agency.code, "name": agency.name}]


def test_detail_of_real_procedure_matches_api_md(client, catalogue):
    body = client.get("/api/v1/procedures/1.004194/").json()
    assert body["fees"][0]["amount"] == 15_000
    assert body["fees"][0]["online_amount"] == 7_000
    assert body["form_schema"]["type"] == "object"
    assert body["steps"] and body["processing_days"] == 3
    assert {"000.00.01.H99", "000.00.02.H99"} == {a["code"] for a in body["agencies"]}


def test_unknown_or_unpublished_is_404(client):
    assert client.get("/api/v1/procedures/0.000000/").json()["code"] == "not_found"
    hidden = ProcedureFactory(is_published=False)
    assert client.get(f"/api/v1/procedures/{hidden.code}/").status_code == 404


def test_openapi_schema_documents_both_endpoints(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    schema = response.json() if response["Content-Type"].startswith("application/json") else None
    if schema is None:
        import yaml

        schema = yaml.safe_load(response.content)
    paths = schema["paths"]
    assert "/api/v1/procedures/" in paths
    assert "/api/v1/procedures/{code}/" in paths
    params = {p["name"] for p in paths["/api/v1/procedures/"]["get"]["parameters"]}
    assert {"q", "field", "agency", "level", "online", "page"} <= params


def test_detail_query_count_is_pinned(client, django_assert_num_queries, agency):
    procedure = ProcedureFactory(agencies=[agency], multi_case=True)
    # lookup, procedure with field, cases, components, fees, steps, agencies
    with django_assert_num_queries(7):
        assert client.get(f"/api/v1/procedures/{procedure.code}/").status_code == 200
