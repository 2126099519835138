"""Working-day deadlines: the one function every app uses to compute a due time.

Rules (docs/domain.md "Deadlines"; Nghị định 61/2018/NĐ-CP Điều 18): working days are Monday to
Friday except Vietnamese public holidays (`holidays.Vietnam`, Tết and compensation days
included); working hours come from settings.WORKING_HOURS (07:00–11:30 and 13:30–17:00 by
default, 8 hours = 1 working day — `hours_per_day()` is the one place that number comes
from). The Saturdays the government declares working days in exchange for a bridge holiday
(make-up days) are working days: `holidays.Vietnam` lists some, settings.EXTRA_WORKDAYS adds
the rest. A dossier received after settings.WORKDAY_CUTOFF (15:00; 15:00 sharp is still
before it) or on a non-working day counts from the next working day's start; received before
the morning opens it counts from the opening, during the lunch break from the afternoon
opening. Processing times may be fractions of a day (0.5 day = 4 working hours) or, where the
catalogue says so, calendar days.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
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
    """Return the working hours of one working day (the one place this number comes from)."""
    return (
        sum(
            (dt.datetime.combine(dt.date.min, b) - dt.datetime.combine(dt.date.min, a)).seconds
            for a, b in working_periods()
        )
        / 3600
    )


@lru_cache(maxsize=64)
def _holidays_for(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=year)


def is_working_day(day: dt.date) -> bool:
    """Tell whether `day` is a working day (a weekday or make-up Saturday, not a holiday)."""
    iso = day.isoformat()
    if iso in settings.EXTRA_HOLIDAYS:
        return False
    if iso in settings.EXTRA_WORKDAYS:
        return True
    # holidays.Vietnam knows Tết, compensation days off and the make-up Saturdays it lists
    # (`weekend_workdays`, e.g. 26/4/2025 and 22/8/2026).
    return _holidays_for(day.year).is_working_day(day)


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
    # NĐ 61/2018 Điều 18 says "after 15:00": a dossier stamped 15:00 (Mẫu 01 shows minutes)
    # is still received that day.
    after_cutoff = now.replace(second=0, microsecond=0) > _parse(settings.WORKDAY_CUTOFF)
    if not is_working_day(day) or after_cutoff or now >= periods[-1][1]:
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
    current = clock_start(start) if not in_working_time(start) else start.astimezone(VN_TZ)
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


def in_working_time(moment: dt.datetime) -> bool:
    """Tell whether `moment` lies inside the working hours of a working day (ends included)."""
    local = moment.astimezone(VN_TZ)
    if not is_working_day(local.date()):
        return False
    # A period's closing instant (11:30, 17:00) is a valid due time: due_at lands there.
    return any(a <= local.time() <= b for a, b in working_periods())


def due_at(
    received_at: dt.datetime, days: int | float | Decimal, *, calendar: bool = False
) -> dt.datetime:
    """Return the due time of a processing time of `days` (working days unless `calendar`).

    Working days are counted in working hours (0.5 day = 4 hours). Calendar days run from the
    clock start; a period ending on a day off ends at the close of the next working day
    (Bộ luật Dân sự 2015 Điều 148.5), so a due time always lands inside working hours.
    """
    start = clock_start(received_at)
    days = float(days or 0)
    if days <= 0:
        return start
    if not calendar:
        return add_working_hours(start, days * hours_per_day())
    # Calendar periods are whole days (a fraction counts as a day): the due time keeps the
    # start's time of day, which lies in working hours.
    end = start + dt.timedelta(days=math.ceil(days))
    if is_working_day(end.date()):
        return end
    return _at(next_working_day(end.date()), working_periods()[-1][1])


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
