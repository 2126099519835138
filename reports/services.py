"""Writes of service quality: a dossier's rating, and feedback (PAKN) from receipt to publication.

Each write is one transaction: the change, its log row (FeedbackEvent) and the messages it
sends (notification rows, delivered after the commit by the notifications outbox) commit
together or not at all.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.constants import StaffRoleName
from accounts.models import Agency, User
from accounts.selectors import agency_ids_for_official, staff_roles_filter
from dossiers import selectors as dossier_selectors
from dossiers.constants import DossierStatus
from dossiers.models import Dossier
from dvctt import workdays
from dvctt.errors import Conflict, Forbidden, InvalidInput, NotFound
from notifications.services import notification_send_to_person
from procedures.models import Procedure
from procedures.text import fold

from .constants import (
    FEEDBACK_ANSWER_DAYS,
    FEEDBACK_EVENT_SUBMIT,
    FEEDBACK_PUBLISH_DAYS,
    FEEDBACK_REFUSE_DAYS,
    FEEDBACK_REQUEST_INFO_DAYS,
    LOW_RATING_MAX,
    RATING_CRITERIA,
    RATING_CRITERION_POINTS,
    FeedbackAction,
    FeedbackStatus,
    RatingScore,
)
from .models import Feedback, FeedbackEvent, Rating

# A dossier may be rated once its result exists (TT 01/2018/TT-VPCP Điều 13: the applicant
# rates the handling of a settled dossier).
RATABLE_STATUSES = (DossierStatus.RESULT_ISSUED, DossierStatus.RETURNED)
COMMENT_MAX_LENGTH = 2000


class AlreadyRated(Conflict):
    code = "already_rated"
    default_message = _lazy("Hồ sơ này đã được đánh giá.")


class NotRatable(Conflict):
    code = "not_ratable"
    default_message = _lazy("Chỉ đánh giá được hồ sơ đã có kết quả giải quyết.")


class FeedbackInvalidTransition(Conflict):
    code = "invalid_transition"


# ---------------------------------------------------------------------------------------------
# Ratings


def rating_clean_criteria(criteria: object) -> dict[str, int]:
    """Return the criteria as {code: points}, or raise InvalidInput naming what is wrong."""
    if criteria is None or criteria == {}:
        return {}
    if not isinstance(criteria, dict):
        raise InvalidInput(fields={"criteria": [_("Tiêu chí phải là một đối tượng JSON.")]})
    errors: list[str] = []
    cleaned: dict[str, int] = {}
    for key, value in criteria.items():
        if key not in RATING_CRITERIA:
            errors.append(_("Không có tiêu chí “%(code)s”.") % {"code": str(key)[:50]})
            continue
        if value in (None, ""):
            continue  # a criterion left unanswered
        if isinstance(value, bool) or not isinstance(value, int | str):
            errors.append(_("Điểm của tiêu chí “%(code)s” phải là 0, 1 hoặc 2.") % {"code": key})
            continue
        try:
            points = int(value)
        except ValueError:
            points = -1
        if points not in RATING_CRITERION_POINTS:
            errors.append(_("Điểm của tiêu chí “%(code)s” phải là 0, 1 hoặc 2.") % {"code": key})
            continue
        cleaned[key] = points
    if errors:
        raise InvalidInput(fields={"criteria": errors})
    return cleaned


def _rating_clean_score(score: object) -> int:
    if isinstance(score, bool) or not isinstance(score, int) or score not in RatingScore.values:
        raise InvalidInput(fields={"score": [_("Mức hài lòng phải là một số từ 1 đến 5.")]})
    return score


@transaction.atomic
def rating_create(
    *,
    actor: User,
    dossier_id: Any,
    score: object,
    criteria: object = None,
    comment: str = "",
) -> Rating:
    """Record the owner's one rating of a dossier whose result is issued or returned."""
    dossier = dossier_selectors.dossier_get_for_citizen(user=actor, dossier_id=dossier_id)
    clean_score = _rating_clean_score(score)
    clean_criteria = rating_clean_criteria(criteria)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise InvalidInput(
            fields={"comment": [_("Ý kiến tối đa %(n)s ký tự.") % {"n": COMMENT_MAX_LENGTH}]}
        )
    if Rating.objects.filter(dossier_id=dossier.pk).exists():
        raise AlreadyRated(_("Hồ sơ này đã được đánh giá."))
    if dossier.status not in RATABLE_STATUSES:
        raise NotRatable(_("Chỉ đánh giá được hồ sơ đã có kết quả giải quyết."))
    try:
        # Two submissions at once: the one-to-one key lets one in, the other is already_rated.
        with transaction.atomic():
            rating = Rating.objects.create(
                dossier=dossier,
                agency_id=dossier.agency_id,
                procedure_id=dossier.procedure_id,
                score=clean_score,
                criteria=clean_criteria,
                comment=comment,
                rated_by=actor,
            )
    except IntegrityError as exc:
        raise AlreadyRated(_("Hồ sơ này đã được đánh giá.")) from exc
    if clean_score <= LOW_RATING_MAX:
        _rating_tell_leaders(rating, dossier_code=dossier.code or "")
    return rating


