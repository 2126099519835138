"""/thong-ke/ (public, aggregates only) and /can-bo/chi-so/ (officials of the agency): the
figures, the charts with their tables, the drill-down through the access gate, the exports
and pinned query counts."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.utils import timezone

from accounts.constants import StaffRoleName
from dossiers.constants import DossierStatus
from dossiers.models import Dossier
from reports.models import DailyStatistic, Rating
from reports.statistics import months_refresh, statistics_rebuild
from tests.dossiers.factories import dossier_in
from tests.factories import AgencyFactory, make_official
from tests.procedures.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_table(agency):
    year = timezone.localdate().year
    other = AgencyFactory(name="UBND xã Thử")
    procedure = ProcedureFactory(agencies=[agency])
    for agency_id, month, online in ((agency.pk, 1, 7), (other.pk, 2, 1)):
        DailyStatistic.objects.create(
            agency_id=agency_id,
            procedure_id=procedure.pk,
            day=dt.date(year, month, 3),
            received=10,
            received_online=online,
            finished=4,
            finished_on_time=3,
            rated=2,
            rated_satisfied=1,
        )
    months_refresh(dt.date(year, 1, 1), dt.date(year, 12, 31))
    return year, other


def test_public_page_shows_score_groups_and_rates_with_charts_and_tables(
    client, year_table, agency, django_assert_num_queries, django_capture_on_commit_callbacks
):
    year, other = year_table
    cache.clear()
    # Cold: the province's sums, the sums per agency, the agencies' names, the sums per month.
    with django_assert_num_queries(4):
        response = client.get("/thong-ke/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") == 3 and html.count("<table") == 3
    assert 'role="img"' in html and "-hatch" in html and "-dots" in html  # patterns, not colour
    assert agency.name in html and other.name in html
    assert "70,0 %" in html and "10,0 %" in html  # online rate of each agency, written out
    assert f"01/{year}" in html and f"02/{year}" in html
    assert "<script" not in html.split("</main>")[0].split('<main id="main"')[1]
    # Warm: served from the cache ...
    with django_assert_num_queries(0):
        assert client.get("/thong-ke/").status_code == 200
    # ... until a rebuild replaces the figures (no dossier here: the rows go).
    with django_capture_on_commit_callbacks(execute=True):
        statistics_rebuild()
    html = client.get("/thong-ke/").content.decode()
    assert agency.name not in html and "Chưa có số liệu trong năm này." in html


def test_public_page_other_year_and_a_bad_one(client, year_table):
    year, _ = year_table
    html = client.get("/thong-ke/", {"nam": str(year - 1)}).content.decode()
    assert "Chưa có số liệu trong năm này." in html
    response = client.get("/thong-ke/", {"nam": "abc"})
    assert response.status_code == 200 and "Năm không hợp lệ" in response.content.decode()


def test_the_dashboard_is_for_officials_only(client, citizen):
    response = client.get("/can-bo/chi-so/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(citizen)
    assert client.get("/can-bo/chi-so/").status_code == 403


@pytest.fixture
def late_and_unrated(agency):
    officials = {
        role: make_official(agency=agency, role=role)
        for role in (
            StaffRoleName.RECEPTION,
            StaffRoleName.SPECIALIST,
            StaffRoleName.LEADER,
            StaffRoleName.CLERK,
        )
    }
    procedure = ProcedureFactory(free=True, agencies=[agency])
    late = dossier_in(
        DossierStatus.RESULT_ISSUED, agency=agency, officials=officials, procedure=procedure
    )
    rated = dossier_in(
        DossierStatus.RESULT_ISSUED, agency=agency, officials=officials, procedure=procedure
    )
    Dossier.objects.filter(pk=late.pk).update(on_time=False)
    Rating.objects.create(dossier=rated, agency=agency, procedure=procedure, score=1)
    elsewhere = dossier_in(DossierStatus.RESULT_ISSUED)
    Dossier.objects.filter(pk=elsewhere.pk).update(on_time=False)
    return officials, late, rated, elsewhere


def test_dashboard_drills_down_to_the_dossiers_behind_a_number(
    client, agency, late_and_unrated, django_assert_num_queries
):
    officials, late, rated, elsewhere = late_and_unrated
    client.force_login(officials[StaffRoleName.RECEPTION])
    response = client.get("/can-bo/chi-so/")
    html = response.content.decode()
    assert response.status_code == 200 and agency.name in html and "2.1" in html
    assert "xem=tre-han" in html and "xem=chua-danh-gia" in html
    # From the number itself: the on-time row links to the late dossiers.
    assert f"?agency={agency.code}&amp;from=" in html and "xem hồ sơ trễ hạn" in html
    # Pinned: the list's rows come with their procedure and handler joined (no query per row).
    with django_assert_num_queries(6):
        html = client.get("/can-bo/chi-so/", {"xem": "tre-han"}).content.decode()
    assert late.code in html and rated.code not in html and elsewhere.code not in html
    html = client.get("/can-bo/chi-so/", {"xem": "chua-danh-gia"}).content.decode()
    assert late.code in html and rated.code not in html
    html = client.get("/can-bo/chi-so/", {"xem": "khong-hai-long"}).content.decode()
    assert rated.code in html and late.code not in html


def test_dashboard_exports_the_same_rows(client, agency, late_and_unrated):
    officials, late, _rated, _elsewhere = late_and_unrated
    client.force_login(officials[StaffRoleName.LEADER])
    response = client.get("/can-bo/chi-so/", {"xem": "tre-han", "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Mã hồ sơ" and [r[0] for r in rows[1:]] == [late.code]
    response = client.get("/can-bo/chi-so/", {"xem": "tre-han", "format": "xlsx"})
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')


def test_dashboard_bad_period_says_so_and_shows_this_year(client, agency, late_and_unrated):
    officials = late_and_unrated[0]
    client.force_login(officials[StaffRoleName.RECEPTION])
    response = client.get("/can-bo/chi-so/", {"from": "2026-02-30"})
    assert response.status_code == 200
    assert "Ngày không hợp lệ" in response.content.decode()


def test_an_official_sees_only_their_own_agency(client, agency, late_and_unrated):
    _officials, _late, _rated, elsewhere = late_and_unrated
    stranger = make_official(agency=AgencyFactory(), role=StaffRoleName.LEADER)
    client.force_login(stranger)
    html = client.get("/can-bo/chi-so/", {"agency": agency.code, "xem": "tre-han"}).content.decode()
    assert agency.name not in html
    assert elsewhere.code not in html  # another agency's dossier, even through the gate


def test_the_refresh_task_recomputes_the_recent_days_only(agency, year_table):
    from reports.tasks import statistics_refresh

    today = timezone.localdate()
    DailyStatistic.objects.create(agency_id=agency.pk, procedure_id=0, day=today, rated=3)
    statistics_refresh.apply().get()
    # No rating exists: today's count goes back to 0; January's rows are older than the
    # window and stay as they were (they outlive the retention of what they count).
    assert DailyStatistic.objects.get(day=today).rated == 0
    assert sorted(DailyStatistic.objects.exclude(day=today).values_list("rated", flat=True)) == [
        2,
        2,
    ]


def test_a_long_name_is_shortened_to_fit_the_chart_label_column():
    from reports.charts import LABEL_WIDTH, bar_chart

    name = "Trung tâm Phục vụ hành chính công tỉnh Demo"
    chart = bar_chart("c", "t", ["Đúng hạn"], [(name, [0.5]), ("UBND xã Demo", [1.0])])
    long_label, short_label = (category.label for category in chart.categories)
    assert long_label == name[:23] + "…" and short_label == "UBND xã Demo"
    # 12 px text averages under 7.5 px a character: 24 of them stay inside the column.
    assert len(long_label) * 7.5 < LABEL_WIDTH
