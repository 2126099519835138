"""Keeping the statistics table current (reports/models/statistics.py).

- The dossier log's listener (`dossier_event_counted`, registered in ReportsConfig.ready) runs
  inside the action's transaction: it recomputes what the dossier counts for, takes the old
  contribution out of the day rows and puts the new one in, with increments. Run twice for one
  event it changes nothing the second time (the contribution is already the new one).
- `statistics_refresh` (the Celery task `reports.tasks.statistics_refresh`) sets the counters
  that are no dossier event — hub sync, ratings, feedback — for the recent days.
- `statistics_rebuild` (`manage.py rebuild_statistics`) recomputes everything from the dossiers
  and their log; a test proves it equals what the listener kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from . import statistics_selectors as selectors
from .models import DailyStatistic, DossierStatistic, MonthlyStatistic


@dataclass(frozen=True)
class DossierCounter:
    """A column of the day rows a dossier adds 1 to, on its day of reception or of result,
    when each of `flags` (a DossierStatistic field; "!x" for not x) holds."""

    column: str
    day: str  # "received_day" or "completed_day"
    flags: tuple[str, ...] = ()

    def counts(self, fact: Mapping[str, Any]) -> bool:
        return all(
            not fact[flag[1:]] if flag.startswith("!") else bool(fact[flag]) for flag in self.flags
        )

    def sql(self) -> str:
        parts = [f"NOT {flag[1:]}" if flag.startswith("!") else flag for flag in self.flags]
        return f"CASE WHEN {' AND '.join(parts) or '1=1'} THEN 1 ELSE 0 END"


DOSSIER_COUNTERS = (
    DossierCounter("received", "received_day"),
    DossierCounter("received_online", "received_day", ("online",)),
    DossierCounter("withdrawn", "received_day", ("withdrawn",)),
    DossierCounter("digitised", "received_day", ("digitised",)),
    DossierCounter("reused", "received_day", ("reused",)),
    DossierCounter("vneid", "received_day", ("vneid",)),
    DossierCounter("fee_bearing", "received_day", ("fee_bearing",)),
    DossierCounter("paid_online", "received_day", ("paid_online",)),
    DossierCounter("finished", "completed_day", ("finished",)),
    DossierCounter("finished_on_time", "completed_day", ("finished", "on_time")),
    DossierCounter("finished_late_apology", "completed_day", ("finished", "!on_time", "apology")),
)
# The result paper is rendered after the commit (dossiers/papers), so whether a finished dossier
# has its electronic result is the task's to count, as are sync, ratings and feedback.
EXTERNAL_COUNTERS = (
    "finished_e_result",
    "synced",
    "rated",
    "rated_satisfied",
    "rated_dissatisfied",
    "feedback_received",
    "feedback_complaints",
    "feedback_due",
    "feedback_on_time",
    "feedback_answered",
    "feedback_published",
)
ALL_COUNTERS = tuple(c.column for c in DOSSIER_COUNTERS) + EXTERNAL_COUNTERS
# How far back the task recomputes the counters that are no dossier event: a rating comes
# after the return, an answer to feedback within 15 working days, a sync within minutes.
REFRESH_DAYS = 62

Key = tuple[int, int, dt.date]
# Pages that cache figures put this number in their keys; a rebuild moves it on, so no page
# shows figures the rebuild replaced (the live changes are covered by the pages' short TTL).
CACHE_VERSION_KEY = "reports:statistics-version"


def cache_version() -> int:
    return int(cache.get(CACHE_VERSION_KEY) or 0)


def _cache_version_bump() -> None:
    cache.set(CACHE_VERSION_KEY, cache_version() + 1, None)


def _contribution(fact: Mapping[str, Any] | None) -> dict[Key, dict[str, int]]:
    out: dict[Key, dict[str, int]] = {}
    if not fact:
        return out
    for counter in DOSSIER_COUNTERS:
        day = fact[counter.day]
        if day is None or not counter.counts(fact):
            continue
        key = (fact["agency_id"], fact["procedure_id"], day)
        out.setdefault(key, {})[counter.column] = 1
    return out


def _upsert_sql(model: type[DailyStatistic] | type[MonthlyStatistic], key: str) -> str:
    table = model._meta.db_table
    columns = ALL_COUNTERS
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in columns)
    return (
        # Names are this module's constants; values go as parameters.
        f"INSERT INTO {table} (agency_id, procedure_id, {key}, {', '.join(columns)}) "  # noqa: S608
        f"VALUES (%s, %s, %s, {', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT (agency_id, procedure_id, {key}) DO UPDATE SET {updates}"
    )


def _increment(deltas: Mapping[Key, Mapping[str, int]]) -> None:
    """Add the deltas to the day and month rows (insert a row when missing)."""
    months: dict[Key, dict[str, int]] = {}
    for (agency_id, procedure_id, day), delta in deltas.items():
        month = months.setdefault((agency_id, procedure_id, day.replace(day=1)), {})
        for column, value in delta.items():
            month[column] = month.get(column, 0) + value
    with connection.cursor() as cursor:
        for model, key, rows in (
            (DailyStatistic, "day", deltas),
            (MonthlyStatistic, "month", months),
        ):
            sql = _upsert_sql(model, key)
            # In key order: two actions touching the same rows lock them in the same order.
            for (agency_id, procedure_id, when), delta in sorted(rows.items()):
                if any(delta.values()):
                    values = [delta.get(c, 0) for c in ALL_COUNTERS]
                    cursor.execute(sql, [agency_id, procedure_id, when, *values])


def months_refresh(start: dt.date, end: dt.date) -> None:
    """Recompute the month rows of the months start..end from the day rows."""
    first = start.replace(day=1)
    after = (end.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    MonthlyStatistic.objects.filter(month__gte=first, month__lt=after).delete()
    sums = (
        DailyStatistic.objects.filter(day__gte=first, day__lt=after)
        .order_by()
        .annotate(m=TruncMonth("day"))
        .values("agency_id", "procedure_id", "m")
        .annotate(**{c: Sum(c) for c in ALL_COUNTERS})
    )
    MonthlyStatistic.objects.bulk_create(
        (
            MonthlyStatistic(
                agency_id=row["agency_id"],
                procedure_id=row["procedure_id"],
                month=row["m"],
                **{c: row[c] for c in ALL_COUNTERS},
            )
            for row in sums.iterator(chunk_size=2000)
        ),
        batch_size=2000,
    )


@transaction.atomic  # a savepoint inside the action's transaction
def dossier_statistics_update(dossier_id: Any) -> None:
    """Bring the day rows in line with what the dossier counts for now (idempotent)."""
    old_row = (
        DossierStatistic.objects.select_for_update()
        .filter(pk=dossier_id)
        .values(*selectors.FACT_FIELDS)
        .first()
    )
    new = selectors.dossier_fact(dossier_id)
    if old_row == new:
        return
    deltas: dict[Key, dict[str, int]] = {}
    for sign, fact in ((-1, old_row), (1, new)):
        for key, counters in _contribution(fact).items():
            row = deltas.setdefault(key, {})
            for column, value in counters.items():
                row[column] = row.get(column, 0) + sign * value
    _increment(deltas)
    if new is None:
        DossierStatistic.objects.filter(pk=dossier_id).delete()
    else:
        fields = {k: v for k, v in new.items() if k != "dossier_id"}
        DossierStatistic.objects.update_or_create(dossier_id=dossier_id, defaults=fields)


def dossier_event_counted(dossier: Any, event: Any) -> None:
    """The dossier log's listener (dossiers/events.py): runs inside the action's transaction."""
    if dossier.received_at is None:
        # Not received: it counts for nothing and never has (received_at is never cleared),
        # so drafting and filing, the busiest steps, cost the statistics nothing.
        return
    dossier_statistics_update(dossier.pk)


# --- the counters that are no dossier event --------------------------------------------------


def _set_external(start: dt.date, end: dt.date) -> None:
    counts = selectors.external_counts(start, end)
    DailyStatistic.objects.filter(day__gte=start, day__lte=end).update(
        **dict.fromkeys(EXTERNAL_COUNTERS, 0)
    )
    rows = [
        DailyStatistic(agency_id=agency, procedure_id=procedure, day=day, **values)
        for (agency, procedure, day), values in counts.items()
    ]
    DailyStatistic.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["agency_id", "procedure_id", "day"],
        update_fields=list(EXTERNAL_COUNTERS),
    )


@transaction.atomic
def statistics_refresh(*, days: int = REFRESH_DAYS, today: dt.date | None = None) -> None:
    """Recompute hub sync, ratings and feedback counters of the last `days` days."""
    today = today or timezone.localdate()
    _set_external(today - dt.timedelta(days=days), today)
    months_refresh(today - dt.timedelta(days=days), today)


# --- the rebuild -----------------------------------------------------------------------------


def _fact_insert(start: dt.date | None, end: dt.date | None) -> None:
    facts = selectors.dossier_facts()
    if start is not None and end is not None:
        facts = selectors.dossiers_between(facts, start, end)
    select_sql, params = facts.query.sql_with_params()
    table = DossierStatistic._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(selectors.FACT_FIELDS)}) {select_sql}", params
        )


def _daily_insert(start: dt.date, end: dt.date) -> None:
    table = DailyStatistic._meta.db_table
    facts = DossierStatistic._meta.db_table
    columns = [c.column for c in DOSSIER_COUNTERS]
    branches = []
    for day in ("received_day", "completed_day"):
        cells = [c.sql() if c.day == day else "0" for c in DOSSIER_COUNTERS]
        branches.append(
            f"SELECT agency_id, procedure_id, {day} AS day, "  # noqa: S608
            + ", ".join(f"{cell} AS {column}" for cell, column in zip(cells, columns, strict=True))
            + f" FROM {facts} WHERE {day} >= %s AND {day} <= %s"
        )
    sums = ", ".join(f"SUM({c})" for c in columns)
    externals = ", ".join(["0"] * len(EXTERNAL_COUNTERS))
    sql = (
        f"INSERT INTO {table} (agency_id, procedure_id, day, {', '.join(columns)}, "  # noqa: S608
        f"{', '.join(EXTERNAL_COUNTERS)}) "
        f"SELECT agency_id, procedure_id, day, {sums}, {externals} "
        f"FROM ({' UNION ALL '.join(branches)}) AS parts GROUP BY agency_id, procedure_id, day"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [start, end, start, end])


@transaction.atomic
def statistics_rebuild(*, start: dt.date | None = None, end: dt.date | None = None) -> None:
    """Recompute the statistics of the days start..end (all of them when not given) from the
    dossiers, their log, payments, hub sync, ratings and feedback.

    Days whose dossiers were deleted (data retention) must be left out: their rows are the only
    record left.
    """
    if (start is None) != (end is None):
        raise ValueError("start and end go together")
    if connection.vendor == "postgresql":
        # One big query: compiling it (JIT) costs more than running it.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
    if start is None or end is None:
        DossierStatistic.objects.all().delete()
        DailyStatistic.objects.all().delete()
        MonthlyStatistic.objects.all().delete()
        _fact_insert(None, None)
        start, end = _days_held()
    else:
        DossierStatistic.objects.filter(
            Q(received_day__gte=start, received_day__lte=end)
            | Q(completed_day__gte=start, completed_day__lte=end)
        ).delete()
        DailyStatistic.objects.filter(day__gte=start, day__lte=end).delete()
        _fact_insert(start, end)
    _daily_insert(start, end)
    _set_external(start, end)
    months_refresh(start, end)
    transaction.on_commit(_cache_version_bump)


def _days_held() -> tuple[dt.date, dt.date]:
    """The first and last day anything counts on (facts, ratings, feedback), today included."""
    from django.db.models import Max, Min

    from .models import Feedback, Rating

    today = timezone.localdate()
    days = [today]
    facts = DossierStatistic.objects.aggregate(
        a=Min("received_day"), b=Max("received_day"), c=Max("completed_day")
    )
    days += [day for day in facts.values() if day is not None]
    for model, field in ((Rating, "created_at"), (Feedback, "received_at")):
        stamps = model.objects.aggregate(a=Min(field), b=Max(field))
        days += [timezone.localdate(stamp) for stamp in stamps.values() if stamp is not None]
    return min(days), max(days)


def daily_rows(
    rows: Iterable[DailyStatistic] | Iterable[MonthlyStatistic],
) -> dict[Key, dict[str, int]]:
    """The rows as {(agency, procedure, day or month): {counter: value}} without all-zero rows
    (tests compare the live tables with the rebuilt ones by it)."""
    out: dict[Key, dict[str, int]] = {}
    for row in rows:
        values = {c: getattr(row, c) for c in ALL_COUNTERS}
        when = row.day if isinstance(row, DailyStatistic) else row.month
        if any(values.values()):
            out[(row.agency_id, row.procedure_id, when)] = values
    return out
