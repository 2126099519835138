"""The Celery application; tasks live in each app's tasks.py."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dvctt.settings.local")

app = Celery("dvctt")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Packages of an app with their own tasks: the papers' rendering (dossiers/papers/tasks.py) and
# the beat reminders, next to the queues they read (dossiers/workspace/reminders.py).
app.autodiscover_tasks(["dossiers.papers"])
app.autodiscover_tasks(["dossiers.workspace"], related_name="reminders")
