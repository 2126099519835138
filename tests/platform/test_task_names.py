"""Celery task names are a contract with what is already queued and with beat's schedule:
moving a module (issue 19, dossiers/ split into packages) must not rename a task."""

from __future__ import annotations

import fnmatch

from django.conf import settings

from dvctt.celery import app

# Names queued by earlier releases; a worker must still know each of them.
STABLE_NAMES = {
    "dossiers.tasks.documents_render",
    "dossiers.reminders.officials_daily_digest",
    "dossiers.reminders.leaders_weekly_summary",
    "dossiers.reminders.citizens_reminders",
    "reports.tasks.feedback_reminders",
    "reports.tasks.statistics_refresh",
}


def _registered() -> set[str]:
    app.loader.import_default_modules()  # what a worker does at start (autodiscovery)
    return set(app.tasks)


def test_every_beat_entry_names_a_task_the_worker_registers():
    registered = _registered()
    missing = {
        key: entry["task"]
        for key, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if entry["task"] not in registered
    }
    assert not missing


def test_the_dossier_tasks_keep_their_names_and_the_papers_queue():
    registered = _registered()
    assert registered >= STABLE_NAMES
    routes = settings.CELERY_TASK_ROUTES
    queue = next(
        v["queue"]
        for k, v in routes.items()
        if fnmatch.fnmatch("dossiers.tasks.documents_render", k)
    )
    assert queue == "pdf"
