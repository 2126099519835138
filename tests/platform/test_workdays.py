"""Working-day deadlines (dvctt/workdays.py): examples from the rules and Hypothesis invariants."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dvctt import workdays
from dvctt.workdays import VN_TZ


def vn(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN_TZ)


def in_working_time(moment: dt.datetime) -> bool:
    local = moment.astimezone(VN_TZ)
    periods = workdays.working_periods()
    return workdays.is_working_day(local.date()) and any(a <= local.time() <= b for a, b in periods)


def test_weekends_and_tet_are_not_working_days():
    assert workdays.is_working_day(dt.date(2026, 11, 23))  # Monday
    assert not workdays.is_working_day(dt.date(2026, 11, 28))  # Saturday
    assert not workdays.is_working_day(dt.date(2026, 11, 29))  # Sunday
    assert not workdays.is_working_day(dt.date(2026, 2, 17))  # Tết Bính Ngọ
    assert not workdays.is_working_day(dt.date(2026, 9, 2))  # Quốc khánh


def test_extra_holidays_from_settings(settings):
    settings.EXTRA_HOLIDAYS = ["2026-11-25"]
    assert not workdays.is_working_day(dt.date(2026, 11, 25))


def test_received_in_the_morning_one_day_ends_next_morning_same_time():
    # 09:00 + 8 working hours: 2.5 h to 11:30, 3.5 h to 17:00, 2 h next day → 09:00.
    assert workdays.due_at(vn(2026, 11, 25, 9, 0), 1) == vn(2026, 11, 26, 9, 0)


def test_received_after_15h_counts_from_next_working_day():
    # Nghị định 61/2018 Điều 18: after 15:00 → the next working day's start.
    assert workdays.clock_start(vn(2026, 11, 26, 15, 30)) == vn(2026, 11, 27, 7, 0)
    assert workdays.due_at(vn(2026, 11, 26, 15, 30), 1) == vn(2026, 11, 27, 17, 0)


def test_received_on_friday_evening_counts_from_monday():
    assert workdays.clock_start(vn(2026, 11, 27, 18, 0)) == vn(2026, 11, 30, 7, 0)


def test_lunch_break_and_early_morning():
    assert workdays.clock_start(vn(2026, 11, 25, 12, 0)) == vn(2026, 11, 25, 13, 30)
    assert workdays.clock_start(vn(2026, 11, 25, 6, 0)) == vn(2026, 11, 25, 7, 0)


def test_deadline_skips_tet():
    # Received Friday 13/2/2026 at opening: that day is day 1; 16/2–20/2 are Tết holidays and
    # 14–15, 21–22 weekends, so day 2 is Monday 23/2.
    assert workdays.due_at(vn(2026, 2, 13, 7, 0), 2) == vn(2026, 2, 23, 17, 0)


def test_working_hours_come_from_settings(settings):
    settings.WORKING_HOURS = [("08:00", "12:00"), ("13:00", "17:00")]
    assert workdays.hours_per_day() == 8
    assert workdays.clock_start(vn(2026, 11, 25, 7, 30)) == vn(2026, 11, 25, 8, 0)
    assert workdays.due_at(vn(2026, 11, 25, 8, 0), 1) == vn(2026, 11, 25, 17, 0)


def test_zero_days_is_the_clock_start():
    assert workdays.due_at(vn(2026, 11, 25, 16, 0), 0) == vn(2026, 11, 26, 7, 0)


moments = st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2028, 12, 31)).map(
    lambda d: d.replace(tzinfo=VN_TZ)
)


@settings(max_examples=300, deadline=None)
@given(received=moments, days=st.integers(min_value=1, max_value=40))
def test_due_lands_in_working_time_after_reception(received, days):
    due = workdays.due_at(received, days)
    assert due > received
    assert in_working_time(due)


@settings(max_examples=200, deadline=None)
@given(received=moments, days=st.integers(min_value=1, max_value=30))
def test_due_uses_exactly_the_working_hours_asked(received, days):
    start = workdays.clock_start(received)
    due = workdays.due_at(received, days)
    assert workdays.working_hours_between(start, due) == pytest.approx(
        days * workdays.hours_per_day()
    )


@settings(max_examples=200, deadline=None)
@given(received=moments, days=st.integers(min_value=0, max_value=30))
def test_more_days_never_end_earlier(received, days):
    assert workdays.due_at(received, days + 1) > workdays.due_at(received, days)


@settings(max_examples=200, deadline=None)
@given(received=moments)
def test_clock_start_is_working_time_and_not_after_cutoff_day(received):
    start = workdays.clock_start(received)
    assert start >= received.replace(second=0, microsecond=0)
    assert in_working_time(start)
    local = received.astimezone(VN_TZ)
    if local.time() >= dt.time(15, 0) or not workdays.is_working_day(local.date()):
        assert start.date() > local.date()
        assert start.time() == dt.time(7, 0)
