"""`GET /api/v1/indicators/` (docs/api.md §9): the body, the scopes, the exports, the 400s."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from reports.constants import RATING_CRITERIA
from reports.models import DailyStatistic
from reports.statistics import months_refresh
from tests.factories import AgencyFactory
from tests.procedures.factories import ProcedureFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/indicators/"


@pytest.fixture
def table(agency):
    procedure = ProcedureFactory(agencies=[agency])
    other = AgencyFactory()
    DailyStatistic.objects.create(
        agency_id=agency.pk,
        procedure_id=procedure.pk,
        day="2026-03-02",
        received=10,
        received_online=8,
        finished=10,
        finished_on_time=9,
    )
    DailyStatistic.objects.create(
        agency_id=other.pk,
        procedure_id=procedure.pk,
        day="2026-03-03",
        received=10,
        received_online=2,
        finished=0,
    )
    DailyStatistic.objects.create(
        agency_id=agency.pk, procedure_id=procedure.pk, day="2025-12-31", received=100
    )
    months_refresh(dt.date(2025, 12, 1), dt.date(2026, 12, 31))
    return agency, procedure


def codes(body):
    return {row["code"]: row for group in body["groups"] for row in group["indicators"]}


def test_the_province_body_as_the_contract_names_it(table):
    response = APIClient().get(URL, {"from": "2026-01-01", "to": "2026-12-31"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {
        "scope",
        "from",
        "to",
        "total_points",
        "max_points",
        "groups",
        "rating_criteria",
    }
    assert (body["scope"], body["from"], body["to"], body["max_points"]) == (
        "province",
        "2026-01-01",
        "2026-12-31",
        100,
    )
    assert [g["code"] for g in body["groups"]] == ["1", "2", "3", "4", "5"]
    for group in body["groups"]:
        assert set(group) == {"code", "name", "points", "max_points", "indicators"}
        for row in group["indicators"]:
            assert set(row) == {
                "code",
                "name",
                "value",
                "numerator",
                "denominator",
                "points",
                "max_points",
            }
    rows = codes(body)
    assert (rows["4.1"]["numerator"], rows["4.1"]["denominator"], rows["4.1"]["value"]) == (
        10,
        20,
        0.5,
    )
    assert rows["2.1"]["value"] == 0.9
    assert [c["code"] for c in body["rating_criteria"]] == list(RATING_CRITERIA)
    assert all(c["name"] for c in body["rating_criteria"])


def test_agency_and_procedure_scopes(table):
    agency, procedure = table
    period = {"from": "2026-01-01", "to": "2026-12-31"}
    body = APIClient().get(URL, {"scope": "agency", "agency": agency.code, **period}).json()
    assert codes(body)["4.1"]["denominator"] == 10 and body["agency"] == agency.code
    body = APIClient().get(URL, {"scope": "procedure", "procedure": procedure.code, **period})
    assert codes(body.json())["4.1"]["denominator"] == 20


def test_default_period_is_this_year(table, settings):
    body = APIClient().get(URL).json()
    assert body["from"].endswith("-01-01") and body["to"].endswith("-12-31")


@pytest.mark.parametrize(
    "params, field",
    [
        ({"scope": "world"}, "scope"),
        ({"scope": "agency"}, "agency"),
        ({"scope": "agency", "agency": "000.00.99.Z99"}, "agency"),
        ({"scope": "procedure"}, "procedure"),
        ({"scope": "procedure", "procedure": "no-such"}, "procedure"),
        ({"from": "2026-13-01"}, "from"),
        ({"from": "01/02/2026"}, "from"),
        ({"to": "x"}, "to"),
        ({"from": "2026-05-01", "to": "2026-04-01"}, "from"),
        ({"from": "2000-01-01", "to": "2026-01-01"}, "to"),
        ({"format": "pdf"}, "format"),
        ({"format": ""}, "format"),
        ({"scope": ""}, "scope"),
        ({"to": ""}, "to"),
    ],
)
def test_bad_parameters_are_400_naming_the_field(params, field):
    response = APIClient().get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["message"] and field in body["fields"]


def test_csv_and_xlsx_export_the_same_rows(table):
    period = {"from": "2026-01-01", "to": "2026-12-31"}
    response = APIClient().get(URL, {**period, "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    body = APIClient().get(URL, period).json()
    indicator_rows = [r for r in rows[1:] if r[5]]
    assert [r[5] for r in indicator_rows] == list(codes(body))
    online = next(r for r in indicator_rows if r[5] == "4.1")
    assert (online[7], online[8], online[9]) == ("10", "20", "0.5")
    response = APIClient().get(URL, {**period, "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][5] == "Mã chỉ số"
    assert [v[5] for v in values[1:] if v[5]] == list(codes(body))


def test_whole_months_are_read_from_the_month_rows(table, django_assert_num_queries):
    with django_assert_num_queries(1):  # 2026: twelve whole months
        body = APIClient().get(URL, {"from": "2026-01-01", "to": "2026-12-31"}).json()
    assert codes(body)["4.1"]["denominator"] == 20
    with django_assert_num_queries(1):  # the month rows and the days 31/12 and 1–2/3
        body = APIClient().get(URL, {"from": "2025-12-31", "to": "2026-03-02"}).json()
    assert codes(body)["4.1"]["denominator"] == 110
    with django_assert_num_queries(1):  # within one month: the day rows only
        body = APIClient().get(URL, {"from": "2026-03-03", "to": "2026-03-20"}).json()
    assert codes(body)["4.1"]["denominator"] == 10
