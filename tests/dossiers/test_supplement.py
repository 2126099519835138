"""Supplement requests citizens can answer (issue 17, point 5): a text item opens every document
and the e-form, the page gives each item its own input, corrections are checked and recorded,
and the clock follows NĐ 61/2018 Điều 19.4 (a late request only pauses it; waits move the
current step's due time too, so Mẫu 05 does not charge a step with the citizen's wait)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from dossiers.constants import DossierStatus, HandoverOutcome
from dossiers.filing import services
from dossiers.models import Dossier, Handover
from dossiers.workflow import deadlines
from dvctt import workdays
from tests.dossiers.conftest import make_submitted, upload
from tests.dossiers.test_clock_and_rules import Clock, api, run, vn
from tests.procedures.factories import ProcedureFactory

TEXT = "Ghi đúng họ tên như trên căn cước"


@pytest.fixture
def clock(monkeypatch):
    """Pin django.utils.timezone.now to a settable instant (as test_clock_and_rules does)."""
    c = Clock()
    monkeypatch.setattr(timezone, "now", lambda: c.now)
    return c


@pytest.fixture
def received(clock, citizen, procedure, reception):
    return run(reception, make_submitted(citizen, procedure), "receive")


@pytest.fixture
def text_only(received, reception, clock):
    clock.set(2026, 11, 25, 9, 0)
    return run(reception, received, "request_supplement", reason="Tờ khai sai", items=[TEXT])


# --- a text item opens every document and the e-form ----------------------------------------


def test_text_only_request_lets_the_citizen_replace_any_file(text_only, citizen, clock):
    clock.set(2026, 11, 26, 9, 0)
    for component in text_only.case_components():
        services.attachment_add(
            actor=citizen, dossier_id=text_only.pk, component_id=component["id"], upload=upload()
        )
    current = text_only.attachments.filter(is_current=True, uploaded_at__gt=vn(2026, 11, 25, 9))
    assert current.count() == len(text_only.case_components())


def test_supplement_page_gives_each_item_its_own_input(text_only, citizen, client):
    client.force_login(citizen)
    page = client.get(reverse("dossiers:my_supplement", args=[text_only.pk]))
    assert page.status_code == 200
    html = page.text
    assert TEXT in html and 'href="#e-form"' in html
    # Every document has a file input (the text opens them all), and the e-form is prefilled.
    for component in text_only.case_components():
        assert f'id="file-{component["id"]}"' in html
    assert 'id="e-form"' in html and 'value="Nguyễn Văn Thử"' in html
    assert page.context["form"] is not None


def test_e_form_correction_is_checked_and_recorded(text_only, citizen, client, clock):
    client.force_login(citizen)
    url = reverse("dossiers:my_supplement", args=[text_only.pk])
    clock.set(2026, 11, 26, 9, 0)
    ok = client.post(url, {"save_form": "1", "f__ho_ten": "Nguyễn Văn Đúng", "f__ngay_sinh": ""})
    assert ok.status_code == 302 and ok["Location"].endswith("#e-form")
    dossier = Dossier.objects.get(pk=text_only.pk)
    assert dossier.form_data["ho_ten"] == "Nguyễn Văn Đúng"
    edit = dossier.events.get(action="edit_form")
    assert edit.data["before"] == {"ho_ten": "Nguyễn Văn Thử"}
    assert edit.data["after"] == {"ho_ten": "Nguyễn Văn Đúng"}
    assert "“Nguyễn Văn Thử” → “Nguyễn Văn Đúng”" in edit.note
    # Checked by the schema of the version filed: an empty name is refused on the page, and
    # the supplement is refused while the declaration is invalid.
    bad = client.post(url, {"save_form": "1", "f__ho_ten": "", "f__ngay_sinh": ""})
    assert bad.status_code == 400 and "Vui lòng sửa các lỗi sau" in bad.text
    refused = client.post(url, {"note": ""})
    assert refused.status_code == 400
    assert Dossier.objects.get(pk=text_only.pk).status == DossierStatus.SUPPLEMENT_REQUESTED
    client.post(url, {"save_form": "1", "f__ho_ten": "Nguyễn Văn Đúng", "f__ngay_sinh": ""})
    # The officials see what changed: on the history of their page, and on the supplement.
    clock.set(2026, 11, 26, 10, 0)
    sent = client.post(url, {"note": ""})
    assert sent.status_code == 302
    dossier = Dossier.objects.get(pk=text_only.pk)
    event = dossier.events.get(action="supplement")
    assert event.data["form_changed"] == ["ho_ten"] and "Đã sửa tờ khai: Họ và tên" in event.note


def test_supplement_refused_while_the_e_form_is_invalid(text_only, citizen, clock):
    response = api(citizen).patch(
        f"/api/v1/dossiers/{text_only.pk}/", {"form_data": {"ho_ten": ""}}, format="json"
    )
    assert response.status_code == 200 and response.json()["form_errors"]
    response = api(citizen).post(f"/api/v1/dossiers/{text_only.pk}/actions/supplement/", {})
    assert response.status_code == 400
    assert any(key.startswith("form_data") for key in response.json()["fields"])
    assert Dossier.objects.get(pk=text_only.pk).status == DossierStatus.SUPPLEMENT_REQUESTED


def test_supplement_refused_while_a_required_file_is_missing(text_only, citizen, clock):
    required = next(c for c in text_only.case_components() if c["required"])
    current = text_only.attachments.get(component_id_snapshot=required["id"], is_current=True)
    services.attachment_remove(actor=citizen, dossier_id=text_only.pk, attachment_id=current.pk)
    response = api(citizen).post(f"/api/v1/dossiers/{text_only.pk}/actions/supplement/", {})
    assert response.status_code == 400 and "attachments" in response.json()["fields"]


def test_mixed_request_needs_the_named_file_and_names_what_was_replaced(
    received,
    reception,
    citizen,
    clock,
):
    first, other = received.case_components()[:2]
    dossier = run(reception, received, "request_supplement", reason="Mờ", items=[first["id"], TEXT])
    clock.set(2026, 11, 26, 9, 0)
    # The text opens the other document too, but the named one still needs a new file.
    services.attachment_add(
        actor=citizen, dossier_id=dossier.pk, component_id=other["id"], upload=upload()
    )
    response = api(citizen).post(f"/api/v1/dossiers/{dossier.pk}/actions/supplement/", {})
    assert response.status_code == 400 and "items" in response.json()["fields"]
    services.attachment_add(
        actor=citizen, dossier_id=dossier.pk, component_id=first["id"], upload=upload()
    )
    response = api(citizen).post(f"/api/v1/dossiers/{dossier.pk}/actions/supplement/", {})
    assert response.status_code == 200, response.json()
    event = Dossier.objects.get(pk=dossier.pk).events.get(action="supplement")
    assert set(event.data["replaced"]) == {first["name"], other["name"]}
    assert "Đã thay giấy tờ" in event.note


# --- timing: NĐ 61/2018 Điều 19.4 ------------------------------------------------------------


def test_request_at_reception_is_in_time(submitted, reception, clock):
    dossier = run(reception, submitted, "request_supplement", reason="Thiếu", items=[TEXT])
    assert dossier.supplement_late is False
    assert dossier.events.get(action="request_supplement").data["late"] is False


def test_request_within_three_working_days_restarts_the_clock(received, reception, citizen, clock):
    # Received Wednesday 25/11 08:00; the window closes three working days later (Mon 30/11).
    clock.set(2026, 11, 27, 16, 0)
    dossier = run(reception, received, "request_supplement", reason="Thiếu", items=[TEXT])
    assert dossier.supplement_late is False
    clock.set(2026, 12, 2, 9, 0)
    dossier = run(citizen, dossier, "supplement")
    assert dossier.due_at == workdays.due_at(clock.now, 3) == dossier.original_due_at


@pytest.fixture
def long_received(clock, citizen, agency, reception):
    procedure = ProcedureFactory(agencies=[agency], processing_days=10)
    return run(reception, make_submitted(citizen, procedure), "receive")


def test_late_request_is_recorded_and_only_pauses_the_clock(
    long_received,
    specialist,
    reception,
    citizen,
    clock,
):
    dossier = run(reception, long_received, "forward", to_user=specialist.pk)
    due, original, step_due = dossier.due_at, dossier.original_due_at, dossier.step_due_at
    assert deadlines.supplement_window_end(dossier) == vn(2026, 11, 30, 8, 0)
    clock.set(2026, 12, 1, 9, 0)  # Tuesday: past the three working days of Điều 19.4
    dossier = run(specialist, dossier, "request_supplement", reason="Thiếu", items=[TEXT])
    event = dossier.events.get(action="request_supplement")
    assert dossier.supplement_late is True and event.data["late"] is True
    clock.set(2026, 12, 3, 9, 0)
    dossier = run(citizen, dossier, "supplement")
    paused = workdays.working_hours_between(vn(2026, 12, 1, 9, 0), vn(2026, 12, 3, 9, 0))
    assert dossier.paused_working_hours == Decimal(f"{paused:.4f}") == Decimal("16")
    # No restart: the original dates stay, moved only by the citizen's wait.
    assert dossier.due_at == workdays.add_working_hours(due, paused)
    assert dossier.original_due_at == workdays.add_working_hours(original, paused)
    assert dossier.step_due_at == workdays.add_working_hours(step_due, paused)


def test_request_after_the_due_date_is_late_even_within_three_days(
    clock,
    citizen,
    agency,
    reception,
):
    procedure = ProcedureFactory(agencies=[agency], processing_days=1)
    dossier = run(reception, make_submitted(citizen, procedure), "receive")
    clock.set(2026, 11, 26, 9, 0)  # after the due date (Thursday 08:00), inside the window
    assert dossier.due_at < clock.now < deadlines.supplement_window_end(dossier)
    dossier = run(reception, dossier, "request_supplement", reason="Thiếu", items=[TEXT])
    assert dossier.supplement_late is True
    clock.set(2026, 11, 27, 9, 0)
    dossier = run(citizen, dossier, "supplement")
    assert dossier.original_due_at == workdays.add_working_hours(vn(2026, 11, 26, 8, 0), 8)


def test_the_desk_sees_a_late_request(long_received, reception, client, clock):
    clock.set(2026, 12, 1, 9, 0)
    run(reception, long_received, "request_supplement", reason="Thiếu", items=[TEXT])
    client.force_login(reception)
    page = client.get(reverse("dossiers:official_detail", args=[long_received.pk])).text
    assert "Yêu cầu bổ sung muộn" in page and "badge-late" in page


def test_a_wait_does_not_make_the_step_late_on_the_control_slip(
    received,
    reception,
    citizen,
    clock,
):
    # Step 1 (the desk, 1 working hour) is due at 09:00; the citizen's wait moves it.
    step_due = received.step_due_at
    clock.set(2026, 11, 25, 8, 30)
    dossier = run(reception, received, "request_supplement", reason="Thiếu", items=[TEXT])
    clock.set(2026, 11, 27, 10, 0)
    dossier = run(citizen, dossier, "supplement")
    paused = workdays.working_hours_between(vn(2026, 11, 25, 8, 30), vn(2026, 11, 27, 10, 0))
    assert dossier.step_due_at == workdays.add_working_hours(step_due, paused)
    clock.set(2026, 11, 27, 10, 20)  # 50 minutes of the step used in all
    run(reception, dossier, "forward")
    handover = Handover.objects.get(dossier=dossier, from_step=1)
    assert handover.outcome != HandoverOutcome.LATE


def test_payment_wait_moves_the_step_due_time(received, reception, citizen, clock):
    step_due = received.step_due_at
    dossier = run(reception, received, "request_payment")
    clock.set(2026, 11, 26, 8, 0)
    dossier = run(reception, dossier, "confirm_payment")
    assert dossier.step_due_at == workdays.add_working_hours(step_due, 8)


# The instants a wait can start and end at, and a step due time: working instants of late 2026.
BASE = dt.datetime(2026, 11, 25, 8, 0, tzinfo=workdays.VN_TZ)
quarter_hours = st.integers(min_value=0, max_value=4 * 200).map(lambda n: n / 4)


@settings(max_examples=60, deadline=None)
@given(start=quarter_hours, wait=quarter_hours, due=quarter_hours)
def test_step_due_moves_exactly_by_the_paused_working_time(start, wait, due):
    paused_since = workdays.add_working_hours(BASE, start)
    resumed = workdays.add_working_hours(paused_since, wait)
    step_due = workdays.add_working_hours(BASE, due)
    dossier = Dossier(paused_since=paused_since, step_due_at=step_due, paused_working_hours=0)
    deadlines.end_wait(dossier, now=resumed)
    moved = workdays.working_hours_between(step_due, dossier.step_due_at)
    assert moved == pytest.approx(wait, abs=1e-6)
    assert float(dossier.paused_working_hours) == pytest.approx(wait, abs=1e-4)
