"""A dossier's clock: its processing time, due dates, citizen waits and the on-time mark.

docs/domain.md "Deadlines": the due time is reception + the processing time (working days, or
calendar days where the catalogue says so; the online channel may have its own time). Time
spent waiting for the citizen (a supplement, a payment) is not the agency's: it is kept in
working hours and moves the agency's deadline, so overdue lists and the on-time mark leave it
out. An apology (Mẫu 04) gives the citizen a new date, but the on-time indicator keeps
measuring against the original one (NĐ 61/2018 Điều 19.9; Quyết định 766/QĐ-TTg).
No I/O: these functions change the in-memory dossier; services save it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dvctt import workdays

from ..constants import CLOCK_RUNNING_STATUSES, Channel


@dataclass(frozen=True)
class ProcessingTime:
    """How long the agency has: a number of days, working or calendar."""

    days: float
    calendar: bool = False


def processing_time(dossier) -> ProcessingTime:
    """Return the processing time of the dossier's case and channel, from its snapshot."""
    snapshot = dossier.snapshot
    case: dict[str, Any] = next(
        (c for c in snapshot.get("cases", []) if c["id"] == dossier.case_id), {}
    )
    days = case.get("processing_days")
    if days is None and dossier.channel == Channel.ONLINE:
        days = snapshot.get("online_processing_days")
    if days is None:
        days = snapshot.get("processing_days")
    return ProcessingTime(
        days=float(days or 0), calendar=bool(snapshot.get("processing_calendar_days"))
    )


def start_clock(dossier, *, now: dt.datetime) -> None:
    """Set the due dates from `now` (reception, or a completed supplement: NĐ 61 Điều 19.4)."""
    time = processing_time(dossier)
    dossier.due_at = workdays.due_at(now, time.days, calendar=time.calendar)
    dossier.original_due_at = dossier.due_at


def start_wait(dossier, *, now: dt.datetime) -> None:
    """Stop the agency's clock: the dossier now waits for the citizen."""
    dossier.paused_since = now


def end_wait(dossier, *, now: dt.datetime) -> None:
    """Restart the agency's clock after a wait, moving its deadlines by the working hours lost."""
    if dossier.paused_since is None:
        return
    hours = workdays.working_hours_between(dossier.paused_since, now)
    dossier.paused_since = None
    dossier.paused_working_hours = Decimal(str(dossier.paused_working_hours or 0)) + Decimal(
        f"{hours:.4f}"
    )
    if hours <= 0:
        return
    # The wait is the citizen's: the deadlines move by the same working time. (A supplement
    # requested in time restarts the clock on completion instead, see start_clock.)
    if dossier.due_at:
        dossier.due_at = workdays.add_working_hours(dossier.due_at, hours)
    if dossier.original_due_at:
        dossier.original_due_at = workdays.add_working_hours(dossier.original_due_at, hours)
    # The step holding the dossier is not charged with the citizen's wait either (Mẫu 05).
    if dossier.step_due_at:
        dossier.step_due_at = workdays.add_working_hours(dossier.step_due_at, hours)


# NĐ 61/2018 Điều 19.4: a dossier found incomplete during appraisal goes back to the citizen
# within 3 working days of its receipt.
SUPPLEMENT_WINDOW_DAYS = 3


def supplement_window_end(dossier) -> dt.datetime | None:
    """Return until when a supplement request restarts the clock (None before reception)."""
    if dossier.received_at is None:
        return None
    start = workdays.clock_start(dossier.received_at)
    return workdays.add_working_hours(start, SUPPLEMENT_WINDOW_DAYS * workdays.hours_per_day())


def supplement_request_is_late(dossier, *, now: dt.datetime) -> bool:
    """Tell whether a supplement request made `now` is late (NĐ 61/2018 Điều 19.4).

    At reception it is always in time; during appraisal only within 3 working days of
    receipt and before the due date. A late request is still allowed (the citizen must be told
    what is missing) but it only pauses the clock: the original due date stays.
    """
    window_end = supplement_window_end(dossier)
    if window_end is None:
        return False
    return now > window_end or bool(dossier.due_at and now > dossier.due_at)


def decide_on_time(dossier, *, now: dt.datetime) -> None:
    """Record whether the result was issued on time (Quyết định 766/QĐ-TTg on-time rate)."""
    if dossier.original_due_at is None:
        dossier.on_time = None
        return
    # More than one supplement request counts as late (guidance must be given once).
    dossier.on_time = now <= dossier.original_due_at and dossier.supplement_count <= 1


def is_overdue(dossier, *, now: dt.datetime) -> bool:
    """Tell whether the agency's clock on the dossier has run out (DossierQuerySet.overdue)."""
    return bool(
        dossier.due_at and dossier.status in CLOCK_RUNNING_STATUSES and dossier.due_at < now
    )
