"""The officials' workspace /can-bo/: queues with counts, search, filters, pinned queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.constants import StaffRoleName
from dossiers import workspace
from dossiers.constants import DossierStatus
from dossiers.models import Dossier
from dossiers.workflow import services
from tests.dossiers.conftest import make_submitted
from tests.dossiers.factories import dossier_in
from tests.factories import CitizenFactory, make_official

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(agency):
    return {
        role: make_official(agency=agency, role=role)
        for role in (
            StaffRoleName.RECEPTION,
            StaffRoleName.SPECIALIST,
            StaffRoleName.LEADER,
            StaffRoleName.CLERK,
        )
    }


def _officials(staff):
    return {str(role): user for role, user in staff.items()}


def test_queues_count_and_list_the_right_dossiers(agency, procedure, staff):
    officials = _officials(staff)
    waiting = dossier_in(DossierStatus.SUBMITTED, agency=agency, procedure=procedure)
    with_specialist = dossier_in(
        DossierStatus.IN_PROGRESS, agency=agency, procedure=procedure, officials=officials
    )
    services.dossier_run_action(
        actor=staff[StaffRoleName.LEADER],
        dossier_id=with_specialist.pk,
        action="assign",
        to_user=staff[StaffRoleName.SPECIALIST].pk,
    )
    approved = dossier_in(
        DossierStatus.APPROVED, agency=agency, procedure=procedure, officials=officials
    )
    late = dossier_in(DossierStatus.RECEIVED, agency=agency, procedure=procedure)
    Dossier.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(days=2))
    specialist = staff[StaffRoleName.SPECIALIST]
    counts = workspace.official_queue_counts(user=specialist)
    assert counts == {
        "reception": 1,
        "mine": 1,
        "approval": 0,
        "result": 1,
        "due_soon": counts["due_soon"],
        "overdue": 1,
        "incoming": 0,
    }

    def queue(name, user=specialist, **kw):
        return list(workspace.dossiers_for_official_queue(user=user, queue=name, **kw))

    assert queue("reception") == [waiting]
    assert queue("mine") == [with_specialist]
    assert queue("result") == [approved]
    assert queue("overdue") == [late]
    # Soonest due first in "all"; the overdue one leads.
    assert queue("all")[0] == late
    # Search by code prefix, by applicant name and by id number.
    assert queue("all", q=waiting.code) == [waiting]
    assert queue("all", q=waiting.code[:-1]) != []
    assert queue("all", q=waiting.applicant_id_number) == [waiting]
    named = CitizenFactory(full_name="Đỗ Thị Hiếm")
    rare = make_submitted(named, procedure)
    assert queue("all", q="thị hiếm") == [rare]
    assert queue("all", status="approved") == [approved]
    assert queue("all", procedure="khong-co") == []
    # A citizen has no queues.
    assert list(workspace.dossiers_for_official_queue(user=waiting.applicant)) == []


def test_workspace_page_shows_queues_and_time_left(client, agency, procedure, staff):
    dossier_in(DossierStatus.SUBMITTED, agency=agency, procedure=procedure)
    late = dossier_in(DossierStatus.RECEIVED, agency=agency, procedure=procedure)
    Dossier.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(days=3))
    client.force_login(staff[StaffRoleName.RECEPTION])
    html = client.get("/can-bo/").content.decode()
    assert "Chờ tiếp nhận" in html and "Liên thông đến" in html
    assert 'aria-current="page" class="queue-link queue-reception"' in html
    html = client.get("/can-bo/?queue=overdue").content.decode()
    assert late.code in html and "Quá hạn" in html and "tone-late" in html
    html = client.get("/can-bo/?queue=incoming").content.decode()
    assert "Không có hồ sơ nào trong hàng đợi này." in html
    response = client.get("/can-bo/?queue=all&date_from=not-a-date")
    assert response.status_code == 200
    assert "Bộ lọc chưa hợp lệ" in response.content.decode()


def test_workspace_query_count_is_constant_per_page(
    client, agency, procedure, staff, django_assert_num_queries
):
    client.force_login(staff[StaffRoleName.LEADER])
    dossier_in(DossierStatus.SUBMITTED, agency=agency, procedure=procedure)
    client.get("/can-bo/?queue=all")  # warm the session and caches

    def measure() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/can-bo/?queue=all").status_code == 200
        return len(ctx.captured_queries)

    few = measure()
    citizen = CitizenFactory()
    for _ in range(6):
        make_submitted(citizen, procedure)
    with django_assert_num_queries(few):
        client.get("/can-bo/?queue=all")
    # user, official's roles, queue counts, page count, page rows (the session: cache)
    assert few == 5


def test_detail_page_shows_form_answers_step_and_action_inputs(client, agency, procedure, staff):
    officials = _officials(staff)
    dossier = dossier_in(
        DossierStatus.IN_PROGRESS, agency=agency, procedure=procedure, officials=officials
    )
    client.force_login(staff[StaffRoleName.SPECIALIST])
    html = client.get(f"/can-bo/ho-so/{dossier.pk}/").content.decode()
    assert "Họ và tên" in html and "Nguyễn Văn Thử" in html  # e-form answer with its title
    assert "Bước xử lý hiện tại" in html and "Thẩm định" in html
    assert 'name="proposal"' in html and 'name="to_step"' in html
    assert "?xem=1" in html
    assert "Phiếu kiểm soát" in html  # the hand-over from the desk is listed
    # The leader sees the assignment form limited to the step's officials.
    client.force_login(staff[StaffRoleName.LEADER])
    html = client.get(f"/can-bo/ho-so/{dossier.pk}/").content.decode()
    assert f'<option value="{staff[StaffRoleName.SPECIALIST].pk}">' in html
    assert f'<option value="{staff[StaffRoleName.CLERK].pk}">' not in html


def test_html_action_hands_over_and_reports_missing_fields(client, agency, procedure, staff):
    officials = _officials(staff)
    dossier = dossier_in(
        DossierStatus.IN_PROGRESS, agency=agency, procedure=procedure, officials=officials
    )
    client.force_login(staff[StaffRoleName.SPECIALIST])
    url = f"/can-bo/ho-so/{dossier.pk}/thao-tac/forward/"
    response = client.post(url, {"to_step": "3"}, follow=True)
    assert "Vui lòng chọn đề xuất" in response.content.decode()
    response = client.post(
        url, {"to_step": "3", "proposal": "approve", "note": "Đủ điều kiện", "confirm": "on"}
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.current_step, dossier.appraisal_proposal) == (3, "approve")


def test_inline_preview_of_an_attachment(client, agency, procedure, staff, submitted):
    attachment = submitted.attachments.first()
    client.force_login(staff[StaffRoleName.RECEPTION])
    url = f"/can-bo/ho-so/{submitted.pk}/tep/{attachment.pk}/"
    assert client.get(url)["Content-Disposition"].startswith("attachment")
    assert client.get(url + "?xem=1")["Content-Disposition"].startswith("inline")


def _plan_nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", ()):
        yield from _plan_nodes(child)


@pytest.mark.postgres
@pytest.mark.parametrize("queue", list(workspace.QUEUES))
def test_each_queue_reads_its_page_and_counts_from_an_index_in_queue_order(
    queue, agency, procedure, staff
):
    # At 1,000,000 dossiers (make bench BENCH=queue) a queue page stays fast only if its rows
    # come from an index already in the queue's order (no sort of the whole queue) and every
    # count is an index-only scan. The planner is told to avoid sorts and table scans, so a
    # queue without its index shows a Sort or a scan of another index here. (Which of the
    # fitting indexes a count takes on a near-empty table is the planner's choice; at 1 M
    # rows they are index-only scans of the queue indexes, see the bench.)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    officials = _officials(staff)
    for status in (DossierStatus.SUBMITTED, DossierStatus.IN_PROGRESS, DossierStatus.APPROVED):
        dossier_in(status, agency=agency, procedure=procedure, officials=officials)
    user = staff[StaffRoleName.LEADER]
    ids = [agency.pk]
    with CaptureQueriesContext(connection) as ctx:
        list(workspace.dossiers_for_official_queue(user=user, queue=queue, agency_ids=ids)[:20])
        workspace.official_queue_counts(user=user, agency_ids=ids)
    page_sql, counts_sql = (q["sql"] for q in ctx.captured_queries)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        plans = {}
        for name, sql in (("page", page_sql), ("counts", counts_sql)):
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
            plans[name] = list(_plan_nodes(cursor.fetchone()[0][0]["Plan"]))

    def dossier_scans(nodes):
        return [n for n in nodes if n.get("Relation Name") == "dossiers_dossier"]

    page = plans["page"]
    assert not [n for n in page if "Sort" in n["Node Type"]], [n["Node Type"] for n in page]
    (scan,) = dossier_scans(page)
    assert scan["Node Type"] in ("Index Scan", "Index Only Scan")
    assert scan["Index Name"].startswith("dossier_queue_")
    count_scans = dossier_scans(plans["counts"])
    assert len(count_scans) == len(workspace.QUEUES) - 1  # every queue but "all"
    for node in count_scans:  # each count reads one range of an index
        assert node["Node Type"] in ("Index Scan", "Index Only Scan")
        assert node.get("Index Cond"), node


def test_a_queue_longer_than_the_count_cap_says_more_than(
    client, agency, procedure, staff, monkeypatch
):
    from dvctt.pagination import CappedPaginator

    for _ in range(3):
        dossier_in(DossierStatus.SUBMITTED, agency=agency, procedure=procedure)
    client.force_login(staff[StaffRoleName.RECEPTION])
    html = client.get("/can-bo/?queue=reception").content.decode()
    assert "(3 hồ sơ," in html
    monkeypatch.setattr(CappedPaginator, "cap", 2)
    html = client.get("/can-bo/?queue=reception").content.decode()
    assert "(hơn 2 hồ sơ," in html
