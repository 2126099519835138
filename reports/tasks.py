"""Background work of service quality."""

from __future__ import annotations

from celery import shared_task

from .statistics import statistics_refresh as _refresh


@shared_task(name="reports.tasks.statistics_refresh")
def statistics_refresh() -> None:
    """Recompute the counters no dossier event keeps (hub sync, ratings, feedback)."""
    _refresh()
