"""The Celery application; tasks live in each app's tasks.py."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.signals import task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dvctt.settings.local")

app = Celery("dvctt")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Packages of an app with their own tasks: the papers' rendering (dossiers/papers/tasks.py) and
# the beat reminders, next to the queues they read (dossiers/workspace/reminders.py).
app.autodiscover_tasks(["dossiers.papers"])
app.autodiscover_tasks(["dossiers.workspace"], related_name="reminders")


@task_prerun.connect
def _drop_unusable_connections(task: Any = None, **_kwargs: Any) -> None:
    # Connections are reused across tasks (CELERY_DB_REUSE_MAX): before each task, as before
    # each request, one that failed or outlived CONN_MAX_AGE is closed (with DATABASE_POOL,
    # given back to the pool). An eager task runs inside its caller's request or transaction.
    if task is not None and getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
