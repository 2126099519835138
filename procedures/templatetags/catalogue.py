"""Display helpers of the catalogue pages."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def dong(amount: int | None) -> str:
    """Render an amount of đồng as "15.000 đ" (Vietnamese digit grouping)."""
    if amount is None:
        return _("Theo quy định của địa phương")
    if amount == 0:
        return _("Miễn phí")
    return f"{amount:,}".replace(",", ".") + " đ"


@register.filter
def fee_kind(fees) -> str:
    """Return "free", "paid" or "local" for a procedure's fee items."""
    amounts = [a for fee in fees for a in (fee.amount, fee.online_amount) if a is not None]
    if any(amounts):
        return "paid"
    if amounts:
        return "free"
    return "local"
