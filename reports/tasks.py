"""Background work of service quality (beat): reminders of feedback deadlines."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="reports.tasks.feedback_reminders")
def feedback_reminders() -> int:
    """Remind the addressed agencies of feedback due within a working day or overdue."""
    # idempotency: one notification key per feedback, step deadline, kind and person.
    return services.feedback_send_reminders()
