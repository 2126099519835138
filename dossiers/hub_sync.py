"""Hub status sync of dossiers: what each status change tells the national hub (docs/api.md §8)."""

from __future__ import annotations

from django.utils import timezone, translation

from dvctt import workdays
from integrations.outbox import hub_event_record

from .constants import NATIONAL_STATUS, DossierStatus
from .models import Dossier, DossierEvent


def _iso(value) -> str | None:
    return timezone.localtime(value, workdays.VN_TZ).isoformat() if value else None


def dossier_hub_event(*, dossier: Dossier, event: DossierEvent) -> None:
    """Queue the hub event of a status change, in the transaction that made it."""
    # Drafts are never synced; nor are history entries that do not change the status.
    if not dossier.code or event.to_status in ("", event.from_status, DossierStatus.DRAFT):
        return
    with translation.override("vi"):  # the national hub expects the Vietnamese label
        label = str(DossierStatus(event.to_status).label)
    hub_event_record(
        stream=str(dossier.pk),
        dossier_code=dossier.code,
        payload={
            "dossier_code": dossier.code,
            "procedure_code": dossier.procedure.code,
            "agency_code": dossier.agency.code,
            "status": event.to_status,
            "national_status": NATIONAL_STATUS.get(event.to_status),
            "status_label": label,
            "occurred_at": _iso(event.at),
            "due_at": _iso(dossier.due_at),
            "channel": dossier.channel,
        },
    )
