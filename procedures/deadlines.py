"""Processing times of the catalogue as data: fractions of a day, calendar days, online time.

The catalogue (shared/data/procedures.json) gives one `processing_days` number and a free-text
`processing_note` such as "Trực tuyến: 17 ngày làm việc; …; Trực tiếp: 27 ngày làm việc" or
"Trực tuyến: 20 ngày; Trực tiếp: 15 ngày". "ngày làm việc" are working days, a bare "ngày"
is a calendar day; a channel named "Trực tuyến" may have its own time (Nghị định
42/2022/NĐ-CP lets online services be faster). These rules read the note once, at import.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models

_SEGMENT = re.compile(
    r"(trực tuyến|trực tiếp|dịch vụ bưu chính)\s*:\s*(\d+(?:[.,]\d+)?)\s*(ngày làm việc|ngày)?",
    re.IGNORECASE,
)
_PORTAL = re.compile(r"cổng ghi\s+(\d+(?:[.,]\d+)?)\s*(ngày làm việc|ngày)", re.IGNORECASE)


def days_value(value: Any) -> int | float | None:
    """Return a number of days as JSON likes it: an int when whole, else a float (0.5)."""
    if value is None or value == "":
        return None
    number = Decimal(str(value))
    return int(number) if number == number.to_integral_value() else float(number)


def parse_days(value: Any) -> int | float | None:
    """Return a non-negative number of days with at most 2 decimals, or raise ValueError."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    try:
        number = Decimal(str(value).replace(",", "."))
    except InvalidOperation as exc:
        raise ValueError(value) from exc
    if not number.is_finite() or number < 0 or number != number.quantize(Decimal("0.01")):
        raise ValueError(value)
    return days_value(number)


def deadline_from_note(note: str, processing_days: Any) -> dict[str, Any]:
    """Return {"calendar", "online_days"} read from a catalogue processing note."""
    text = note or ""
    segments = {
        m.group(1).lower(): (m.group(2), (m.group(3) or "").lower())
        for m in _SEGMENT.finditer(text)
    }
    units = [unit for _number, unit in segments.values() if unit]
    units += [m.group(2).lower() for m in _PORTAL.finditer(text)]
    days = days_value(processing_days)
    # A bare "ngày" everywhere is calendar days, unless the note spells the same number as
    # working days elsewhere ("Cổng ghi 20 Ngày; mô tả: … 20 ngày làm việc").
    calendar = bool(units) and all(unit == "ngày" for unit in units)
    if calendar and days is not None and re.search(rf"\b0*{days} ngày làm việc", text.lower()):
        calendar = False
    online_days = None
    if "trực tuyến" in segments:
        online = parse_days(segments["trực tuyến"][0])
        if online != days:
            online_days = online
    return {"calendar": calendar, "online_days": online_days}


class DaysField(models.DecimalField):
    """A number of days (0.5 = half a working day) read back as an int or a float."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 6)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("validators", [MinValueValidator(0)])
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        return days_value(value)
