"""Reads of service quality for pages and the API: ratings, feedback and its log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import agency_ids_for_official
from dossiers import selectors as dossier_selectors
from dossiers.models import Dossier
from dvctt.errors import NotFound
from procedures.text import fold

from .constants import FEEDBACK_OPEN_STATUSES, FeedbackStatus
from .models import Feedback, FeedbackEvent, Rating

FEEDBACK_QUEUES = ("open", "overdue", "answered", "closed", "all")


def official_agency_ids(*, user: User) -> list[int]:
    """Return the agencies where the official holds a role (none for anyone else)."""
    if not (user.is_authenticated and user.is_official):
        return []
    return sorted(agency_ids_for_official(user=user))


def rating_for_dossier(*, dossier: Dossier) -> Rating | None:
    """Return the dossier's rating, if its owner gave one."""
    return Rating.objects.filter(dossier_id=dossier.pk).first()


def rating_dossier_for_owner(*, user: User, dossier_id: Any) -> Dossier:
    """Return the citizen's own dossier to rate (NotFound for anyone else: the one gate)."""
    return dossier_selectors.dossier_get_for_citizen(user=user, dossier_id=dossier_id)


def ratings_for_official(*, user: User, score: int | None = None) -> QuerySet[Rating]:
    """Return the ratings of the official's agencies, newest first."""
    ids = official_agency_ids(user=user)
    qs = Rating.objects.filter(agency_id__in=ids).select_related("dossier", "procedure", "agency")
    if score:
        qs = qs.filter(score=score)
    return qs.order_by("-created_at", "-pk")


def feedback_get_public(*, code: str) -> Feedback:
    """Return a feedback by its code, for whoever holds the code (the page shows no sender)."""
    code = (code or "").strip().upper()
    feedback = (
        Feedback.objects.select_related("agency", "procedure").filter(code=code).first()
        if code
        else None
    )
    if feedback is None:
        raise NotFound(_("Không tìm thấy phản ánh, kiến nghị có mã này."))
    return feedback


def feedback_published(*, q: str = "") -> QuerySet[Feedback]:
    """Return the published answers, newest first; `q` matches words without diacritics."""
    qs = Feedback.objects.filter(status=FeedbackStatus.PUBLISHED).select_related(
        "agency", "procedure"
    )
    for word in fold(q).split()[:10]:
        qs = qs.filter(search_text__contains=word)
    return qs.order_by("-published_at", "-pk")


def feedback_for_official(
    *,
    user: User,
    queue: str = "open",
    now: dt.datetime | None = None,
    agency_ids: list[int] | None = None,
) -> QuerySet[Feedback]:
    """Return a queue of the feedback addressed to the official's agencies, soonest due first."""
    now = now or timezone.now()
    ids = official_agency_ids(user=user) if agency_ids is None else agency_ids
    qs = Feedback.objects.filter(agency_id__in=ids).select_related("agency", "procedure")
    if queue == "open":
        qs = qs.filter(status__in=FEEDBACK_OPEN_STATUSES)
    elif queue == "overdue":
        qs = qs.filter(status__in=FEEDBACK_OPEN_STATUSES, due_at__lt=now)
    elif queue == "answered":
        qs = qs.filter(status=FeedbackStatus.ANSWERED)
    elif queue == "closed":
        qs = qs.filter(status__in=(FeedbackStatus.REFUSED, FeedbackStatus.PUBLISHED))
        return qs.order_by("-received_at", "-pk")
    elif queue == "all":
        return qs.order_by("-received_at", "-pk")
    return qs.order_by("due_at", "pk")


def feedback_queue_counts(
    *, user: User, now: dt.datetime | None = None, agency_ids: list[int] | None = None
) -> dict[str, int]:
    """Return the number of open and overdue feedback of the official's agencies (one query)."""
    now = now or timezone.now()
    ids = official_agency_ids(user=user) if agency_ids is None else agency_ids
    open_q = Q(status__in=FEEDBACK_OPEN_STATUSES)
    counts = Feedback.objects.filter(agency_id__in=ids).aggregate(
        open=Count("pk", filter=open_q),
        overdue=Count("pk", filter=open_q & Q(due_at__lt=now)),
    )
    return {k: int(v or 0) for k, v in counts.items()}


def feedback_get_for_official(*, user: User, code: str) -> Feedback:
    """Return a feedback addressed to one of the official's agencies, or raise NotFound."""
    feedback = (
        Feedback.objects.select_related("agency", "procedure", "sender")
        .filter(code=(code or "").strip().upper(), agency_id__in=official_agency_ids(user=user))
        .first()
    )
    if feedback is None:
        raise NotFound(_("Không tìm thấy phản ánh, kiến nghị."))
    return feedback


def feedback_events(*, feedback: Feedback) -> list[FeedbackEvent]:
    """Return the feedback's log, oldest first, with who did each step."""
    return list(feedback.events.select_related("actor").order_by("at", "pk"))


def feedback_due_soon(*, before: dt.datetime) -> QuerySet[Feedback]:
    """Return the open feedback whose current step is due before `before` (or already late)."""
    return Feedback.objects.filter(status__in=FEEDBACK_OPEN_STATUSES, due_at__lte=before).order_by(
        "due_at", "pk"
    )
