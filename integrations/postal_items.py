"""Results sent by post: record the item with the return, hand it over after the commit, apply
the postal service's reports.

`postal_item_record` runs in the caller's transaction (the one that returns the result) and
only writes a row; the outside call happens in the task `postal_hand_over`, outside any
transaction (docs/design.md rule 10): a short transaction claims due rows with a lease, the
calls run, another short one records the numbers. A lost task is found again by the beat sweeper.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from dvctt.background import wake_on_commit

from .constants import POSTAL_REPORTED, POSTAL_STATUS_ORDER, PostalStatus
from .models import PostalItem
from .postal import Handover, PostalError, PostalService, get_postal_service

log = logging.getLogger(__name__)


def postal_item_record(
    *, reference: str, dossier_code: str, recipient_name: str, recipient_phone: str, address: str
) -> PostalItem:
    """Record a result to hand to the postal service, in the caller's transaction."""
    item, _created = PostalItem.objects.get_or_create(
        reference=reference,
        defaults={
            "dossier_code": dossier_code,
            "recipient_name": recipient_name[:200],
            "recipient_phone": recipient_phone[:15],
            "address": address[:300],
        },
    )
    from .tasks import postal_hand_over

    wake_on_commit(postal_hand_over)
    return item


def postal_item_for(*, reference: str) -> PostalItem | None:
    """Return the postal item of a dossier (by its id), if its result went by post."""
    return PostalItem.objects.filter(reference=reference).first()


def _claim(batch_size: int) -> list[PostalItem]:
    now = timezone.now()
    with transaction.atomic():
        items = list(
            PostalItem.objects.filter(status=PostalStatus.PENDING, next_attempt_at__lte=now)
            .select_for_update(skip_locked=True)
            .order_by("id")[:batch_size]
        )
        if items:
            PostalItem.objects.filter(pk__in=[i.pk for i in items]).update(
                next_attempt_at=now + dt.timedelta(seconds=settings.HUB_CLAIM_SECONDS)
            )
    return items


def _backoff(attempts: int) -> dt.timedelta:
    seconds = settings.HUB_RETRY_BASE_SECONDS * (2 ** max(attempts - 1, 0))
    return dt.timedelta(seconds=min(seconds, settings.HUB_RETRY_MAX_SECONDS))


def postal_handover_drain(*, service: PostalService | None = None, batch_size: int = 50) -> int:
    """Hand every due pending item over to the postal service; return how many were taken."""
    service = service or get_postal_service()
    items = _claim(batch_size)
    taken = 0
    for item in items:
        handover = Handover(
            reference=item.reference,
            dossier_code=item.dossier_code,
            recipient_name=item.recipient_name,
            recipient_phone=item.recipient_phone,
            address=item.address,
        )
        try:
            number = service.hand_over(handover)  # outside any transaction
        except PostalError as exc:
            attempts = item.attempts + 1
            PostalItem.objects.filter(pk=item.pk, status=PostalStatus.PENDING).update(
                attempts=attempts,
                last_error=str(exc)[:2000],
                next_attempt_at=timezone.now() + _backoff(attempts),
            )
            log.warning("postal handover of %s failed: %s", item.dossier_code, exc)
            continue
        now = timezone.now()
        PostalItem.objects.filter(pk=item.pk, status=PostalStatus.PENDING).update(
            status=PostalStatus.HANDED_OVER,
            item_number=number,
            attempts=F("attempts") + 1,
            last_error="",
            history=[{"status": PostalStatus.HANDED_OVER.value, "at": now.isoformat()}],
            updated_at=now,
        )
        taken += 1
    return taken


def postal_has_due_items() -> bool:
    """Whether a pending item waits for its handover (what the sweeper checks)."""
    return PostalItem.objects.filter(
        status=PostalStatus.PENDING, next_attempt_at__lte=timezone.now()
    ).exists()


class PostalReportError(Exception):
    """A report the portal cannot apply (unknown item, unknown status)."""

    def __init__(self, message: str, *, status_code: int = 400) -> None:
        super().__init__(message)
        self.status_code = status_code


@dataclass(frozen=True)
class ReportOutcome:
    item: PostalItem
    changed: bool


@transaction.atomic
def postal_report_apply(
    *, item_number: str, status: str, event_id: str, occurred_at: str = "", note: str = ""
) -> ReportOutcome:
    """Apply one report of the postal service; a repeated event id changes nothing."""
    if status not in POSTAL_REPORTED:
        raise PostalReportError("unknown status")
    if not event_id or len(event_id) > 64:
        raise PostalReportError("event_id required")
    item = PostalItem.objects.select_for_update().filter(item_number=item_number).first()
    if item is None:
        raise PostalReportError("unknown item", status_code=404)
    history = list(item.history or [])
    if any(entry.get("event_id") == event_id for entry in history):
        return ReportOutcome(item=item, changed=False)
    history.append(
        {
            "event_id": event_id,
            "status": status,
            "at": occurred_at[:40] or timezone.now().isoformat(),
            "note": note[:500],
        }
    )
    item.history = history
    fields = ["history", "updated_at"]
    # Never backwards, and a settled item (delivered / returned) stays settled.
    current = POSTAL_STATUS_ORDER[PostalStatus(item.status)]
    if POSTAL_STATUS_ORDER[PostalStatus(status)] > current:
        item.status = status
        fields.append("status")
    item.save(update_fields=fields)
    return ReportOutcome(item=item, changed="status" in fields)
