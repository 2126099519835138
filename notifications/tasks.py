"""Notification delivery tasks."""

from __future__ import annotations

from celery import shared_task

from dvctt.background import enqueue

from .services import notification_deliver, notifications_due


@shared_task(acks_late=True)
def deliver_notification(notification_id: int) -> str:
    """Deliver one stored notification through its channel."""
    # idempotency: the row is claimed under a lock and skipped once sent or not yet due, so a
    # repeated task (sweeper, retry, redelivery after a killed worker) sends it once.
    return notification_deliver(notification_id=notification_id)


@shared_task
def notification_sweep() -> int:
    """Enqueue every queued notification that is due (lost enqueue, backoff over)."""
    # idempotency: it only enqueues deliveries, which claim their row before sending.
    due = notifications_due()
    for pk in due:
        enqueue(deliver_notification, args=(pk,))
    return len(due)
