"""DVCTT project package: settings, URLs, the Celery app and shared platform helpers."""

from .celery import app as celery_app

__all__ = ("celery_app",)
