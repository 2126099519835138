"""Working-day deadlines (dvctt/workdays.py): examples from the rules and Hypothesis invariants."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dvctt import workdays
from dvctt.workdays import VN_TZ
from tests.properties import examples


def vn(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=VN_TZ)


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


@settings(max_examples=examples(300), deadline=None)
@given(received=moments, days=st.integers(min_value=1, max_value=40))
def test_due_lands_in_working_time_after_reception(received, days):
    due = workdays.due_at(received, days)
    assert due > received
    assert in_working_time(due)


@settings(max_examples=examples(200), deadline=None)
@given(received=moments, days=st.integers(min_value=1, max_value=30))
def test_due_uses_exactly_the_working_hours_asked(received, days):
    start = workdays.clock_start(received)
    due = workdays.due_at(received, days)
    assert workdays.working_hours_between(start, due) == pytest.approx(
        days * workdays.hours_per_day()
    )


@settings(max_examples=examples(200), deadline=None)
@given(received=moments, days=st.integers(min_value=0, max_value=30))
def test_more_days_never_end_earlier(received, days):
    assert workdays.due_at(received, days + 1) > workdays.due_at(received, days)


@settings(max_examples=examples(200), deadline=None)
@given(received=moments)
def test_clock_start_is_working_time_and_not_after_cutoff_day(received):
    start = workdays.clock_start(received)
    assert start >= received.replace(second=0, microsecond=0)
    assert in_working_time(start)
    local = received.astimezone(VN_TZ)
    after_cutoff = local.time().replace(second=0, microsecond=0) > dt.time(15, 0)
    if after_cutoff or not workdays.is_working_day(local.date()):
        assert start.date() > local.date()
        assert start.time() == dt.time(7, 0)


# --- issue 7: make-up Saturdays, 15:00 sharp, fractions of a day, calendar days ------------


def test_15h_sharp_counts_as_before_the_cutoff():
    # NĐ 61/2018 Điều 18 says "after 15:00": 15:00 on the dot is still that day.
    assert workdays.clock_start(vn(2026, 11, 26, 15, 0)) == vn(2026, 11, 26, 15, 0)
    assert workdays.clock_start(vn(2026, 11, 26, 15, 0, 40)) == vn(2026, 11, 26, 15, 0)
    assert workdays.clock_start(vn(2026, 11, 26, 15, 1)) == vn(2026, 11, 27, 7, 0)
    # 15:00 + 8 h: 2 h to 17:00, then 6 h the next day (4.5 h + 1.5 h) → 15:00.
    assert workdays.due_at(vn(2026, 11, 26, 15, 0), 1) == vn(2026, 11, 27, 15, 0)


def test_half_a_day_is_four_working_hours():
    received = vn(2026, 11, 25, 8, 0)
    due = workdays.due_at(received, 0.5)
    assert due != workdays.clock_start(received)
    # 08:00 + 4 h: 3.5 h to 11:30, then 0.5 h after the lunch break → 14:00.
    assert due == vn(2026, 11, 25, 14, 0)
    # 15:00 + 12 h: 2 h to 17:00, 8 h on the 26th, 2 h on the 27th → 09:00.
    assert workdays.due_at(vn(2026, 11, 25, 15, 0), 1.5) == vn(2026, 11, 27, 9, 0)


def test_make_up_saturday_from_holidays_is_a_working_day():
    # 22/8/2026 (Saturday) is worked in exchange for Monday 31/8 (holidays.Vietnam lists it).
    assert workdays.is_working_day(dt.date(2026, 8, 22))
    assert not workdays.is_working_day(dt.date(2026, 8, 31))
    # Friday 21/8 16:00 (after the cut-off) counts from Saturday 22/8 at opening.
    assert workdays.clock_start(vn(2026, 8, 21, 16, 0)) == vn(2026, 8, 22, 7, 0)
    assert workdays.due_at(vn(2026, 8, 21, 16, 0), 1) == vn(2026, 8, 22, 17, 0)
    # Received Friday 28/8 at opening, 2 days: 28/8, then 31/8–2/9 off → Thursday 3/9.
    assert workdays.due_at(vn(2026, 8, 28, 7, 0), 2) == vn(2026, 9, 3, 17, 0)


def test_make_up_saturday_from_settings(settings):
    assert not workdays.is_working_day(dt.date(2027, 1, 9))
    settings.EXTRA_WORKDAYS = ["2027-01-09"]
    assert workdays.is_working_day(dt.date(2027, 1, 9))
    assert workdays.due_at(vn(2027, 1, 8, 16, 0), 0.5) == vn(2027, 1, 9, 11, 0)


def test_calendar_days_across_tet_end_at_the_next_working_day_close():
    # 5 calendar days from Wednesday 11/2/2026 09:00 land on Monday 16/2 (Tết): the period
    # ends at the close of the next working day, Monday 23/2 (Bộ luật Dân sự Điều 148.5).
    assert workdays.due_at(vn(2026, 2, 11, 9, 0), 5, calendar=True) == vn(2026, 2, 23, 17, 0)
    # 10 calendar days from Wednesday 25/11/2026 09:00 → Saturday 5/12 → Monday 7/12 17:00.
    assert workdays.due_at(vn(2026, 11, 25, 9, 0), 10, calendar=True) == vn(2026, 12, 7, 17, 0)
    # 7 calendar days land on a Wednesday: same time of day.
    assert workdays.due_at(vn(2026, 11, 25, 9, 0), 7, calendar=True) == vn(2026, 12, 2, 9, 0)


def test_working_days_across_tet():
    # Thursday 12/2/2026 14:00 + 3 days (24 h): 12/2 (3 h), 13/2 (8 h), then Tết and the
    # weekends until Monday 23/2 (8 h), and 5 h on Tuesday 24/2 → 14:00.
    due = workdays.due_at(vn(2026, 2, 12, 14, 0), 3)
    assert due == vn(2026, 2, 24, 14, 0)
    assert workdays.working_hours_between(vn(2026, 2, 12, 14, 0), due) == 24


fractions = st.integers(min_value=1, max_value=80).map(lambda n: n / 2)


@settings(max_examples=examples(200), deadline=None)
@given(received=moments, days=fractions)
def test_fractional_days_use_exactly_their_working_hours(received, days):
    start = workdays.clock_start(received)
    due = workdays.due_at(received, days)
    assert due > start
    assert in_working_time(due)
    assert workdays.working_hours_between(start, due) == pytest.approx(
        days * workdays.hours_per_day()
    )


@settings(max_examples=examples(200), deadline=None)
@given(received=moments, days=st.integers(min_value=1, max_value=60))
def test_calendar_days_land_in_working_time_no_earlier_than_the_days(received, days):
    start = workdays.clock_start(received)
    due = workdays.due_at(received, days, calendar=True)
    assert in_working_time(due)
    assert due >= start + dt.timedelta(days=days)
    # Never more than the longest run of days off (Tết: 9 days) past the calendar end.
    assert due - (start + dt.timedelta(days=days)) < dt.timedelta(days=10)


@settings(max_examples=examples(100), deadline=None)
@given(day=st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2028, 12, 31)))
def test_sundays_never_and_plain_saturdays_only_when_listed(day):
    if day.weekday() == 6:
        assert not workdays.is_working_day(day)
    if day.weekday() == 5:
        listed = day in workdays._holidays_for(day.year).weekend_workdays
        assert workdays.is_working_day(day) == listed
