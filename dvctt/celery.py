"""The Celery application; tasks live in each app's tasks.py."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dvctt.settings.local")

app = Celery("dvctt")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Packages of an app with their own tasks (dossiers/papers/tasks.py).
app.autodiscover_tasks(["dossiers.papers"])
# Beat reminders live next to the data they read (dossiers/reminders.py).
app.autodiscover_tasks(related_name="reminders")
