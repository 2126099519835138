"""Reminders (beat): officials' daily digest, leaders' weekly summary, citizens' nudges.

Each message has a key that names its day, week or request, so a repeated run (a retried
task, two beats) sends nothing twice. The messages go through the notifications outbox.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from accounts.constants import StaffRoleName
from accounts.models import StaffRole
from accounts.selectors import staff_roles_filter
from dvctt import workdays
from notifications.services import notification_send_to_person

from ..constants import DossierStatus
from ..models import Dossier
from ..notify import applicant_context, dossier_notify_applicant, format_local

# The clock runs in these states (a supplement request pauses it: NĐ 61/2018 Điều 19.4).
RUNNING_STATUSES = (DossierStatus.RECEIVED, DossierStatus.IN_PROGRESS, DossierStatus.APPROVED)
DRAFT_REMINDER_AFTER = dt.timedelta(days=3)
SUPPLEMENT_REMINDER_AFTER = dt.timedelta(days=3)
DIGEST_LIST_LIMIT = 50


def _row(dossier: Dossier) -> dict:
    return {
        "code": dossier.code,
        "procedure": dossier.procedure.name[:120],
        "due_at": format_local(dossier.due_at),
    }


def _each_active_person_once(roles: Iterable[StaffRole]) -> Iterator[StaffRole]:
    """Yield one role per active person and agency (a person may hold several roles there)."""
    seen: set[tuple[int, int]] = set()
    for role in roles:
        if (role.user_id, role.agency_id) in seen or not role.user.is_active:
            continue
        seen.add((role.user_id, role.agency_id))
        yield role


def _notify_staff(role: StaffRole, *, key: str, template: str, context: dict[str, Any]) -> None:
    """Send a message about the officials' workspace to the person holding the role."""
    notification_send_to_person(
        key=key,
        recipient_id=role.user_id,
        email=role.user.email,
        template=template,
        context={"name": role.user.get_full_name(), **context},
        link="/can-bo/",
    )


def officials_daily_digest(*, now: dt.datetime | None = None) -> int:
    """Send each official the agency's dossiers due within one working day and overdue."""
    now = now or timezone.now()
    horizon = workdays.add_working_hours(now, workdays.hours_per_day())
    running = (
        Dossier.objects.filter(status__in=RUNNING_STATUSES, due_at__lte=horizon)
        .select_related("procedure")
        .order_by("due_at")
    )
    by_agency: dict[int, dict[str, list[dict]]] = defaultdict(lambda: {"due": [], "overdue": []})
    for dossier in running:
        bucket = "overdue" if dossier.due_at is not None and dossier.due_at < now else "due"
        # Like the "Sắp đến hạn" / "Quá hạn" queues: the agency holding the dossier now (a
        # liên thông step at agency B is B's to hurry); before reception, the filing agency.
        by_agency[dossier.handling_agency_id or dossier.agency_id][bucket].append(_row(dossier))
    if not by_agency:
        return 0
    day = timezone.localtime(now, workdays.VN_TZ).date()
    sent = 0
    roles = (
        staff_roles_filter(agency_ids=by_agency)
        .select_related("user")
        .order_by("user_id", "agency_id")
    )
    for role in _each_active_person_once(roles):
        lists = by_agency[role.agency_id]
        _notify_staff(
            role,
            key=f"reminder:digest:{role.agency_id}:{role.user_id}:{day.isoformat()}",
            template="official_digest",
            context={
                "day": day.strftime("%d/%m/%Y"),
                "due": lists["due"][:DIGEST_LIST_LIMIT],
                "overdue": lists["overdue"][:DIGEST_LIST_LIMIT],
                "due_count": len(lists["due"]),
                "overdue_count": len(lists["overdue"]),
            },
        )
        sent += 1
    return sent


def leaders_weekly_summary(*, now: dt.datetime | None = None) -> int:
    """Send each leader the past week's figures of their agency."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=7)
    week = timezone.localtime(now, workdays.VN_TZ).isocalendar()
    sent = 0
    roles = staff_roles_filter(roles=[StaffRoleName.LEADER]).select_related("user", "agency")
    for role in _each_active_person_once(roles):
        agency_dossiers = Dossier.objects.filter(agency_id=role.agency_id)
        open_q = Q(status__in=[*RUNNING_STATUSES, DossierStatus.SUPPLEMENT_REQUESTED])
        _notify_staff(
            role,
            key=f"reminder:weekly:{role.agency_id}:{role.user_id}:{week.year}-W{week.week}",
            template="leader_weekly",
            context={
                "agency": role.agency.name,
                "since": timezone.localtime(since, workdays.VN_TZ).strftime("%d/%m/%Y"),
                "until": timezone.localtime(now, workdays.VN_TZ).strftime("%d/%m/%Y"),
                "received": agency_dossiers.filter(received_at__gte=since).count(),
                "completed": agency_dossiers.filter(completed_at__gte=since).count(),
                "open": agency_dossiers.filter(open_q).count(),
                "overdue": agency_dossiers.filter(
                    status__in=RUNNING_STATUSES, due_at__lt=now
                ).count(),
            },
        )
        sent += 1
    return sent


def citizens_reminders(*, now: dt.datetime | None = None) -> int:
    """Remind citizens of drafts left for 3 days and of supplement requests left unanswered."""
    now = now or timezone.now()
    sent = 0
    drafts = Dossier.objects.filter(
        status=DossierStatus.DRAFT, updated_at__lte=now - DRAFT_REMINDER_AFTER
    ).select_related("procedure", "agency")
    for dossier in drafts:
        dossier_notify_applicant(
            dossier,
            key=f"reminder:draft:{dossier.pk}",  # once per draft
            template="draft_reminder",
            context=applicant_context(dossier, count=1, drafts=[dossier.procedure.name[:200]]),
        )
        sent += 1
    waiting = Dossier.objects.filter(
        status=DossierStatus.SUPPLEMENT_REQUESTED,
        paused_since__lte=now - SUPPLEMENT_REMINDER_AFTER,
    ).select_related("procedure", "agency")
    for dossier in waiting:
        dossier_notify_applicant(
            dossier,
            key=f"reminder:supplement:{dossier.pk}:{dossier.supplement_count}",  # once a request
            template="supplement_reminder",
            context=applicant_context(dossier, since=format_local(dossier.paused_since)),
        )
        sent += 1
    return sent


@shared_task(name="dossiers.reminders.officials_daily_digest")
def officials_daily_digest_task() -> int:
    """Send officials their daily digest."""
    # idempotency: one key per official, agency and day.
    return officials_daily_digest()


@shared_task(name="dossiers.reminders.leaders_weekly_summary")
def leaders_weekly_summary_task() -> int:
    """Send leaders their weekly summary."""
    # idempotency: one key per leader, agency and ISO week.
    return leaders_weekly_summary()


@shared_task(name="dossiers.reminders.citizens_reminders")
def citizens_reminders_task() -> int:
    """Send citizens their draft and supplement reminders."""
    # idempotency: one key per draft, and per supplement request.
    return citizens_reminders()
