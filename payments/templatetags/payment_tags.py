"""The payments block of the citizen's and the official's dossier pages."""

from __future__ import annotations

from django import template

from payments import selectors
from payments.constants import REFUNDABLE_DOSSIER_STATUSES, PaymentStatus

register = template.Library()


@register.inclusion_tag("payments/_dossier_payments.html", takes_context=True)
def dossier_payments(context, dossier, viewer: str = "citizen") -> dict:
    """Render the dossier's fee, its pay button, payment history, receipts and refunds."""
    payments = list(selectors.payments_of_dossier(dossier=dossier))
    block_reason = selectors.payment_block_reason(dossier=dossier)
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
        and any(p.refundable_amount > 0 for p in payments),
        "refundable": [
            p
            for p in payments
            if p.status in (PaymentStatus.PAID, PaymentStatus.REFUNDED) and p.refundable_amount > 0
        ],
        "csrf_token": context.get("csrf_token"),
    }
