"""Writes of notifications. Callers pass plain data (ids, texts), never domain objects."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .constants import NotificationChannel, NotificationStatus
from .models import Notification


@transaction.atomic
def notification_send(
    *,
    key: str,
    recipient_id: int | None,
    address: str,
    subject: str,
    body: str,
    link: str = "",
    channel: str = NotificationChannel.EMAIL,
) -> Notification:
    """Record a notification once per `key` and deliver it after the transaction commits."""
    notification, created = Notification.objects.get_or_create(
        key=key,
        defaults={
            "recipient_id": recipient_id,
            "address": address,
            "subject": subject[:250],
            "body": body,
            "link": link,
            "channel": channel,
        },
    )
    if created and channel == NotificationChannel.EMAIL and address:
        from .tasks import deliver_notification

        transaction.on_commit(lambda: deliver_notification.delay(notification.pk))
    elif created and channel != NotificationChannel.EMAIL:
        # In-app messages are delivered by being stored.
        Notification.objects.filter(pk=notification.pk).update(
            status=NotificationStatus.SENT, sent_at=timezone.now()
        )
    return notification
