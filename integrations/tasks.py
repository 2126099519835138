"""Hub delivery tasks: one drain task woken after each commit, and the beat sweeper."""

from __future__ import annotations

from celery import shared_task

from dvctt.background import enqueue

from .outbox import hub_drain, hub_has_due_events


@shared_task(acks_late=True)
def hub_deliver() -> int:
    """Deliver every due event of the outbox to the national hub, in order per dossier."""
    # idempotency: rows are claimed with a lease and marked delivered after the hub's 2xx; a
    # repeat finds nothing due, and a redelivered event carries the same Idempotency-Key.
    delivered = hub_drain()
    if delivered and hub_has_due_events():
        # The time budget ran out with work left: continue in a new task (only after progress,
        # so a hub that refuses everything waits for the backoff instead of a busy loop).
        enqueue(hub_deliver)
    return delivered


@shared_task
def hub_sweep() -> bool:
    """Enqueue a delivery when due events wait (after a Redis outage, a crash, a backoff)."""
    # idempotency: it only enqueues hub_deliver, which is itself safe to run any number of times.
    if hub_has_due_events():
        return enqueue(hub_deliver)
    return False
