"""Background work of service quality (beat): reminders of feedback deadlines, and the
counters of the statistics that no dossier event keeps."""

from __future__ import annotations

from celery import shared_task

from . import services
from .statistics import statistics_refresh as _refresh


@shared_task(name="reports.tasks.feedback_reminders")
def feedback_reminders() -> int:
    """Remind the addressed agencies of feedback due within a working day or overdue."""
    # idempotency: one notification key per feedback, step deadline, kind and person.
    return services.feedback_send_reminders()


@shared_task(name="reports.tasks.statistics_refresh")
def statistics_refresh() -> None:
    """Recompute the counters no dossier event keeps (hub sync, ratings, feedback)."""
    # idempotency: the counters are set from the data, never incremented.
    _refresh()
