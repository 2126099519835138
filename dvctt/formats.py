"""How the portal writes numbers for people, the same on pages, e-mails and SMS."""

from __future__ import annotations

import datetime as dt
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


# --- amounts in words (biên lai, NĐ 123/2020/NĐ-CP Điều 32: the amount in figures and words) --

_DIGIT_WORDS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_SCALES = ((10**9, "tỷ"), (10**6, "triệu"), (10**3, "nghìn"))


def _hundreds_in_words(value: int, *, full: bool) -> list[str]:
    """Return the words of 0 < value < 1000; `full` says digits on its left were spoken."""
    hundreds, tens, units = value // 100, value // 10 % 10, value % 10
    words: list[str] = []
    if hundreds or full:  # 1.005: "một nghìn không trăm linh năm"
        words += [_DIGIT_WORDS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if words:  # 105: "một trăm linh năm" (never "lăm" or "mốt" after linh)
                words.append("linh")
            words.append(_DIGIT_WORDS[units])
        return words
    words += ["mười"] if tens == 1 else [_DIGIT_WORDS[tens], "mươi"]
    if units == 1 and tens > 1:
        words.append("mốt")  # 21: hai mươi mốt (but 11: mười một)
    elif units == 4 and tens > 1:
        words.append("tư")  # 24: hai mươi tư (but 14: mười bốn)
    elif units == 5:
        words.append("lăm")  # 15: mười lăm, 25: hai mươi lăm
    elif units:
        words.append(_DIGIT_WORDS[units])
    return words


def _number_words(value: int, *, full: bool = False) -> list[str]:
    words: list[str] = []
    rest = value
    for scale, name in _SCALES:
        if rest >= scale:
            head, rest = divmod(rest, scale)
            # Above a billion the count itself may be large: "một nghìn tỷ".
            part = _number_words(head, full=full) if scale == 10**9 else None
            words += part or _hundreds_in_words(head, full=full)
            words.append(name)
            full = True
    if rest:
        words += _hundreds_in_words(rest, full=full)
    return words


def number_in_words(value: int) -> str:
    """Return a whole number in Vietnamese words: 1250000 → "một triệu hai trăm năm mươi nghìn"."""
    if value < 0:
        raise ValueError("negative amounts have no words on a receipt")
    if value == 0:
        return _DIGIT_WORDS[0]
    return " ".join(_number_words(value))


def dong_in_words(amount: int) -> str:
    """Return an amount of đồng in words, capitalised: "Một triệu hai trăm năm mươi nghìn đồng"."""
    text = number_in_words(amount) + " đồng"
    return text[0].upper() + text[1:]


# A date and time as officials type it (day first, Vietnam time): "01/12/2026 09:00" or
# "09:00 01/12/2026" (the order the papers print); ISO 8601 is read too (the API's form).
_DAY_FIRST_DATETIME = (
    re.compile(
        r"(?P<d>[0-9]{1,2})/(?P<m>[0-9]{1,2})/(?P<y>[0-9]{4})\s+(?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})"
    ),
    re.compile(
        r"(?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})\s+(?P<d>[0-9]{1,2})/(?P<m>[0-9]{1,2})/(?P<y>[0-9]{4})"
    ),
)


def parse_datetime_as_written(text: str) -> dt.datetime | None:
    """Return the date and time written day first or in ISO 8601, or None if it is neither.

    A day-first value has no zone (the caller applies Vietnam time); an ISO one keeps its own.
    """
    from django.utils.dateparse import parse_datetime

    text = text.strip()
    for pattern in _DAY_FIRST_DATETIME:
        match = pattern.fullmatch(text)
        if match:
            parts = {k: int(v) for k, v in match.groupdict().items()}
            try:
                return dt.datetime(parts["y"], parts["m"], parts["d"], parts["H"], parts["M"])
            except ValueError:  # 31/02, 25:00
                return None
    try:
        return parse_datetime(text)
    except ValueError:  # well formed but impossible, e.g. 2026-02-31T09:00
        return None