def _rating_tell_leaders(rating: Rating, *, dossier_code: str) -> None:
    """Tell the agency's leaders of a low rating (their inbox, e-mail as they chose)."""
    roles = (
        staff_roles_filter(agency_ids=[rating.agency_id], roles=[StaffRoleName.LEADER], active=True)
        .select_related("user")
        .order_by("user_id")
    )
    leaders = {role.user_id: role.user for role in roles}  # a person may hold several roles
    with translation.override("vi"):
        label = str(RatingScore(rating.score).label)
        subject = _("Đánh giá không hài lòng: hồ sơ %(code)s") % {"code": dossier_code}
        link = reverse("reports:official_ratings") + f"?score={rating.score}"
        for user_id, user in leaders.items():
            body = render_to_string(
                "reports/email/low_rating.txt",
                {
                    "name": user.get_full_name(),
                    "code": dossier_code,
                    "score": label,
                    "comment": rating.comment,
                    "link": settings.PUBLIC_BASE_URL + link,
                },
            ).strip()
            notification_send_to_person(
                key=f"rating:low:{rating.pk}:{user_id}",
                recipient_id=user_id,
                email=user.email,
                subject=subject,
                body=body,
                link=link,
            )


# ---------------------------------------------------------------------------------------------
# Feedback (PAKN)


def feedback_deadline(start: dt.datetime, days: int) -> dt.datetime:
    """Return the end of `days` working days from `start` (holidays and Tết skipped)."""
    return workdays.due_at(start, days)


def feedback_deadlines(received_at: dt.datetime) -> dict[str, dt.datetime]:
    """Return the deadlines counted from receipt: refuse, request information, answer."""
    return {
        FeedbackAction.REFUSE: feedback_deadline(received_at, FEEDBACK_REFUSE_DAYS),
        FeedbackAction.REQUEST_INFO: feedback_deadline(received_at, FEEDBACK_REQUEST_INFO_DAYS),
        FeedbackAction.ANSWER: feedback_deadline(received_at, FEEDBACK_ANSWER_DAYS),
    }


_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone


def _new_code(now: dt.datetime) -> str:
    day = timezone.localtime(now, workdays.VN_TZ).strftime("%y%m%d")
    tail = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))
    return f"PAKN-{day}-{tail}"


def _top_agency() -> Agency | None:
    top = Agency.objects.filter(is_active=True, parent__isnull=True)
    return (
        top.filter(level="province").order_by("code").first()
        or top.order_by("code").first()
        or Agency.objects.filter(is_active=True).order_by("code").first()
    )


def feedback_addressed_agency(
    *, procedure: Procedure | None, agency: Agency | None, dossier_code: str
) -> Agency:
    """Return who must handle a feedback: the dossier's agency, else the procedure's (the
    chosen one if it settles the procedure), else the chosen agency, else the province's top
    agency."""
    if dossier_code:
        dossier_agency = (
            Dossier.objects.filter(code=dossier_code).values_list("agency_id", flat=True).first()
        )
        if dossier_agency is not None:
            return Agency.objects.get(pk=dossier_agency)
    if procedure is not None:
        settling = procedure.agencies.filter(is_active=True).order_by("code")
        if agency is not None and settling.filter(pk=agency.pk).exists():
            return agency
        first = settling.first()
        if first is not None:
            return first
    if agency is not None:
        return agency
    top = _top_agency()
    if top is None:
        raise InvalidInput(_("Chưa có cơ quan nào tiếp nhận phản ánh, kiến nghị."))
    return top


def _search_text(feedback: Feedback) -> str:
    return fold(" ".join([feedback.code, feedback.title, feedback.content, feedback.answer]))


