"""Enqueue Celery work after the commit, without ever turning a committed action into an error.

Every `.delay`/`apply_async` after a write goes through `enqueue_on_commit`, or `wake_on_commit`
for a task that drains every due row (docs/design.md rule 1, §3.11). The work itself is recorded
in the database first (outbox rows, queued notifications), so a publish that fails because
Redis is down is only logged: the beat sweepers find the rows and enqueue them again once the
broker is back.
"""

from __future__ import annotations

import functools
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


# --- wake-ups of drain tasks -------------------------------------------------------------------
# A drain task (the hub outbox, the postal handover) delivers every due row it finds, so one
# wake-up waiting in the queue serves every commit made before the task starts: publishing one
# per commit only gave the worker a task per row to start and find nothing in (issue 24). The
# flag that says "a wake-up is waiting" lives in the broker's own Redis, so it is shared by
# every web and worker process and is there exactly when the queue is.

WAKE_FLAG_SECONDS = 30  # a lost wake-up is replaced after this at most (the sweepers, sooner)


def _wake_key(task: Any) -> str:
    return f"dvctt:wake:{task.name}"


def _flags(task: Any) -> Any:
    """The broker's Redis client for wake flags, or None (no Redis broker: tasks run eagerly)."""
    conf = task.app.conf  # where the task is really published (drills repoint it)
    url = conf.broker_url or ""
    if conf.task_always_eager or not url.startswith(("redis://", "rediss://")):
        return None
    return _redis_client(url)


@functools.cache
def _redis_client(url: str) -> Any:
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)


def wake(task: Any) -> bool:
    """Publish a wake-up of a drain task unless one is already waiting; False if it failed."""
    flags = _flags(task)
    if flags is not None:
        try:
            if not flags.set(_wake_key(task), "1", nx=True, ex=WAKE_FLAG_SECONDS):
                return True  # the waiting wake-up will find this commit's rows
        except Exception as exc:  # Redis down: publish as before (it fails fast and is logged)
            log.warning("wake flag of %s unavailable (%s)", task.name, exc)
            return enqueue(task)
    if enqueue(task):
        return True
    wake_taken(task)  # nothing is waiting after all: let the next commit try again
    return False


def wake_on_commit(task: Any) -> None:
    """Wake a drain task once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: wake(task))


def wake_taken(task: Any) -> None:
    """Clear the flag: a drain task calls this before it looks for rows, so a commit made
    after it looked publishes a new wake-up."""
    flags = _flags(task)
    if flags is None:
        return
    try:
        flags.delete(_wake_key(task))
    except Exception as exc:  # Redis down: the flag expires by itself
        log.warning("wake flag of %s not cleared (%s)", task.name, exc)
