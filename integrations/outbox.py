"""The hub outbox: record events with the status change, deliver them in order, at least once.

Writers call `hub_event_record` inside the transaction that changes the status (docs/design.md
§3.1); the delivery task and the beat sweeper call `hub_drain`. Delivery never holds a
transaction across the HTTP call (§3.10): a short transaction claims a batch (a lease on
`next_attempt_at`), the calls happen outside it, another short one records the answers. A
worker killed mid-batch leaves its claim to expire, and the rows go out again with the same
event id (the hub's Idempotency-Key), so a repeat is only ever a repeat of the same event.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, QuerySet
from django.utils import timezone

from dvctt.background import wake_on_commit

from .constants import OutboxStatus
from .hub import DeliveryResult, NationalHub, get_national_hub
from .models import HubOutboxEvent

log = logging.getLogger(__name__)


def hub_event_record(*, stream: str, dossier_code: str, payload: dict[str, Any]) -> HubOutboxEvent:
    """Add the next event of a dossier to the outbox, in the caller's transaction."""
    # The caller holds the dossier's row lock, so Max()+1 cannot race; the unique constraint
    # on (stream, sequence) is the guard should a caller ever forget.
    last = HubOutboxEvent.objects.filter(stream=stream).aggregate(m=Max("sequence"))["m"] or 0
    event_id = uuid.uuid4()
    event = HubOutboxEvent.objects.create(
        event_id=event_id,
        stream=stream,
        dossier_code=dossier_code,
        sequence=last + 1,
        payload={**payload, "event_id": str(event_id), "sequence": last + 1},
    )
    from .tasks import hub_deliver

    wake_on_commit(hub_deliver)
    return event


def _backoff(attempts: int) -> dt.timedelta:
    seconds = settings.HUB_RETRY_BASE_SECONDS * (2 ** max(attempts - 1, 0))
    return dt.timedelta(seconds=min(seconds, settings.HUB_RETRY_MAX_SECONDS))


def _deliverable(now: dt.datetime) -> QuerySet[HubOutboxEvent]:
    """Pending, due events that are the first undelivered event of their dossier."""
    earlier_undelivered = HubOutboxEvent.objects.filter(
        stream=OuterRef("stream"), sequence__lt=OuterRef("sequence")
    ).exclude(status=OutboxStatus.DELIVERED)
    return HubOutboxEvent.objects.filter(
        status=OutboxStatus.PENDING, next_attempt_at__lte=now
    ).exclude(Exists(earlier_undelivered))


def _claim(batch_size: int) -> list[HubOutboxEvent]:
    """Lease the next deliverable events, at most one per dossier."""
    now = timezone.now()
    with transaction.atomic():
        events = list(
            _deliverable(now).select_for_update(skip_locked=True).order_by("id")[:batch_size]
        )
        if events:
            HubOutboxEvent.objects.filter(pk__in=[e.pk for e in events]).update(
                next_attempt_at=now + dt.timedelta(seconds=settings.HUB_CLAIM_SECONDS)
            )
    return events


def _record(events: list[HubOutboxEvent], results: list[DeliveryResult]) -> int:
    now = timezone.now()
    window = dt.timedelta(hours=settings.HUB_RETRY_HOURS)
    delivered = [e.pk for e, r in zip(events, results, strict=True) if r.ok]
    with transaction.atomic():
        if delivered:
            HubOutboxEvent.objects.filter(pk__in=delivered).update(
                status=OutboxStatus.DELIVERED,
                delivered_at=now,
                attempts=F("attempts") + 1,
                last_status_code=None,
            )
        for event, result in zip(events, results, strict=True):
            if result.ok:
                continue
            attempts = event.attempts + 1
            # docs/api.md §8: 5xx, 429, timeouts retry with backoff for at least 24 h (the window
            # is HUB_RETRY_HOURS); other 4xx go to the dead-letter list at once.
            dead = result.permanent or now - event.retry_window_start > window
            HubOutboxEvent.objects.filter(pk=event.pk).update(
                attempts=attempts,
                last_error=result.error[:2000],
                last_status_code=result.status_code,
                status=OutboxStatus.DEAD if dead else OutboxStatus.PENDING,
                next_attempt_at=now + _backoff(attempts),
            )
            if dead:
                log.error("hub event %s dead-lettered: %s", event.event_id, result.error)
    return len(delivered)


def hub_drain(*, hub: NationalHub | None = None, time_budget: float = 50.0) -> int:
    """Deliver every deliverable event, batch after batch; return how many were accepted."""
    hub = hub or get_national_hub()
    batch_size = min(settings.HUB_BATCH_SIZE, getattr(hub, "max_batch", settings.HUB_BATCH_SIZE))
    started = time.monotonic()
    total = 0
    while time.monotonic() - started < time_budget:
        events = _claim(batch_size)
        if not events:
            break
        results = hub.deliver([e.payload for e in events])
        accepted = _record(events, results)
        total += accepted
        if not accepted:
            break  # the hub refuses everything now: wait for the backoff, do not spin
    return total


def hub_has_due_events() -> bool:
    """Whether an event could be delivered now (what the sweeper checks before enqueueing)."""
    # Events waiting behind an earlier one of their dossier do not count: they are not
    # deliverable until it is, and counting them would wake the drain for nothing.
    return _deliverable(timezone.now()).exists()


@transaction.atomic
def hub_event_retry(*, event_ids: list[int]) -> int:
    """Put dead-lettered events back in the queue (the admin's retry button)."""
    now = timezone.now()
    count = HubOutboxEvent.objects.filter(pk__in=event_ids, status=OutboxStatus.DEAD).update(
        status=OutboxStatus.PENDING, next_attempt_at=now, retry_window_start=now
    )
    if count:
        from .tasks import hub_deliver

        wake_on_commit(hub_deliver)
    return count
