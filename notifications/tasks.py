"""Notification delivery tasks."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from .channels import CHANNELS
from .constants import NotificationStatus
from .models import Notification


@shared_task(bind=True, max_retries=8, retry_backoff=True, retry_backoff_max=3600)
def deliver_notification(self, notification_id: int) -> str:
    """Deliver one stored notification through its channel."""
    # idempotency: the row is locked and skipped once sent, so a repeated task (retry, redelivery
    # after a killed worker) never sends the same message twice.
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None:
            return "missing"
        if notification.status == NotificationStatus.SENT:
            return "already-sent"
        try:
            CHANNELS[notification.channel]().send(
                address=notification.address,
                subject=notification.subject,
                body=notification.body,
            )
        except Exception as exc:
            Notification.objects.filter(pk=notification.pk).update(
                attempts=notification.attempts + 1, last_error=str(exc)[:2000]
            )
            if self.request.retries >= self.max_retries:
                Notification.objects.filter(pk=notification.pk).update(
                    status=NotificationStatus.FAILED
                )
                return "failed"
            raise self.retry(exc=exc) from exc
        Notification.objects.filter(pk=notification.pk).update(
            status=NotificationStatus.SENT,
            sent_at=timezone.now(),
            attempts=notification.attempts + 1,
        )
    return "sent"
