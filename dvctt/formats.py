"""How the portal writes numbers for people, the same on pages, e-mails and SMS."""

from __future__ import annotations

from django.utils.translation import gettext as _

NBSP = "\u00a0"


def format_number(value: int) -> str:
    """Return a whole number with Vietnamese grouping: 10.000."""
    return f"{value:,}".replace(",", ".")


def format_dong(amount: int | None) -> str:
    """Return an amount of đồng as "15.000 đ" (Vietnamese grouping; never split on a line)."""
    if amount is None:
        return _("Theo quy định của địa phương")
    if amount == 0:
        return _("Miễn phí")
    return format_number(amount) + NBSP + "đ"
