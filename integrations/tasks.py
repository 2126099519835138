"""Hub delivery tasks: one drain task woken after each commit, and the beat sweeper."""

from __future__ import annotations

from celery import shared_task

from dvctt.background import enqueue, wake, wake_taken

from .outbox import hub_drain, hub_has_due_events


@shared_task(acks_late=True)
def hub_deliver() -> int:
    """Deliver every due event of the outbox to the national hub, in order per dossier."""
    # idempotency: rows are claimed with a lease and marked delivered after the hub's 2xx; a
    # repeat finds nothing due, and a redelivered event carries the same Idempotency-Key.
    # Commits from now on publish a new wake-up; the ones before are found by this drain.
    wake_taken(hub_deliver)
    delivered = hub_drain()
    if delivered and hub_has_due_events():
        # The time budget ran out with work left: continue in a new task (only after progress,
        # so a hub that refuses everything waits for the backoff instead of a busy loop).
        wake(hub_deliver)
    return delivered


@shared_task
def hub_sweep() -> bool:
    """Enqueue a delivery when due events wait (after a Redis outage, a crash, a backoff)."""
    # idempotency: it only enqueues hub_deliver, which is itself safe to run any number of times.
    if hub_has_due_events():
        return enqueue(hub_deliver)
    return False


@shared_task(acks_late=True)
def postal_hand_over() -> int:
    """Hand the results waiting for the post over to the postal service (outside transactions)."""
    # idempotency: rows are claimed with a lease and the service gets the dossier's id as its
    # idempotency key, so a repeated handover gets the same item number.
    from .postal_items import postal_handover_drain, postal_has_due_items

    wake_taken(postal_hand_over)
    taken = postal_handover_drain()
    if taken and postal_has_due_items():
        wake(postal_hand_over)
    return taken


@shared_task
def postal_sweep() -> bool:
    """Enqueue a handover when pending items wait (after a Redis outage, a crash, a backoff)."""
    # idempotency: it only enqueues postal_hand_over, itself safe to run any number of times.
    from .postal_items import postal_has_due_items

    if postal_has_due_items():
        return enqueue(postal_hand_over)
    return False


@shared_task
def postal_standin_report(item_number: str, status: str) -> int:
    """The stand-in postal service reports an item's progress to the portal (then the next)."""
    # idempotency: each report carries its own event id; the portal ignores a status that does
    # not move the item forward, so a repeated report changes nothing.
    from django.conf import settings

    from .postal import StandInPostalService

    code = StandInPostalService().report(item_number, status)
    delay = settings.POSTAL_STANDIN_REPORT_SECONDS
    if status == "in_transit" and 200 <= code < 300 and delay > 0:
        enqueue(
            postal_standin_report,
            args=(item_number, "delivered"),
            countdown=min(delay, settings.CELERY_MAX_COUNTDOWN_SECONDS),
        )
    return code
