"""Reads of service quality: what a dossier counts for, the sources of the task's counters, and
the sums of the statistics table the indicators are computed from.

`reports` reads everything and nothing imports it (docs/design.md, apps and arrows); the
querysets of other apps' rows are built here, read-only.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from accounts.constants import IdentitySource
from accounts.models import Agency
from dossiers.constants import DocumentKind, DossierStatus
from dossiers.models import Attachment, Dossier, DossierDocument
from integrations.constants import OutboxStatus
from integrations.models import HubOutboxEvent
from payments.constants import PaymentMethod, PaymentStatus
from payments.models import Payment

from .constants import FeedbackStatus
from .models import DailyStatistic, Feedback, MonthlyStatistic, Rating

FINISHED_STATUSES = (DossierStatus.RESULT_ISSUED, DossierStatus.RETURNED)
FEEDBACK_SETTLED = (FeedbackStatus.REFUSED, FeedbackStatus.ANSWERED, FeedbackStatus.PUBLISHED)

# The columns of DossierStatistic, in the order the fact queryset selects them.
FACT_FIELDS = (
    "dossier_id",
    "agency_id",
    "procedure_id",
    "online",
    "received_day",
    "completed_day",
    "finished",
    "on_time",
    "apology",
    "withdrawn",
    "digitised",
    "reused",
    "vneid",
    "fee_bearing",
    "paid_online",
)


def local_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local_day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=local_zone())


def _flag(condition: Any) -> Case:
    return Case(When(condition, then=Value(True)), default=Value(False))


def dossier_facts() -> QuerySet[Dossier]:
    """What each dossier counts for (one row per dossier, named as DossierStatistic's fields).

    The live listener reads it for one dossier, the rebuild for a range: one definition, so the
    two cannot disagree.
    """
    zone = local_zone()
    current = Attachment.objects.filter(dossier=OuterRef("pk"), is_current=True)
    paid_online = Payment.objects.filter(
        dossier=OuterRef("pk"),
        method=PaymentMethod.ONLINE,
        status__in=(PaymentStatus.PAID, PaymentStatus.REFUNDED),
    )
    finished = Q(status__in=FINISHED_STATUSES)
    annotations: dict[str, Any] = {
        "s_dossier_id": F("id"),
        "s_agency_id": F("agency_id"),
        "s_procedure_id": F("procedure_id"),
        "s_online": _flag(Q(channel="online")),
        "s_received_day": TruncDate("received_at", tzinfo=zone),
        "s_completed_day": Case(When(finished, then=TruncDate("completed_at", tzinfo=zone))),
        "s_finished": _flag(finished),
        "s_on_time": _flag(finished & Q(on_time=True)),
        "s_apology": _flag(Q(apology_count__gt=0)),
        "s_withdrawn": _flag(Q(status=DossierStatus.WITHDRAWN)),
        # Digitised: every component the dossier holds is a file (none handed in on paper).
        "s_digitised": _flag(Exists(current) & ~Exists(current.filter(digitised=False))),
        "s_reused": _flag(Exists(current.filter(reused=True))),
        "s_vneid": _flag(Q(applicant__identity_verified_via=IdentitySource.SSO)),
        "s_fee_bearing": _flag(Q(fee_amount__gt=0)),
        "s_paid_online": _flag(Q(fee_amount__gt=0) & Exists(paid_online)),
    }
    facts: QuerySet[Dossier] = (
        Dossier.objects.exclude(status=DossierStatus.DRAFT)
        .filter(received_at__isnull=False)
        .order_by()
        .annotate(**annotations)
        .values(*annotations)
    )
    return facts


def dossier_fact(dossier_id: Any) -> dict[str, Any] | None:
    """What one dossier counts for now, or None when it counts for nothing (not received)."""
    row: dict[str, Any] | None = dossier_facts().filter(pk=dossier_id).first()  # type: ignore[assignment]
    if row is None:
        return None
    return {name: row[f"s_{name}"] for name in FACT_FIELDS}


def dossiers_between(facts: QuerySet[Dossier], start: dt.date, end: dt.date) -> QuerySet[Dossier]:
    """The dossiers received or finished on the days start..end (local time)."""
    low, high = local_day_start(start), local_day_start(end + dt.timedelta(days=1))
    return facts.filter(
        Q(received_at__gte=low, received_at__lt=high)
        | Q(completed_at__gte=low, completed_at__lt=high)
    )


# --- the task's counters: what is not a dossier event ----------------------------------------


def _by_day(queryset: QuerySet[Any], stamp: str, **counts: Any) -> Iterable[dict[str, Any]]:
    zone = local_zone()
    rows: Iterable[dict[str, Any]] = (
        queryset.order_by()
        .annotate(s_day=TruncDate(stamp, tzinfo=zone))
        .values("agency_id", "s_day", s_procedure=Coalesce("procedure_id", Value(0)))
        .annotate(**counts)
    )
    return rows


def external_counts(start: dt.date, end: dt.date) -> dict[tuple[int, int, dt.date], dict[str, int]]:
    """Counters not kept by dossier events — hub sync, ratings, feedback — for days start..end,
    keyed by (agency, procedure, day)."""
    low, high = local_day_start(start), local_day_start(end + dt.timedelta(days=1))
    now = timezone.now()
    out: dict[tuple[int, int, dt.date], dict[str, int]] = {}

    def add(rows: Iterable[dict[str, Any]], names: Iterable[str]) -> None:
        for row in rows:
            key = (row["agency_id"], row["s_procedure"], row["s_day"])
            counters = out.setdefault(key, {})
            for name in names:
                counters[name] = counters.get(name, 0) + (row[name] or 0)

    # Synced: the national portal holds the dossier's latest status (every event delivered).
    outbox = HubOutboxEvent.objects.filter(dossier_code=OuterRef("code"))
    synced = Dossier.objects.filter(
        received_at__gte=low, received_at__lt=high, code__isnull=False
    ).filter(
        Exists(outbox.filter(status=OutboxStatus.DELIVERED))
        & ~Exists(outbox.exclude(status=OutboxStatus.DELIVERED))
    )
    add(_by_day(synced, "received_at", synced=Count("pk")), ["synced"])
    e_result = DossierDocument.objects.filter(dossier=OuterRef("pk"), kind=DocumentKind.RESULT)
    finished = Dossier.objects.filter(
        status__in=FINISHED_STATUSES, completed_at__gte=low, completed_at__lt=high
    ).filter(Exists(e_result))
    add(_by_day(finished, "completed_at", finished_e_result=Count("pk")), ["finished_e_result"])
    ratings = Rating.objects.filter(created_at__gte=low, created_at__lt=high)
    add(
        _by_day(
            ratings,
            "created_at",
            rated=Count("pk"),
            rated_satisfied=Count("pk", filter=Q(score__gte=4)),
            rated_dissatisfied=Count("pk", filter=Q(score__lte=2)),
        ),
        ["rated", "rated_satisfied", "rated_dissatisfied"],
    )
    settled = Q(status__in=FEEDBACK_SETTLED)
    in_time = settled & (Q(answered_at__isnull=True) | Q(answered_at__lte=F("due_at")))
    feedback = Feedback.objects.filter(received_at__gte=low, received_at__lt=high)
    add(
        _by_day(
            feedback,
            "received_at",
            feedback_received=Count("pk"),
            feedback_complaints=Count("pk", filter=~Q(dossier_code="")),
            feedback_due=Count("pk", filter=settled | Q(due_at__lt=now)),
            feedback_on_time=Count("pk", filter=in_time),
            feedback_answered=Count(
                "pk", filter=Q(status__in=(FeedbackStatus.ANSWERED, FeedbackStatus.PUBLISHED))
            ),
            feedback_published=Count("pk", filter=Q(status=FeedbackStatus.PUBLISHED)),
        ),
        [
            "feedback_received",
            "feedback_complaints",
            "feedback_due",
            "feedback_on_time",
            "feedback_answered",
            "feedback_published",
        ],
    )
    return out


# --- the sums the indicators read --------------------------------------------------------------


def _whole_months(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date] | None:
    """The first days of the first and last month lying wholly within start..end, if any."""
    if start.day == 1:
        first = start
    else:
        first = (start.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    after_end = end + dt.timedelta(days=1)
    last = (after_end.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    return (first, last) if first <= last else None


COUNTER_NAMES = frozenset(
    f.name
    for f in DailyStatistic._meta.concrete_fields
    if f.name not in ("id", "agency_id", "procedure_id", "day")
)


def statistics_sums(
    *,
    start: dt.date,
    end: dt.date,
    counters: Iterable[str],
    agency_id: int | None = None,
    procedure_id: int | None = None,
) -> dict[str, int]:
    """The sum of each counter over the period, in one query: its whole months from the month
    rows, the days before and after them from the day rows (0 when there is nothing).

    Plain SQL: the ORM spends longer building two dozen Sum() expressions than the database
    spends summing a year of a province.
    """
    names = list(counters)
    if not names or not set(names) <= COUNTER_NAMES:
        raise ValueError(f"unknown counters: {set(names) - COUNTER_NAMES}")
    scope_sql = ""
    scope: list[Any] = []
    if agency_id is not None:
        scope_sql += " AND agency_id = %s"
        scope.append(agency_id)
    if procedure_id is not None:
        scope_sql += " AND procedure_id = %s"
        scope.append(procedure_id)
    columns = ", ".join(names)
    daily = DailyStatistic._meta.db_table
    monthly = MonthlyStatistic._meta.db_table
    months = _whole_months(start, end)
    if months is None:
        where = f"day >= %s AND day <= %s{scope_sql}"
        parts = [f"SELECT {columns} FROM {daily} WHERE {where}"]  # noqa: S608
        params: list[Any] = [start, end, *scope]
    else:
        first, last = months
        after_last = (last + dt.timedelta(days=32)).replace(day=1)
        parts = [
            f"SELECT {columns} FROM {monthly} WHERE month >= %s AND month <= %s"  # noqa: S608
            + scope_sql,
            f"SELECT {columns} FROM {daily} WHERE ((day >= %s AND day < %s) "  # noqa: S608
            + f"OR (day >= %s AND day <= %s)){scope_sql}",
        ]
        params = [first, last, *scope, start, first, after_last, end, *scope]
    sums = ", ".join(f"COALESCE(SUM({name}), 0)" for name in names)
    # Names are model fields checked above; values go as parameters.
    sql = f"SELECT {sums} FROM ({' UNION ALL '.join(parts)}) AS parts"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return {name: int(value) for name, value in zip(names, row, strict=True)}


def agencies_named(ids: Iterable[int]) -> dict[int, str]:
    return dict(Agency.objects.filter(pk__in=list(ids)).values_list("pk", "name"))


def monthly_sums_by(
    *, start: dt.date, end: dt.date, counters: Iterable[str], by: str
) -> list[dict[str, Any]]:
    """Sums of the month rows of the months start..end per agency (`by="agency"`) or per month
    (`by="month"`), one query; the public page reads whole months only."""
    key = "agency_id" if by == "agency" else "month"
    rows = (
        MonthlyStatistic.objects.filter(month__gte=start.replace(day=1), month__lte=end)
        .order_by()
        .values(key)
        .annotate(**{name: Sum(name) for name in counters})
        .order_by(key)
    )
    return [{"key": row.pop(key), **row} for row in rows]


# --- the dossiers behind a number (the officials' dashboard) ---------------------------------

DRILL_DOWNS = ("tre-han", "chua-danh-gia", "khong-hai-long")


def dossiers_behind(
    *, user: Any, agency_id: int, kind: str, start: dt.date, end: dt.date
) -> QuerySet[Dossier]:
    """The dossiers behind a figure of the dashboard, through the officials' access gate
    (dossiers.selectors.dossiers_for_official): the late ones finished in the period, the
    finished ones nobody rated, the ones rated "dissatisfied" or worse."""
    from dossiers.selectors import dossiers_for_official

    low, high = local_day_start(start), local_day_start(end + dt.timedelta(days=1))
    finished = Q(status__in=FINISHED_STATUSES, completed_at__gte=low, completed_at__lt=high)
    qs = dossiers_for_official(user=user).filter(agency_id=agency_id)
    if kind == "tre-han":
        qs = qs.filter(finished, on_time=False)
    elif kind == "chua-danh-gia":
        qs = qs.filter(finished, rating__isnull=True)
    elif kind == "khong-hai-long":
        qs = qs.filter(finished, rating__score__lte=2)
    else:
        return qs.none()
    return qs.select_related("procedure", "agency", "current_handler").order_by(
        "-completed_at", "id"
    )
