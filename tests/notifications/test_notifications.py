"""Notifications: stored once per key, delivered once, idempotent task."""

from __future__ import annotations

import pytest

from notifications.models import Notification
from notifications.services import notification_send
from notifications.tasks import deliver_notification

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
