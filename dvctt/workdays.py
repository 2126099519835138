"""Working-day deadlines: the one function every app uses to compute a due time.

Rules (DOMAIN.md "Deadlines"; Nghị định 61/2018/NĐ-CP Điều 18): working days are Monday to
Friday except Vietnamese public holidays (`holidays.Vietnam`, Tết and compensation days
included); working hours come from settings.WORKING_HOURS (07:00–11:30 and 13:30–17:00 by
default, 8 hours = 1 working day). A dossier received after settings.WORKDAY_CUTOFF (15:00)
or on a non-working day counts from the next working day's start; received before the
morning opens it counts from the opening, during the lunch break from the afternoon opening.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _parse(hhmm: str) -> dt.time:
    hours, minutes = hhmm.split(":")
    return dt.time(int(hours), int(minutes))


def working_periods() -> list[tuple[dt.time, dt.time]]:
    """Return the configured working periods of a day, in order."""
    return [(_parse(a), _parse(b)) for a, b in settings.WORKING_HOURS]


def hours_per_day() -> float:
    """Return the working hours of one working day."""
    return (
        sum(
            (dt.datetime.combine(dt.date.min, b) - dt.datetime.combine(dt.date.min, a)).seconds
            for a, b in working_periods()
        )
        / 3600
    )


@lru_cache(maxsize=64)
def _holidays_for(year: int) -> holidays.HolidayBase:
    return holidays.Vietnam(years=year)


def is_working_day(day: dt.date) -> bool:
    """Tell whether `day` is a working day (not a weekend, not a Vietnamese holiday)."""
    if day.weekday() >= 5:
        return False
    if day.isoformat() in settings.EXTRA_HOLIDAYS:
        return False
    return day not in _holidays_for(day.year)


def next_working_day(day: dt.date) -> dt.date:
    """Return the first working day strictly after `day`."""
    day += dt.timedelta(days=1)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def _at(day: dt.date, t: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, t, tzinfo=VN_TZ)


def clock_start(received_at: dt.datetime) -> dt.datetime:
    """Return when the processing clock starts for something received at `received_at`."""
    local = received_at.astimezone(VN_TZ)
    day, now = local.date(), local.time()
    periods = working_periods()
    if not is_working_day(day) or now >= _parse(settings.WORKDAY_CUTOFF) or now >= periods[-1][1]:
        return _at(next_working_day(day), periods[0][0])
    for start, end in periods:
        if now < start:
            return _at(day, start)
        if now < end:
            return local.replace(second=0, microsecond=0)
    return _at(next_working_day(day), periods[0][0])  # pragma: no cover - covered by cutoff


def add_working_hours(start: dt.datetime, hours: float) -> dt.datetime:
    """Return the instant `hours` working hours after `start` (which lies in working time)."""
    remaining = dt.timedelta(hours=hours)
    current = clock_start(start) if not _in_working_time(start) else start.astimezone(VN_TZ)
    periods = working_periods()
    while True:
        day = current.date()
        for p_start, p_end in periods:
            begin, end = _at(day, p_start), _at(day, p_end)
            if current >= end:
                continue
            begin = max(begin, current)
            if begin + remaining <= end:
                return begin + remaining
            remaining -= end - begin
        current = _at(next_working_day(day), periods[0][0])


def _in_working_time(moment: dt.datetime) -> bool:
    local = moment.astimezone(VN_TZ)
    if not is_working_day(local.date()):
        return False
    return any(a <= local.time() < b for a, b in working_periods())


def due_at(received_at: dt.datetime, working_days: int | float) -> dt.datetime:
    """Return the due time: `working_days` working days of working hours after reception."""
    start = clock_start(received_at)
    if working_days <= 0:
        return start
    return add_working_hours(start, working_days * hours_per_day())


def working_hours_between(start: dt.datetime, end: dt.datetime) -> float:
    """Return the working hours between two instants (0 if end is not after start)."""
    if end <= start:
        return 0.0
    total = dt.timedelta()
    a, b = start.astimezone(VN_TZ), end.astimezone(VN_TZ)
    day = a.date()
    while day <= b.date():
        if is_working_day(day):
            for p_start, p_end in working_periods():
                lo, hi = max(_at(day, p_start), a), min(_at(day, p_end), b)
                if hi > lo:
                    total += hi - lo
        day += dt.timedelta(days=1)
    return total.total_seconds() / 3600
