"""Platform tasks."""

from __future__ import annotations

import socket

from celery import shared_task
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import WorkerHeartbeat


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def worker_heartbeat(self, worker: str | None = None) -> int:
    """Record that a worker is alive; return its beat count."""
    # idempotency: a repeat only moves seen_at forward and counts one more beat.
    name = worker or (self.request.hostname or socket.gethostname())
    with transaction.atomic():
        beat, _ = WorkerHeartbeat.objects.select_for_update().get_or_create(
            worker=name, defaults={"seen_at": timezone.now()}
        )
        WorkerHeartbeat.objects.filter(pk=beat.pk).update(
            seen_at=timezone.now(), beats=F("beats") + 1
        )
    beat.refresh_from_db()
    return beat.beats