@transaction.atomic
def feedback_submit(
    *,
    actor: User | None,
    title: str,
    content: str,
    name: str,
    email: str = "",
    phone: str = "",
    procedure_code: str = "",
    agency_code: str = "",
    dossier_code: str = "",
    now: dt.datetime | None = None,
) -> Feedback:
    """Receive a feedback, address it to an agency and start its deadlines."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    for field, value in (("title", title), ("content", content), ("name", name)):
        if not (value or "").strip():
            errors[field] = [_("Vui lòng nhập trường này.")]
    procedure = agency = None
    if procedure_code:
        procedure = Procedure.objects.filter(code=procedure_code.strip()).first()
        if procedure is None:
            errors["procedure"] = [_("Không có thủ tục mã này.")]
    if agency_code:
        agency = Agency.objects.filter(code=agency_code.strip(), is_active=True).first()
        if agency is None:
            errors["agency"] = [_("Không có cơ quan mã này.")]
    if errors:
        raise InvalidInput(fields=errors)
    addressed = feedback_addressed_agency(
        procedure=procedure, agency=agency, dossier_code=dossier_code.strip()
    )
    deadlines = feedback_deadlines(now)
    signed_in = actor is not None and actor.is_authenticated
    feedback = Feedback(
        title=title.strip(),
        content=content.strip(),
        name=name.strip(),
        email=(email or "").strip(),
        phone=(phone or "").strip(),
        sender=actor if signed_in else None,
        agency=addressed,
        procedure=procedure,
        dossier_code=(dossier_code or "").strip(),
        status=FeedbackStatus.RECEIVED,
        received_at=now,
        # The first step: decide to handle it or refuse it (≤ 2 working days).
        due_at=deadlines[FeedbackAction.REFUSE],
        answer_due_at=deadlines[FeedbackAction.ANSWER],
    )
    for _attempt in range(5):
        feedback.code = _new_code(now)
        try:
            with transaction.atomic():
                feedback.save()
            break
        except IntegrityError:
            feedback.pk = None  # a code already taken (one in a billion): draw another
    else:  # pragma: no cover - five collisions in a row
        raise Conflict(_("Không tạo được mã phản ánh, vui lòng thử lại."))
    FeedbackEvent.objects.create(
        feedback=feedback,
        action=FEEDBACK_EVENT_SUBMIT,
        from_status="",
        to_status=feedback.status,
        actor=feedback.sender,
        due_at=feedback.due_at,
        at=now,
    )
    return feedback


# Which statuses each action leaves from, and where it goes.
FEEDBACK_TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    FeedbackAction.ACCEPT: ((FeedbackStatus.RECEIVED,), FeedbackStatus.ACCEPTED),
    FeedbackAction.REFUSE: (
        (FeedbackStatus.RECEIVED, FeedbackStatus.ACCEPTED, FeedbackStatus.INFO_REQUESTED),
        FeedbackStatus.REFUSED,
    ),
    FeedbackAction.REQUEST_INFO: (
        (FeedbackStatus.RECEIVED, FeedbackStatus.ACCEPTED),
        FeedbackStatus.INFO_REQUESTED,
    ),
    FeedbackAction.ANSWER: (
        (FeedbackStatus.RECEIVED, FeedbackStatus.ACCEPTED, FeedbackStatus.INFO_REQUESTED),
        FeedbackStatus.ANSWERED,
    ),
    FeedbackAction.PUBLISH: ((FeedbackStatus.ANSWERED,), FeedbackStatus.PUBLISHED),
}
TEXT_MAX_LENGTH = 10_000


def feedback_available_actions(feedback: Feedback) -> list[str]:
    """Return the actions that may run on the feedback in its status, in the usual order."""
    return [a for a, (sources, _t) in FEEDBACK_TRANSITIONS.items() if feedback.status in sources]


def feedback_may_handle(*, user: User, feedback: Feedback) -> bool:
    """Tell whether the user is an official of the feedback's addressed agency."""
    return bool(
        user.is_authenticated
        and user.is_official
        and feedback.agency_id in agency_ids_for_official(user=user)
    )


def _required_text(data: dict[str, Any], field: str, message: str) -> str:
    value = data.get(field)
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise InvalidInput(message, fields={field: [message]})
    if len(text) > TEXT_MAX_LENGTH:
        message = _("Tối đa %(n)s ký tự.") % {"n": TEXT_MAX_LENGTH}
        raise InvalidInput(message, fields={field: [message]})
    return text


