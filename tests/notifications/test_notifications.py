"""Notifications: stored once per key, delivered once, idempotent task."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications import channels
from notifications.messages import sms_text, strip_diacritics
from notifications.models import ChannelPreference, Notification, SmsMessage
from notifications.services import (
    notification_deliver,
    notification_send,
    notification_send_to_person,
)
from notifications.tasks import deliver_notification, notification_sweep
from tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db


def _send(**kwargs):
    return notification_send(
        key=kwargs.pop("key", "k1"),
        recipient_id=None,
        address="congdan@example.vn",
        subject="Hồ sơ đã nộp",
        body="Nội dung",
        **kwargs,
    )


def test_sent_after_commit_and_only_once_per_key(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = _send()
        again = _send()
    assert first.pk == again.pk and len(callbacks) == 1
    assert len(mailoutbox) == 1 and mailoutbox[0].subject == "Hồ sơ đã nộp"
    first.refresh_from_db()
    assert first.status == "sent" and first.sent_at and first.attempts == 1


def test_nothing_sent_if_the_transaction_rolls_back(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _send()
    assert len(callbacks) == 1 and mailoutbox == []


def test_repeated_task_does_not_send_twice(mailoutbox):
    notification = Notification.objects.create(
        key="k2", address="a@example.vn", subject="S", body="B"
    )
    assert deliver_notification.apply(args=[notification.pk]).get() == "sent"
    assert deliver_notification.apply(args=[notification.pk]).get() == "already-sent"
    assert deliver_notification.apply(args=[123456]).get() == "missing"
    assert len(mailoutbox) == 1


def test_in_app_notifications_are_stored_as_delivered(mailoutbox):
    notification = _send(key="k3", channel="in_app")
    notification.refresh_from_db()
    assert notification.status == "sent" and mailoutbox == []


def test_a_person_is_notified_on_every_channel_in_one_insert(
    mailoutbox, django_capture_on_commit_callbacks
):
    # A dossier action notifies on two or three channels: one SELECT of the keys, one INSERT
    # of every row (in-app already delivered), no statement per channel (issue 24).
    person = CitizenFactory(email="nguoi.nhan@example.vn")
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        rows = notification_send_to_person(
            key="dossier:x:submitted",
            recipient_id=person.pk,
            email=person.email,
            subject="Hồ sơ đã nộp",
            body="Nội dung",
        )
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1
    assert {r.channel: r.status for r in Notification.objects.all()} == {
        "in_app": "sent",
        "email": "sent",
    }
    assert [r.key for r in rows] == ["dossier:x:submitted:in_app", "dossier:x:submitted:email"]
    assert len(mailoutbox) == 1
    again = notification_send_to_person(
        key="dossier:x:submitted", recipient_id=person.pk, email=person.email, subject="S", body="B"
    )
    assert [r.pk for r in again] == [r.pk for r in rows] and Notification.objects.count() == 2


def test_a_key_stored_meanwhile_by_another_transaction_is_kept(mailoutbox, monkeypatch):
    # The bulk insert meets a key another transaction stored after this one looked: that row
    # is kept and the others are still stored, one by one.
    person = CitizenFactory(email="nguoi.nhan@example.vn")
    real_filter = Notification.objects.filter
    earlier = Notification.objects.create(
        key="race:in_app", recipient=person, channel="in_app", subject="Trước", body="B"
    )

    def not_seen_yet(*args, **kwargs):
        found = real_filter(*args, **kwargs)
        return found.exclude(pk=earlier.pk) if "key__in" in kwargs else found

    monkeypatch.setattr(Notification.objects, "filter", not_seen_yet)
    rows = notification_send_to_person(
        key="race", recipient_id=person.pk, email=person.email, subject="Sau", body="B"
    )
    assert rows[0].pk == earlier.pk and rows[0].subject == "Trước"
    assert rows[1].channel == "email" and rows[1].pk


# --- retries, channels, pages -------------------------------------------------------------------


class FlakyChannel:
    code = "email"

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.sent: list[int] = []

    def send(self, notification) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionRefusedError("SMTP 127.0.0.1:2525 refused")
        self.sent.append(notification.pk)


@pytest.fixture
def flaky(monkeypatch):
    channel = FlakyChannel(failures=1)
    monkeypatch.setitem(channels.CHANNELS, "email", channel)
    return channel


def _due_now(notification) -> None:
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())


def test_a_failure_is_recorded_and_the_backoff_applies(flaky, settings):
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 60
    notification = Notification.objects.create(
        key="f1", address="a@example.vn", subject="S", body="B"
    )
    before = timezone.now()
    assert deliver_notification.apply(args=[notification.pk]).get() == "retry"
    notification.refresh_from_db()
    assert notification.status == "queued" and notification.attempts == 1
    assert "refused" in notification.last_error
    assert notification.next_attempt_at >= before + dt.timedelta(seconds=59)
    # A repeat before the backoff is over sends nothing (the eager retry above already did this).
    assert notification_deliver(notification_id=notification.pk) == "not-due"
    assert notification_sweep.apply().get() == 0
    _due_now(notification)
    assert notification_sweep.apply().get() == 1  # the sweeper picks it up and it goes out
    notification.refresh_from_db()
    assert notification.status == "sent" and notification.attempts == 2
    assert "refused" in notification.last_error  # the history of the failure stays
    assert flaky.sent == [notification.pk]


def test_after_the_last_attempt_it_is_failed_and_the_admin_can_retry(
    flaky, settings, admin_client, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_MAX_ATTEMPTS = 1
    notification = Notification.objects.create(
        key="f2", address="a@example.vn", subject="S", body="B"
    )
    assert notification_deliver(notification_id=notification.pk) == "failed"
    notification.refresh_from_db()
    assert notification.status == "failed"
    page = admin_client.get("/admin/notifications/notification/?status__exact=failed")
    assert page.status_code == 200 and "a@example.vn" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/notifications/notification/",
            {"action": "retry_failed", "_selected_action": [notification.pk]},
        )
    notification.refresh_from_db()
    assert notification.status == "sent" and flaky.sent == [notification.pk]


def test_email_has_a_text_and_an_html_part(mailoutbox):
    notification = _send(key="k-html", link="/ho-so-cua-toi/x/")
    assert notification_deliver(notification_id=notification.pk) == "sent"
    message = mailoutbox[0]
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "<html" in html and "Nội dung" in html
    assert "/ho-so-cua-toi/x/" in message.body and 'lang="vi"' in html


def test_templates_render_subject_and_body_in_vietnamese():
    notification = _send(
        key="k-tpl",
        template="dossier_received",
        context={"code": "A-1", "name": "An", "due_at": "17:00 ngày 05/12/2026", "agency": "UBND"},
    )
    assert notification.subject == "Hồ sơ A-1 đã được tiếp nhận"
    assert "Ngày hẹn trả kết quả: 17:00 ngày 05/12/2026" in notification.body


def test_sms_texts_have_no_diacritics_and_fit_one_message():
    assert strip_diacritics("Đã tiếp nhận hồ sơ") == "Da tiep nhan ho so"
    text = sms_text("dossier_apology", {"code": "X" * 200, "due_at": "01/01/2027"})
    assert len(text) == 160 and text.isascii() and text.endswith("...")


def test_sms_stand_in_keeps_the_message():
    notification = notification_send(
        key="k-sms",
        recipient_id=None,
        address="0912345678",
        channel="sms",
        template="result_ready",
        context={"code": "A-1"},
    )
    assert notification_deliver(notification_id=notification.pk) == "sent"
    assert SmsMessage.objects.get().text == (
        "DVCTT: Ho so A-1 da co ket qua. Xem va nhan ket qua tren cong."
    )


def test_preferences_page(client):
    user = CitizenFactory(phone="")
    assert client.get("/tai-khoan/thong-bao/").status_code == 302  # login first
    client.force_login(user)
    page = client.get("/tai-khoan/thong-bao/")
    assert page.status_code == 200 and 'name="email"' in page.content.decode()
    refused = client.post("/tai-khoan/thong-bao/", {"email": "on", "sms": "on"})
    assert refused.status_code == 400 and "chưa có số điện thoại" in refused.content.decode()
    user.phone = "0912345678"
    user.save()
    saved = client.post("/tai-khoan/thong-bao/", {"sms": "on"}, follow=True)
    assert saved.status_code == 200 and "Đã lưu" in saved.content.decode()
    rows = dict(ChannelPreference.objects.filter(user=user).values_list("channel", "enabled"))
    assert rows == {"email": False, "sms": True}


def test_inbox_unread_count_in_the_header_and_marking_read(
    client, django_capture_on_commit_callbacks
):
    user = CitizenFactory()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(3):
            notification_send(
                key=f"in-{i}",
                recipient_id=user.pk,
                address="",
                subject=f"Tin {i}",
                body="Nội dung",
                link="/ho-so-cua-toi/",
                channel="in_app",
            )
    page = client.get("/tai-khoan/hop-thu/").content.decode()
    assert 'badge-count">3' in page and page.count("inbox-item unread") == 3
    first = Notification.objects.filter(recipient=user).order_by("id").first()
    with django_capture_on_commit_callbacks(execute=True):
        opened = client.post(f"/tai-khoan/hop-thu/{first.pk}/da-doc/", {"next": "/ho-so-cua-toi/"})
    assert opened["Location"] == "/ho-so-cua-toi/"
    assert 'badge-count">2' in client.get("/tai-khoan/hop-thu/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/tai-khoan/hop-thu/da-doc/")
    page = client.get("/tai-khoan/hop-thu/").content.decode()
    assert "badge-count" not in page and "inbox-item unread" not in page
    stranger = CitizenFactory()
    client.force_login(stranger)
    assert "Chưa có thông báo nào" in client.get("/tai-khoan/hop-thu/").content.decode()
    client.post(f"/tai-khoan/hop-thu/{first.pk}/da-doc/")  # someone else's: changes nothing
    assert Notification.objects.filter(recipient=user, read_at__isnull=True).count() == 0


def test_inbox_page_query_count_is_pinned(client, django_assert_num_queries):
    user = CitizenFactory()
    Notification.objects.bulk_create(
        [
            Notification(
                key=f"pin-{i}",
                recipient=user,
                channel="in_app",
                subject=f"Tin {i}",
                body="B",
                status="sent",
            )
            for i in range(25)
        ]
    )
    client.force_login(user)
    client.get("/tai-khoan/hop-thu/")  # warm the session and the cached unread count
    with django_assert_num_queries(3):  # user, count, page (session and badge: cache)
        page = client.get("/tai-khoan/hop-thu/")
    html = page.content.decode()
    assert html.count("inbox-item unread") == 20 and "Trang 1/2" in html
    assert 'badge-count">25' in html
    assert client.get("/tai-khoan/hop-thu/?page=2").content.decode().count("inbox-item") == 5


def test_the_fee_is_written_with_its_unit_once():
    from notifications.messages import sms_text

    text = sms_text("payment_requested", {"code": "X", "fee": "40.000\u00a0đ"})
    # The amount arrives formatted with its unit: no "40.000 đ đồng" (nor "dong" in the SMS).
    assert "40.000 d. Thanh toan" in text and "dong" not in text.split("phi,")[-1]
