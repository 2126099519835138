"""How the portal writes numbers for people, the same on pages, e-mails and SMS."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

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


# Vietnamese thousands grouping as people type it: 50.000, 1.250.000 (a space or a no-break
# space also groups). A comma is the Vietnamese decimal mark, so "50,000" is not read.
_DIGITS = re.compile(r"[0-9]{1,20}")
_GROUPED = re.compile(r"[0-9]{1,3}(?:[. \u00a0][0-9]{3}){1,6}")


def parse_dong(value: Any) -> int | None:
    """Return a whole amount of đồng as written, or None when it is not one.

    The one reader of amounts for the API and the forms: a JSON integer, or a number with no
    fractional part (50000.0 → 50000); a text of digits, grouped or not ("50.000", "50000").
    Anything else — a fraction, a boolean, a word — is None; the caller checks the range.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value.is_integer() else None
    if isinstance(value, Decimal):
        return int(value) if value.is_finite() and value == value.to_integral_value() else None
    if isinstance(value, str):
        text = value.strip()
        if _DIGITS.fullmatch(text) or _GROUPED.fullmatch(text):
            return int(re.sub(r"[^0-9]", "", text))
    return None
