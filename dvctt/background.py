"""Enqueue Celery work after the commit, without ever turning a committed action into an error.

Every `.delay`/`apply_async` after a write goes through `enqueue_on_commit` (docs/design.md rule 1,
§3.11). The work itself is recorded in the database first (outbox rows, queued
notifications), so a publish that fails because Redis is down is only logged: the beat
sweepers find the rows and enqueue them again once the broker is back.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)


def enqueue(task: Any, *, args: tuple = (), kwargs: dict | None = None, **options: Any) -> bool:
    """Publish one task now; log and return False if the broker (or an eager run) fails."""
    try:
        # retry=False: a dead broker must fail fast, not hold the request for seconds.
        task.apply_async(args=args, kwargs=kwargs or {}, retry=False, **options)
    except Exception as exc:  # any failure: the database record stays, the sweeper retries
        log.warning("enqueue of %s failed (%s); the sweeper will pick it up", task.name, exc)
        return False
    return True


def enqueue_on_commit(
    task: Any, *, args: tuple = (), kwargs: dict | None = None, **options: Any
) -> None:
    """Publish one task once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: enqueue(task, args=args, kwargs=kwargs, **options))
