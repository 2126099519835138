"""A dossier's clock and the rules of issue 7: deadlines, apology, withdrawal, times, waits,
the one overdue rule and the supplement limited to what the request names."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from dossiers import selectors
from dossiers.constants import CLOCK_RUNNING_STATUSES, DossierStatus
from dossiers.errors import InvalidTransition
from dossiers.filing import services as filing_services
from dossiers.models import Dossier
from dossiers.workflow import deadlines
from dossiers.workflow import services as workflow_services
from dvctt import workdays
from dvctt.errors import InvalidInput
from dvctt.workdays import VN_TZ
from notifications.models import Notification
from tests.dossiers.conftest import make_submitted, upload
from tests.dossiers.factories import dossier_in
from tests.procedures.factories import ProcedureFactory


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN_TZ)


class Clock:
    def __init__(self):
        self.now = vn(2026, 11, 25, 8, 0)  # a Wednesday

    def set(self, *args):
        self.now = vn(*args)


@pytest.fixture
def clock(monkeypatch):
    """Pin django.utils.timezone.now (services, auto_now fields) to a settable instant."""
    c = Clock()
    monkeypatch.setattr(timezone, "now", lambda: c.now)
    return c


def run(actor, dossier, action, **data):
    note = data.pop("note", "")
    return workflow_services.dossier_run_action(
        actor=actor, dossier_id=dossier.pk, action=action, note=note, data=data
    )


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- deadlines from the catalogue -----------------------------------------------------------


def test_half_day_procedure_is_due_four_working_hours_after_reception(
    clock, citizen, agency, reception
):
    procedure = ProcedureFactory(agencies=[agency], processing_days=0.5)
    dossier = make_submitted(citizen, procedure)
    dossier = run(reception, dossier, "receive")
    assert dossier.due_at != dossier.received_at
    assert dossier.due_at == vn(2026, 11, 25, 14, 0)  # 3.5 h to 11:30, 0.5 h after lunch
    assert dossier.original_due_at == dossier.due_at


def test_online_dossier_gets_the_online_processing_time(clock, citizen, agency, reception):
    procedure = ProcedureFactory(agencies=[agency], processing_days=5, online_processing_days=2)
    dossier = run(reception, make_submitted(citizen, procedure), "receive")
    assert dossier.due_at == workdays.due_at(clock.now, 2)
    assert filing_services.processing_days(dossier) == 2


def test_calendar_day_procedure(clock, citizen, agency, reception):
    procedure = ProcedureFactory(
        agencies=[agency], processing_days=10, processing_calendar_days=True
    )
    dossier = run(reception, make_submitted(citizen, procedure), "receive")
    # 10 calendar days from Wednesday 25/11 08:00 end on Saturday 5/12: close of Monday 7/12.
    assert dossier.due_at == vn(2026, 12, 7, 17, 0)


def test_received_at_15h_sharp_counts_that_day(clock, citizen, procedure, reception):
    clock.set(2026, 11, 25, 15, 0)
    dossier = run(reception, make_submitted(citizen, procedure), "receive")
    assert dossier.due_at == workdays.add_working_hours(vn(2026, 11, 25, 15, 0), 24)


# --- apology (Mẫu 04) -----------------------------------------------------------------------


@pytest.fixture
def received(clock, citizen, procedure, reception):
    return run(reception, make_submitted(citizen, procedure), "receive")


def test_apology_moves_the_due_date_once_and_keeps_the_original(received, leader, clock):
    original = received.due_at  # 3 working days: Monday 30/11 08:00
    clock.set(2026, 11, 25, 9, 0)
    new = vn(2026, 12, 3, 9, 0)
    dossier = run(
        leader, received, "apologize", reason="Cần xác minh thêm", new_due_at=new.isoformat()
    )
    assert dossier.due_at == new and dossier.original_due_at == original
    event = dossier.events.get(action="apologize")
    assert event.note == "Cần xác minh thêm"
    assert (
        event.data["late"] is False
        and dt.datetime.fromisoformat(event.data["previous_due_at"]) == original
    )
    with pytest.raises(InvalidTransition):
        run(leader, dossier, "apologize", reason="Lần hai", new_due_at="2026-12-10T09:00")


def test_apology_sent_less_than_a_working_day_before_is_recorded_late(received, leader, clock):
    clock.now = received.due_at - dt.timedelta(hours=2)
    dossier = run(
        leader, received, "apologize", note="Chậm do mất điện", new_due_at="2026-12-04T10:00"
    )
    event = dossier.events.get(action="apologize")
    assert event.data["late"] is True
    assert event.note == "Chậm do mất điện"  # `note` still works as the reason
    assert dossier.due_at == vn(2026, 12, 4, 10, 0)  # naive ISO = Vietnam time


def test_apology_date_is_read_as_officials_write_it(received, leader, clock):
    """The page's field takes "dd/mm/yyyy hh:mm" whatever the browser's language (issue 23.4)."""
    clock.set(2026, 11, 25, 9, 0)
    dossier = run(
        leader, received, "apologize", reason="Cần xác minh", new_due_at="03/12/2026 09:30"
    )
    assert dossier.due_at == vn(2026, 12, 3, 9, 30)


@pytest.mark.parametrize("text", ["09:30 03/12/2026", "2026-12-03T09:30", "2026-12-03T09:30+07:00"])
def test_the_other_written_forms_of_a_date_and_time_are_read_too(text):
    from dvctt.formats import parse_datetime_as_written

    value = parse_datetime_as_written(text)
    assert value is not None
    if value.tzinfo is None:
        value = value.replace(tzinfo=VN_TZ)
    assert value == vn(2026, 12, 3, 9, 30)


@pytest.mark.parametrize(
    "text", ["31/02/2026 09:00", "03/12/2026 25:00", "12/03/26 9h", "2026-02-31T09:00"]
)
def test_impossible_dates_and_times_are_not_read(text):
    from dvctt.formats import parse_datetime_as_written

    assert parse_datetime_as_written(text) is None


def test_the_apology_field_is_a_day_first_text_box(client, received, leader, clock):
    clock.set(2026, 11, 25, 9, 0)
    client.force_login(leader)
    page = client.get(f"/can-bo/ho-so/{received.pk}/").content.decode()
    assert 'name="new_due_at"' in page and 'placeholder="dd/mm/yyyy hh:mm"' in page
    assert "datetime-local" not in page


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "x", "new_due_at": "2026-11-26T09:00"}, "new_due_at"),  # before due
        ({"reason": "x", "new_due_at": "2026-12-05T09:00"}, "new_due_at"),  # a Saturday
        ({"reason": "x", "new_due_at": "2026-12-03T12:00"}, "new_due_at"),  # lunch break
        ({"reason": "x", "new_due_at": "2026-12-03T20:00"}, "new_due_at"),  # evening
        ({"reason": "x", "new_due_at": "ngày mai"}, "new_due_at"),
        ({"reason": "x"}, "new_due_at"),
        ({"new_due_at": "2026-12-03T09:00"}, "reason"),
    ],
)
def test_apology_bad_bodies_are_400_naming_the_field(received, leader, body, field):
    response = api(leader).post(
        f"/api/v1/dossiers/{received.pk}/actions/apologize/", body, format="json"
    )
    assert response.status_code == 400, response.json()
    assert field in response.json()["fields"]
    received.refresh_from_db()
    assert received.apology_count == 0 and not received.events.filter(action="apologize")


def test_apology_to_the_close_of_a_working_day_is_accepted(received, leader):
    dossier = run(leader, received, "apologize", reason="Chậm", new_due_at="2026-12-03T17:00")
    assert dossier.due_at == vn(2026, 12, 3, 17, 0)


def test_apology_through_the_api(received, leader):
    client = api(leader)
    url = f"/api/v1/dossiers/{received.pk}/actions/apologize/"
    body = {"reason": "Chờ ý kiến cơ quan khác", "new_due_at": "2026-12-03T09:00:00+07:00"}
    response = client.post(url, body, format="json")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["due_at"].startswith("2026-12-03T")
    assert data["original_due_at"] != data["due_at"]
    again = client.post(url, {**body, "new_due_at": "2026-12-04T09:00"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"


def test_apology_from_the_official_page(client, received, leader):
    client.force_login(leader)
    response = client.post(
        reverse("dossiers:official_action", args=[received.pk, "apologize"]),
        {"reason": "Chờ xác minh", "new_due_at": "2026-12-03T09:00"},
        follow=True,
    )
    assert response.status_code == 200
    received.refresh_from_db()
    assert received.due_at == vn(2026, 12, 3, 9, 0)
    event = received.events.get(action="apologize")
    assert event.note == "Chờ xác minh" and "csrfmiddlewaretoken" not in event.data
    page = client.get(reverse("dossiers:official_detail", args=[received.pk]))
    assert "apologize" not in [a["name"] for a in page.context["actions"]]


# --- withdrawal until the result is issued --------------------------------------------------


def test_withdraw_after_reception_is_seen_by_the_desk(received, citizen, reception, client):
    dossier = run(citizen, received, "withdraw", reason="Đã giải quyết ở nơi khác")
    assert dossier.status == DossierStatus.WITHDRAWN and dossier.completed_at
    event = dossier.events.get(action="withdraw")
    assert event.data["after_reception"] is True and event.note == "Đã giải quyết ở nơi khác"
    inbox = Notification.objects.get(recipient=reception, key__contains="withdrawn:desk")
    assert dossier.code in inbox.subject and inbox.channel == "in_app"
    assert selectors.dossiers_for_official(user=reception).get(pk=dossier.pk).status == (
        DossierStatus.WITHDRAWN
    )
    client.force_login(reception)
    assert "Công dân rút hồ sơ" in client.get(reverse("dossiers:official_home")).text
    detail = client.get(reverse("dossiers:official_detail", args=[dossier.pk])).text
    assert "Đã giải quyết ở nơi khác" in detail


def test_withdraw_from_the_citizen_page_after_reception(received, citizen, client):
    client.force_login(citizen)
    page = client.get(reverse("dossiers:my_detail", args=[received.pk]))
    assert "withdraw" in page.context["actions"]
    client.post(reverse("dossiers:my_withdraw", args=[received.pk]), {"note": "Không cần nữa"})
    received.refresh_from_db()
    assert received.status == DossierStatus.WITHDRAWN


def test_withdraw_api_with_reason(received, citizen):
    response = api(citizen).post(
        f"/api/v1/dossiers/{received.pk}/actions/withdraw/", {"reason": "Nhầm"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"


# --- times, waits and the on-time mark ------------------------------------------------------


def test_completed_at_is_the_issue_time_and_returned_at_the_return(clock, agency, clerk):
    # A free procedure: no fee stands between the issued result and its return.
    dossier = dossier_in(
        DossierStatus.APPROVED,
        agency=agency,
        officials={"clerk": clerk},
        procedure=ProcedureFactory(free=True, agencies=[agency]),
    )
    clock.set(2026, 11, 26, 9, 0)
    dossier = run(clerk, dossier, "issue_result")
    assert dossier.completed_at == clock.now and dossier.on_time is True
    clock.set(2026, 12, 2, 10, 0)
    dossier = run(clerk, dossier, "return_result")
    assert dossier.returned_at == clock.now
    assert dossier.completed_at == vn(2026, 11, 26, 9, 0)
    assert api(clerk).get(f"/api/v1/dossiers/{dossier.pk}/").json()["on_time"] is True


def test_issued_after_the_original_due_date_is_late_even_with_an_apology(
    clock, agency, clerk, leader
):
    dossier = dossier_in(
        DossierStatus.APPROVED, agency=agency, officials={"clerk": clerk, "leader": leader}
    )
    # Mẫu 04 is the leader's to decide and sign (workflow.ACTIONS).
    dossier = run(leader, dossier, "apologize", reason="Chậm", new_due_at="2026-12-10T09:00")
    clock.set(2026, 12, 7, 9, 0)  # before the new date, after the original one
    dossier = run(clerk, dossier, "issue_result")
    assert dossier.on_time is False


def test_payment_wait_is_kept_in_working_hours_and_moves_the_deadlines(
    clock, agency, reception, citizen
):
    dossier = dossier_in(
        DossierStatus.AWAITING_PAYMENT,
        agency=agency,
        citizen=citizen,
        officials={"reception": reception},
    )
    due, original = dossier.due_at, dossier.original_due_at
    # Waiting from Wednesday 25/11 08:00 to Tuesday 1/12 08:00: 7 + 8 + 8 + 8 + 1 = 32 working
    # hours, past the due date (Monday 30/11 08:00) — yet a dossier waiting is never late.
    clock.set(2026, 12, 1, 8, 0)
    assert due < clock.now
    assert not Dossier.objects.filter(pk=dossier.pk).overdue().exists()
    assert not dossier.is_overdue
    dossier = run(reception, dossier, "confirm_payment")
    assert dossier.paused_working_hours == Decimal("32")
    assert dossier.due_at == workdays.add_working_hours(due, 32) == vn(2026, 12, 4, 8, 0)
    assert dossier.original_due_at == workdays.add_working_hours(original, 32)
    assert not Dossier.objects.filter(pk=dossier.pk).overdue().exists()


def test_on_time_counts_against_the_original_due_date_plus_paused_time():
    d = Dossier(original_due_at=vn(2026, 11, 30, 8, 0), supplement_count=0)
    deadlines.decide_on_time(d, now=vn(2026, 11, 30, 8, 0))
    assert d.on_time is True
    deadlines.decide_on_time(d, now=vn(2026, 11, 30, 8, 1))
    assert d.on_time is False
    d.paused_since = vn(2026, 11, 27, 16, 0)  # a wait of 1 working hour
    deadlines.end_wait(d, now=vn(2026, 11, 30, 7, 0))
    deadlines.decide_on_time(d, now=vn(2026, 11, 30, 8, 30))
    assert d.on_time is True and d.paused_working_hours == Decimal("1")
    d.supplement_count = 2  # more than one supplement request counts as late
    deadlines.decide_on_time(d, now=vn(2026, 11, 30, 8, 30))
    assert d.on_time is False


@pytest.mark.parametrize("status", [s for s in DossierStatus.values if s != "draft"])
def test_overdue_property_and_queryset_agree(received, status, clock):
    # One rule: the property (pages, API) and the queryset (lists) say the same thing.
    for due in (clock.now - dt.timedelta(minutes=1), clock.now + dt.timedelta(minutes=1)):
        Dossier.objects.filter(pk=received.pk).update(status=status, due_at=due)
        dossier = Dossier.objects.get(pk=received.pk)
        in_list = Dossier.objects.filter(pk=received.pk).overdue().exists()
        assert dossier.is_overdue == in_list
        assert in_list == (status in CLOCK_RUNNING_STATUSES and due < clock.now)
        assert Dossier.objects.filter(pk=received.pk).not_overdue().exists() != in_list


def test_overdue_list_leaves_out_waiting_and_finished(clock, agency, reception, citizen):
    running = dossier_in(
        DossierStatus.RECEIVED, agency=agency, citizen=citizen, officials={"reception": reception}
    )
    waiting = dossier_in(
        DossierStatus.AWAITING_PAYMENT,
        agency=agency,
        citizen=citizen,
        officials={"reception": reception},
    )
    clock.set(2027, 1, 20, 9, 0)
    overdue = selectors.dossiers_for_official(user=reception, overdue=True)
    assert list(overdue.values_list("pk", flat=True)) == [running.pk]
    not_overdue = selectors.dossiers_for_official(user=reception, overdue=False)
    assert waiting.pk in set(not_overdue.values_list("pk", flat=True))
    body = api(reception).get("/api/v1/dossiers/?overdue=true").json()
    assert [r["id"] for r in body["results"]] == [str(running.pk)]


# --- supplement limited to what the request names -------------------------------------------


@pytest.fixture
def requested(received, reception):
    components = received.case_components()
    return run(
        reception,
        received,
        "request_supplement",
        reason="Bản chụp mờ",
        items=[components[0]["id"], "Ghi rõ ngày cấp giấy tờ"],
    )


def test_request_supplement_stores_its_items(requested):
    first = requested.case_components()[0]
    assert requested.supplement_items == [
        {"component": first["id"], "name": first["name"]},
        {"text": "Ghi rõ ngày cấp giấy tờ"},
    ]
    assert requested.events.get(action="request_supplement").data["items"] == (
        requested.supplement_items
    )


def test_the_desk_sees_what_was_requested(requested, reception, client):
    client.force_login(reception)
    page = client.get(reverse("dossiers:official_detail", args=[requested.pk])).text
    assert "Nội dung yêu cầu bổ sung" in page and "Ghi rõ ngày cấp giấy tờ" in page


def test_request_supplement_refuses_components_of_another_dossier(received, reception):
    response = api(reception).post(
        f"/api/v1/dossiers/{received.pk}/actions/request_supplement/",
        {"reason": "Thiếu", "items": [999_999_999]},
        format="json",
    )
    assert response.status_code == 400 and "items" in response.json()["fields"]


def test_a_text_item_opens_every_document_and_the_form(requested, citizen, clock):
    # docs/api.md §4: a text item (not a component id) opens every component and the e-form.
    other = requested.case_components()[1]
    filing_services.attachment_add(
        actor=citizen, dossier_id=requested.pk, component_id=other["id"], upload=upload()
    )
    assert requested.attachments.filter(component_id_snapshot=other["id"], is_current=True)
    # Each change of the declaration leaves a trace.
    filing_services.dossier_update_form(
        actor=citizen,
        dossier_id=requested.pk,
        form_data={**requested.form_data, "ho_ten": "Nguyễn Văn Sửa"},
    )
    event = requested.events.get(action="edit_form")
    assert event.data["changed"] == ["ho_ten"] and event.actor == citizen


def test_a_request_naming_only_documents_keeps_the_form(received, reception, citizen):
    first = received.case_components()[0]
    dossier = run(reception, received, "request_supplement", reason="Mờ", items=[first["id"]])
    other = received.case_components()[1]
    with pytest.raises(InvalidInput) as exc:
        filing_services.attachment_add(
            actor=citizen, dossier_id=dossier.pk, component_id=other["id"], upload=upload()
        )
    assert "component" in exc.value.fields
    with pytest.raises(InvalidInput):
        filing_services.dossier_update_form(
            actor=citizen, dossier_id=dossier.pk, form_data={"x": 1}
        )
    with pytest.raises(InvalidInput):
        filing_services.dossier_update_applicant(
            actor=citizen,
            dossier_id=dossier.pk,
            data={"applicant_name": "Tên khác", "applicant_id_number": dossier.applicant_id_number},
        )
    assert not dossier.events.filter(action__in=["edit_form", "edit_applicant"]).exists()


def test_supplement_refused_until_named_files_are_new(requested, citizen, clock):
    first = requested.case_components()[0]
    response = api(citizen).post(f"/api/v1/dossiers/{requested.pk}/actions/supplement/", {})
    assert response.status_code == 400
    assert any(first["name"][:30] in m for m in response.json()["fields"]["items"])
    clock.set(2026, 11, 26, 9, 0)
    filing_services.attachment_add(
        actor=citizen, dossier_id=requested.pk, component_id=first["id"], upload=upload()
    )
    attach = requested.events.filter(action="attach").last()
    assert attach.data["component"] == first["id"]
    response = api(citizen).post(f"/api/v1/dossiers/{requested.pk}/actions/supplement/", {})
    assert response.status_code == 200, response.json()
    dossier = Dossier.objects.get(pk=requested.pk)
    # NĐ 61/2018 Điều 19.4: the clock restarts from the complete dossier.
    assert dossier.status == DossierStatus.IN_PROGRESS
    assert dossier.due_at == workdays.due_at(clock.now, 3) == dossier.original_due_at


def test_supplement_page_shows_only_the_named_documents(received, reception, citizen, client):
    first = received.case_components()[0]
    requested = run(reception, received, "request_supplement", reason="Mờ", items=[first["id"]])
    client.force_login(citizen)
    page = client.get(reverse("dossiers:my_supplement", args=[requested.pk]))
    names = [c["name"] for c in page.context["components"]]
    assert names == [first["name"]]
    assert page.context["form"] is None and 'id="e-form"' not in page.text
    response = client.post(reverse("dossiers:my_supplement", args=[requested.pk]), follow=True)
    assert response.status_code == 400
    assert "Chưa tải lên bản bổ sung" in response.text
    assert Dossier.objects.get(pk=requested.pk).status == DossierStatus.SUPPLEMENT_REQUESTED


def test_request_supplement_from_the_official_page(client, received, reception):
    client.force_login(reception)
    first = received.case_components()[0]
    client.post(
        reverse("dossiers:official_action", args=[received.pk, "request_supplement"]),
        {"reason": "Thiếu bản chính", "items": [str(first["id"])], "items_text": "Ký tên\n"},
    )
    received.refresh_from_db()
    assert received.status == DossierStatus.SUPPLEMENT_REQUESTED
    assert received.supplement_items == [
        {"component": first["id"], "name": first["name"]},
        {"text": "Ký tên"},
    ]
