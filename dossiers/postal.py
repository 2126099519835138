"""Results by post (NĐ 61/2018 Điều 20): what returning a result hands to the postal service,
and the delivery's state as the dossier pages show it."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from integrations.constants import PostalStatus
from integrations.postal_items import postal_item_for, postal_item_record

from .constants import ResultDelivery
from .models import Dossier


def postal_handover_schedule(dossier: Dossier) -> None:
    """At return_result: record the item for the postal service, in the action's transaction.

    Only a row is written here; the handover (an outside call) runs after the commit in the
    task integrations.tasks.postal_hand_over, which brings back the item number.
    """
    if dossier.result_delivery != ResultDelivery.POST or not dossier.code:
        return
    postal_item_record(
        reference=str(dossier.pk),
        dossier_code=dossier.code,
        recipient_name=dossier.applicant_name,
        recipient_phone=dossier.applicant_phone,
        address=dossier.postal_address,
    )


@dataclass(frozen=True)
class PostalDelivery:
    """The delivery of a result by post, as the citizen and the officials see it."""

    address: str
    charge: int
    status: str  # PostalStatus value, "" before the result is returned
    status_label: str
    item_number: str


def postal_charge() -> int:
    """The postal charge shown at filing (đồng; 0 when none is set)."""
    return max(0, int(settings.POSTAL_RESULT_CHARGE or 0))


def postal_delivery(dossier: Dossier) -> PostalDelivery | None:
    """Return the delivery by post of the dossier's result (None: the result is not posted)."""
    if dossier.result_delivery != ResultDelivery.POST:
        return None
    item = postal_item_for(reference=str(dossier.pk))
    return PostalDelivery(
        address=dossier.postal_address,
        charge=postal_charge(),
        status=item.status if item else "",
        status_label=str(PostalStatus(item.status).label) if item else "",
        item_number=(item.item_number or "") if item else "",
    )
