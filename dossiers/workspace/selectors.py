"""Reads of the officials' workspace (/can-bo/): the queues, their counts and the official's
roles. Visibility is the one rule of dossiers/selectors.py (an official sees the dossiers of
their agencies and those handed over to them).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import connection
from django.db.models import F, Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from accounts.constants import StaffRoleName
from accounts.models import User
from accounts.selectors import role_pairs_for_official
from dvctt import workdays

from ..constants import ACTIVE_STATUSES, CLOCK_RUNNING_STATUSES, RESULT_STATUSES, DossierStatus
from ..models import INTER_AGENCY_Q, Dossier, DossierQuerySet
from ..selectors import _official_agency_ids, _official_visibility

QUEUES = {
    "reception": _lazy("Chờ tiếp nhận"),
    "mine": _lazy("Được giao cho tôi"),
    "approval": _lazy("Chờ phê duyệt"),
    "result": _lazy("Chờ trả kết quả"),
    "due_soon": _lazy("Sắp đến hạn"),
    "overdue": _lazy("Quá hạn"),
    "incoming": _lazy("Liên thông đến"),
    "all": _lazy("Tất cả hồ sơ"),
}


def _queue_filter(queue: str, *, user: User, ids: list[int], now: datetime) -> Q:
    # Each queue is one range of one index of Dossier.Meta (an index per queue, in the queue's
    # order): no OR across agency columns, so that a page and its count stay index scans.
    mine = Q(agency_id__in=ids)
    if queue == "reception":
        return mine & Q(status=DossierStatus.SUBMITTED)
    if queue == "mine":
        return Q(current_handler=user, status__in=ACTIVE_STATUSES) & (
            mine | Q(handling_agency_id__in=ids)
        )
    if queue == "approval":
        return Q(
            handling_agency_id__in=ids,
            status=DossierStatus.IN_PROGRESS,
            current_role=StaffRoleName.LEADER,
        )
    if queue == "result":
        return mine & Q(status__in=RESULT_STATUSES)
    # "Sắp đến hạn" and "Quá hạn" are the to-do lists of the agency that holds the dossier now
    # (handling_agency, set at reception): a dossier at agency B's step (liên thông) counts at B,
    # whose step it is to hurry, and not at the filing agency A, which waits — one dossier, one
    # agency, never counted twice. A still finds it in "Tất cả" with its overdue mark.
    held = Q(handling_agency_id__in=ids)
    if queue == "due_soon":
        # At most one working day left (docs/domain.md "Deadlines"); only a running clock has one.
        soon = workdays.add_working_hours(now, workdays.hours_per_day())
        return held & Q(status__in=CLOCK_RUNNING_STATUSES, due_at__gte=now, due_at__lte=soon)
    if queue == "overdue":
        # The one overdue rule (paused time is not the agency's).
        return held & DossierQuerySet.overdue_q(now)
    if queue == "incoming":
        # Liên thông: held by the official's agency for a step, filed at another agency.
        return INTER_AGENCY_Q & Q(handling_agency_id__in=ids) & ~mine
    # Everything filed at the official's agencies, with the counter drafts they started; the
    # dossiers other agencies hand over are in "incoming".
    return mine & (~Q(status=DossierStatus.DRAFT) | Q(created_by=user))


def official_roles(*, user: User) -> list[tuple[int, str]]:
    """Return the (agency id, role) pairs the official holds, in one query."""
    if not (user.is_authenticated and user.is_official):
        return []
    return role_pairs_for_official(user=user)


def official_default_queue(*, roles: list[tuple[int, str]]) -> str:
    """Return the queue an official starts on: the desk's intake, or their own work."""
    return "reception" if any(r == StaffRoleName.RECEPTION for _, r in roles) else "mine"


def dossiers_for_official_queue(
    *,
    user: User,
    queue: str = "all",
    q: str = "",
    procedure: str | None = None,
    status: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    agency_ids: list[int] | None = None,
) -> QuerySet[Dossier]:
    """Return one queue of the official's agencies, searched and filtered, soonest due first."""
    if not (user.is_authenticated and user.is_official):
        return Dossier.objects.none()
    ids = _official_agency_ids(user) if agency_ids is None else agency_ids
    queue = queue if queue in QUEUES else "all"
    q = (q or "").strip()
    if queue == "all" and q:
        # A search from "all" looks through every dossier the official may open, the ones
        # handed over by other agencies included; the search keeps the set small.
        scope = _official_visibility(user, ids)
    else:
        scope = _queue_filter(queue, user=user, ids=ids, now=timezone.now())
    qs = Dossier.objects.select_related("procedure", "agency", "current_handler").filter(scope)
    if q:
        if q.isdigit() and len(q) == 12:
            qs = qs.filter(applicant_id_number=q)
        elif "-" in q or (q[:1].isdigit() and "." in q):
            qs = qs.filter(code__startswith=q.upper())
        else:
            qs = qs.filter(applicant_name__icontains=q)
    if procedure:
        qs = qs.filter(procedure__code=procedure)
    if status:
        qs = qs.filter(status=status)
    if date_from:
        qs = qs.filter(submitted_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(submitted_at__date__lte=date_to)
    return qs.order_by(F("due_at").asc(nulls_last=True), "-submitted_at", "id")


def official_queue_counts(*, user: User, agency_ids: list[int] | None = None) -> dict[str, int]:
    """Return how many dossiers each queue holds (not "all"), in one query."""
    names = [name for name in QUEUES if name != "all"]
    if not (user.is_authenticated and user.is_official):
        return dict.fromkeys(names, 0)
    ids = _official_agency_ids(user) if agency_ids is None else agency_ids
    if not ids:
        # No staff role at any agency (an administrator not yet assigned): every queue is
        # empty, and `agency_id IN ()` cannot even be compiled into the statement below.
        return dict.fromkeys(names, 0)
    now = timezone.now()
    # One scalar subquery per queue in a single statement: each counts over its own index
    # (an index-only scan), where one aggregate with a FILTER per queue would read every open
    # dossier of the agency from the table.
    columns: list[str] = []
    params: list[Any] = []
    for name in names:
        rows = Dossier.objects.filter(_queue_filter(name, user=user, ids=ids, now=now))
        sql, sql_params = rows.order_by().values_list(Value(1)).query.sql_with_params()
        # Django compiled `sql` with its parameters apart; `name` is a key of QUEUES.
        columns.append(f"(SELECT COUNT(*) FROM ({sql}) AS rows_{name})")  # noqa: S608
        params.extend(sql_params)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)}", params)
        row = cursor.fetchone()
    return dict(zip(names, row, strict=True))