@transaction.atomic
def feedback_run_action(
    *,
    actor: User,
    code: str,
    action: str,
    data: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> Feedback:
    """Run one official's action on a feedback, log it and move its deadline."""
    data = data or {}
    now = now or timezone.now()
    if action not in FEEDBACK_TRANSITIONS:
        raise NotFound(_("Không có thao tác này."))
    feedback = Feedback.objects.select_for_update().filter(code=code).first()
    if feedback is None:
        raise NotFound(_("Không tìm thấy phản ánh, kiến nghị."))
    if not feedback_may_handle(user=actor, feedback=feedback):
        raise Forbidden(_("Chỉ cán bộ của cơ quan tiếp nhận mới xử lý được phản ánh này."))
    sources, target = FEEDBACK_TRANSITIONS[action]
    if feedback.status not in sources:
        raise FeedbackInvalidTransition(
            _("Không thể thực hiện thao tác này khi phản ánh ở trạng thái “%(status)s”.")
            % {"status": feedback.get_status_display()}
        )
    note = data.get("note") if isinstance(data.get("note"), str) else ""
    note = (note or "").strip()[:TEXT_MAX_LENGTH]
    from_status = feedback.status
    answer_due = feedback.answer_due_at or feedback_deadline(
        feedback.received_at, FEEDBACK_ANSWER_DAYS
    )
    if action == FeedbackAction.ACCEPT:
        feedback.due_at = answer_due
    elif action in (FeedbackAction.REFUSE, FeedbackAction.REQUEST_INFO):
        feedback.reason = _required_text(data, "reason", _("Vui lòng nêu lý do."))
        note = note or feedback.reason
        feedback.due_at = answer_due if action == FeedbackAction.REQUEST_INFO else feedback.due_at
    elif action == FeedbackAction.ANSWER:
        feedback.answer = _required_text(data, "answer", _("Vui lòng nhập nội dung trả lời."))
        feedback.answered_at = now
        # Publishing is due ≤ 2 working days after the answer.
        feedback.due_at = feedback_deadline(now, FEEDBACK_PUBLISH_DAYS)
    elif action == FeedbackAction.PUBLISH:
        feedback.published_at = now
        feedback.search_text = _search_text(feedback)
    feedback.status = target
    feedback.save()
    FeedbackEvent.objects.create(
        feedback=feedback,
        action=action,
        from_status=from_status,
        to_status=target,
        actor=actor,
        note=note,
        due_at=feedback.due_at,
        at=now,
    )
    if action in (FeedbackAction.ANSWER, FeedbackAction.REFUSE, FeedbackAction.REQUEST_INFO):
        _feedback_tell_sender(feedback, action=action)
    return feedback


def _feedback_tell_sender(feedback: Feedback, *, action: str) -> None:
    """Tell the sender (their inbox if signed in, their e-mail if given) what the agency did."""
    if not (feedback.sender_id or feedback.email):
        return
    link = reverse("reports:feedback_follow") + f"?code={feedback.code}"
    with translation.override("vi"):
        subject = _("Phản ánh, kiến nghị %(code)s: %(status)s") % {
            "code": feedback.code,
            "status": feedback.get_status_display(),
        }
        body = render_to_string(
            "reports/email/feedback_changed.txt",
            {"feedback": feedback, "action": action, "link": settings.PUBLIC_BASE_URL + link},
        ).strip()
    notification_send_to_person(
        key=f"feedback:{feedback.pk}:{action}",
        recipient_id=feedback.sender_id,
        email=feedback.email,
        subject=subject,
        body=body,
        link=link,
    )


def feedback_send_reminders(*, now: dt.datetime | None = None) -> int:
    """Remind the addressed agencies' officials of feedback due within a working day or late.

    Idempotent: one message per feedback, step deadline, person and kind (due / overdue).
    """
    from .selectors import feedback_due_soon

    now = now or timezone.now()
    horizon = workdays.add_working_hours(now, workdays.hours_per_day())
    sent = 0
    due = list(feedback_due_soon(before=horizon))
    if not due:
        return 0
    roles = (
        staff_roles_filter(agency_ids={f.agency_id for f in due}, active=True)
        .select_related("user")
        .order_by("agency_id", "user_id")
    )
    people: dict[int, dict[int, User]] = {}
    for role in roles:
        people.setdefault(role.agency_id, {})[role.user_id] = role.user
    with translation.override("vi"):
        for feedback in due:
            overdue = feedback.due_at < now
            kind = "overdue" if overdue else "due"
            link = reverse("reports:official_feedback_detail", args=[feedback.code])
            subject = (
                _("Quá hạn xử lý phản ánh %(code)s")
                if overdue
                else _("Sắp đến hạn xử lý phản ánh %(code)s")
            ) % {"code": feedback.code}
            stamp = feedback.due_at.strftime("%Y%m%d%H%M")
            for user_id, user in people.get(feedback.agency_id, {}).items():
                body = render_to_string(
                    "reports/email/feedback_reminder.txt",
                    {
                        "name": user.get_full_name(),
                        "feedback": feedback,
                        "overdue": overdue,
                        "due_at": timezone.localtime(feedback.due_at, workdays.VN_TZ).strftime(
                            "%H:%M ngày %d/%m/%Y"
                        ),
                        "link": settings.PUBLIC_BASE_URL + link,
                    },
                ).strip()
                with transaction.atomic():
                    notification_send_to_person(
                        key=(
                            f"feedback:remind:{feedback.pk}:{feedback.status}:{stamp}:{kind}:"
                            f"{user_id}"
                        ),
                        recipient_id=user_id,
                        email=user.email,
                        subject=subject,
                        body=body,
                        link=link,
                    )
                sent += 1
    return sent
