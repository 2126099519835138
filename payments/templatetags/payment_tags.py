"""The payments block of the citizen's and the official's dossier pages."""

from __future__ import annotations

from django import template

from dossiers import workflow
from dossiers.constants import ActorRole
from payments import selectors
from payments.constants import (
    DESK_METHODS,
    REFUNDABLE_DOSSIER_STATUSES,
    PaymentMethod,
    PaymentStatus,
)

register = template.Library()


@register.inclusion_tag("payments/_dossier_payments.html", takes_context=True)
def dossier_payments(context, dossier, viewer: str = "citizen") -> dict:
    """Render the dossier's fee, its pay button, payment history, receipts and refunds."""
    payments = list(selectors.payments_of_dossier(dossier=dossier))
    block_reason = selectors.payment_block_reason(dossier=dossier)
    # Refunds go back through the gateway that took the money: online payments only.
    refundable = [
        p
        for p in payments
        if p.status in (PaymentStatus.PAID, PaymentStatus.REFUNDED)
        and p.refundable_amount > 0
        and p.method == PaymentMethod.ONLINE
    ]
    can_collect = False
    if viewer == "official" and selectors.payment_fee_due_reason(dossier=dossier) is None:
        roles = workflow.actor_roles(dossier, context.get("user"))
        can_collect = ActorRole.RECEPTION in roles and workflow.GUEST not in roles
    return {
        "dossier": dossier,
        "viewer": viewer,
        "payments": payments,
        "can_pay": viewer == "citizen" and block_reason is None,
        "pay_note": block_reason if dossier.payment_due else "",
        # How the citizen's last attempt ended, while the fee is still owed: a cancel is not
        # a failure (issue 17.1).
        "last_attempt": payments[0] if payments and dossier.payment_due else None,
        "can_refund": viewer == "official"
        and dossier.status in REFUNDABLE_DOSSIER_STATUSES
        and bool(refundable),
        "refundable": refundable,
        "can_collect": can_collect,
        "desk_methods": [(m.value, m.label) for m in DESK_METHODS],
        "csrf_token": context.get("csrf_token"),
    }
