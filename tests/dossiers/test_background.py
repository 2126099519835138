"""What a dossier's changes leave for the background: hub events, citizen messages, reminders."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from dossiers.constants import DossierStatus
from dossiers.filing import services as filing_services
from dossiers.workflow import services as workflow_services
from dossiers.workspace import reminders
from dvctt import workdays
from integrations.models import HubOutboxEvent, HubReceivedEvent
from notifications.models import ChannelPreference, Notification, SmsMessage
from tests.dossiers.conftest import make_draft, make_submitted
from tests.factories import AgencyFactory, make_official

pytestmark = pytest.mark.django_db

CONTRACT_KEYS = {
    "event_id",
    "dossier_code",
    "procedure_code",
    "agency_code",
    "status",
    "national_status",
    "status_label",
    "occurred_at",
    "due_at",
    "channel",
    "sequence",
}


def _run(dossier, actor, action, **kwargs):
    return workflow_services.dossier_run_action(
        actor=actor, dossier_id=dossier.pk, action=action, **kwargs
    )


def test_each_status_change_of_a_submitted_dossier_writes_one_contract_event(
    citizen, procedure, reception, specialist
):
    draft = make_draft(citizen, procedure)
    assert not HubOutboxEvent.objects.exists()  # drafts are never synced
    dossier = filing_services.dossier_submit(actor=citizen, dossier_id=draft.pk)
    _run(dossier, reception, "receive")
    _run(dossier, reception, "forward")  # received → in_progress
    # in_progress → in_progress (the appraisal's hand-over): no status change, no event
    _run(dossier, specialist, "forward", note="Đủ điều kiện", proposal="approve")
    events = list(HubOutboxEvent.objects.filter(stream=str(dossier.pk)).order_by("sequence"))
    assert [e.payload["status"] for e in events] == ["submitted", "received", "in_progress"]
    assert [e.payload["national_status"] for e in events] == [1, 2, 4]
    assert [e.sequence for e in events] == [1, 2, 3]
    received = events[1].payload
    assert set(received) == CONTRACT_KEYS
    dossier.refresh_from_db()
    assert received["dossier_code"] == dossier.code
    assert received["procedure_code"] == procedure.code
    assert received["agency_code"] == dossier.agency.code
    assert received["status_label"] == "Đã tiếp nhận"
    assert received["channel"] == "online"
    assert received["occurred_at"].endswith("+07:00")
    assert dt.datetime.fromisoformat(received["due_at"]) == dossier.due_at
    assert uuid.UUID(received["event_id"]) == events[1].event_id


def test_a_failed_action_leaves_no_event_and_no_message(citizen, procedure, reception):
    dossier = make_submitted(citizen, procedure)
    before = (HubOutboxEvent.objects.count(), Notification.objects.count())
    with pytest.raises(RuntimeError), transaction.atomic():
        _run(dossier, reception, "receive")
        raise RuntimeError("crash before commit")
    assert (HubOutboxEvent.objects.count(), Notification.objects.count()) == before


def test_the_stand_in_hub_receives_the_events_after_commit(
    citizen, procedure, reception, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = make_submitted(citizen, procedure)
    with django_capture_on_commit_callbacks(execute=True):
        _run(dossier, reception, "receive")
    received = list(HubReceivedEvent.objects.filter(dossier_code=dossier.code).order_by("id"))
    assert [(e.sequence, e.status) for e in received] == [(1, "submitted"), (2, "received")]


def _texts(dossier, channel="in_app") -> list[str]:
    return [
        f"{n.subject}\n{n.body}"
        for n in Notification.objects.filter(recipient=dossier.applicant, channel=channel).order_by(
            "id"
        )
    ]


def test_every_change_that_matters_tells_the_citizen(
    citizen, procedure, reception, specialist, leader, clerk
):
    dossier = make_submitted(citizen, procedure)
    _run(dossier, reception, "receive")
    dossier.refresh_from_db()
    due = timezone.localtime(dossier.due_at).strftime("%d/%m/%Y")
    _run(dossier, reception, "request_payment")
    _run(dossier, reception, "confirm_payment")
    new_due = workdays.add_working_hours(dossier.due_at, 8)
    _run(
        dossier,
        leader,
        "apologize",
        note="Chờ ý kiến cơ quan phối hợp",
        data={"new_due_at": new_due.isoformat()},
    )
    _run(dossier, reception, "forward")
    _run(dossier, specialist, "forward", note="Đủ điều kiện", proposal="approve")
    _run(dossier, leader, "approve")
    _run(dossier, clerk, "issue_result")
    texts = _texts(dossier)
    assert "đã được nộp" in texts[0]
    assert "đã được tiếp nhận" in texts[1] and due in texts[1]
    assert "nộp phí" in texts[2] and "40.000" in texts[2]
    assert "đã nhận phí" in texts[3]
    assert "xin lỗi" in texts[4] and "Chờ ý kiến cơ quan phối hợp" in texts[4]
    assert timezone.localtime(new_due).strftime("%d/%m/%Y") in texts[4]
    assert "đã có kết quả" in texts[5]
    assert len(_texts(dossier, "email")) == 6  # e-mail is on by default, one per message


def test_supplement_request_names_the_items_and_rejection_gives_the_reason(
    citizen, procedure, reception
):
    dossier = make_submitted(citizen, procedure)
    component = dossier.case_components()[0]
    _run(
        dossier,
        reception,
        "request_supplement",
        note="Bản chụp mờ",
        data={"items": [component["id"], "Giấy ủy quyền có công chứng"]},
    )
    text = _texts(dossier)[-1]
    assert "cần bổ sung" in text and "Bản chụp mờ" in text
    assert component["name"][:40] in text and "Giấy ủy quyền có công chứng" in text
    other = make_submitted(citizen, procedure)
    _run(other, reception, "reject", note="Không thuộc thẩm quyền")
    assert "Lý do: Không thuộc thẩm quyền" in _texts(other)[-1]


def test_sms_follows_the_preference_without_diacritics_in_160_characters(
    citizen, procedure, django_capture_on_commit_callbacks
):
    citizen.phone = "0912345678"
    citizen.save()
    ChannelPreference.objects.create(user=citizen, channel="email", enabled=False)
    ChannelPreference.objects.create(user=citizen, channel="sms", enabled=True)
    draft = make_draft(citizen, procedure)
    draft.applicant_phone = "0912345678"
    draft.save()
    with django_capture_on_commit_callbacks(execute=True):
        dossier = filing_services.dossier_submit(actor=citizen, dossier_id=draft.pk)
    sms = SmsMessage.objects.get()
    assert sms.to == "0912345678" and dossier.code in sms.text
    assert sms.text.isascii() and len(sms.text) <= 160 and "da duoc nop" in sms.text
    assert not Notification.objects.filter(channel="email").exists()
    assert mail.outbox == []


def test_walk_in_profiles_get_inbox_messages_only(citizen, procedure):
    citizen.email = "cccd-001090012345@tiep-nhan.invalid"
    citizen.save()
    draft = make_draft(citizen, procedure)
    draft.applicant_email = citizen.email
    draft.save()
    filing_services.dossier_submit(actor=citizen, dossier_id=draft.pk)
    assert list(Notification.objects.values_list("channel", flat=True)) == ["in_app"]


# --- reminders --------------------------------------------------------------------------------


def test_official_digest_lists_due_and_overdue_once_a_day(citizen, procedure, reception, agency):
    overdue = make_submitted(citizen, procedure)
    _run(overdue, reception, "receive")
    due_soon = make_submitted(citizen, procedure)
    _run(due_soon, reception, "receive")
    later = make_submitted(citizen, procedure)
    _run(later, reception, "receive")
    now = timezone.now()
    type(overdue).objects.filter(pk=overdue.pk).update(due_at=now - dt.timedelta(hours=2))
    type(overdue).objects.filter(pk=due_soon.pk).update(due_at=now + dt.timedelta(minutes=30))
    type(overdue).objects.filter(pk=later.pk).update(due_at=now + dt.timedelta(days=20))
    other_agency_official = make_official(agency=AgencyFactory())
    assert reminders.officials_daily_digest(now=now) == 1
    assert reminders.officials_daily_digest(now=now) == 1  # same keys: nothing new
    digest = Notification.objects.get(recipient=reception, channel="in_app")
    overdue.refresh_from_db()
    due_soon.refresh_from_db()
    assert overdue.code in digest.body and due_soon.code in digest.body
    assert later.code not in digest.body
    assert "1 hồ sơ sắp đến hạn, 1 quá hạn" in digest.subject
    assert not Notification.objects.filter(recipient=other_agency_official).exists()


def test_leader_weekly_summary(citizen, procedure, reception, leader):
    dossier = make_submitted(citizen, procedure)
    _run(dossier, reception, "receive")
    assert reminders.leaders_weekly_summary() == 1
    summary = Notification.objects.get(recipient=leader, channel="in_app")
    assert "Hồ sơ mới tiếp nhận: 1" in summary.body


def test_citizens_are_reminded_of_old_drafts_and_unanswered_supplements(
    citizen, procedure, reception
):
    old = make_draft(citizen, procedure)
    make_draft(citizen, procedure)  # fresh: no reminder
    type(old).objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(days=4))
    waiting = make_submitted(citizen, procedure)
    _run(waiting, reception, "request_supplement", note="Thiếu bản sao")
    type(old).objects.filter(pk=waiting.pk).update(
        paused_since=timezone.now() - dt.timedelta(days=5)
    )
    assert reminders.citizens_reminders() == 2
    reminders.citizens_reminders()
    inbox = Notification.objects.filter(recipient=citizen, channel="in_app")
    assert inbox.filter(key__startswith=f"reminder:draft:{old.pk}").count() == 1
    assert inbox.filter(key__startswith=f"reminder:supplement:{waiting.pk}").count() == 1
    assert (
        not inbox.filter(key__contains="reminder:draft").exclude(key__contains=str(old.pk)).exists()
    )
    assert type(old).objects.get(pk=waiting.pk).status == DossierStatus.SUPPLEMENT_REQUESTED
