"""HTML pages of service quality: rating a dossier, feedback (PAKN) and the officials' lists."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from dossiers.models import DossierId
from dvctt import ratelimit
from dvctt.errors import ApplicationError, error_back, error_text
from dvctt.pagination import query_without_page

from . import selectors, services
from .constants import FeedbackAction, FeedbackStatus
from .forms import (
    FeedbackActionForm,
    FeedbackFollowForm,
    FeedbackForm,
    FeedbackSearchForm,
    RatingFilterForm,
    RatingForm,
)

PAGE_SIZE = 20


def _see_other(url: str) -> HttpResponse:
    response = redirect(url)
    response.status_code = 303
    return response


def _require_official(request: HttpRequest) -> None:
    if not request.user.is_official:  # type: ignore[union-attr]
        raise PermissionDenied(_("Khu vực làm việc này chỉ dành cho cán bộ, công chức."))


# --- Rating ---------------------------------------------------------------------------------


@login_required
@error_back("dossiers:my_detail")
def rate_dossier(request: AuthenticatedHttpRequest, dossier_id: DossierId) -> HttpResponse:
    """Show the rating form of the citizen's settled dossier (or its rating) and record it."""
    dossier = selectors.rating_dossier_for_owner(user=request.user, dossier_id=dossier_id)
    rating = selectors.rating_for_dossier(dossier=dossier)
    ratable = rating is None and dossier.status in services.RATABLE_STATUSES
    form = RatingForm(request.POST or None) if ratable else None
    if request.method == "POST" and form is not None:
        if form.is_valid():
            services.rating_create(
                actor=request.user,
                dossier_id=dossier.pk,
                score=form.cleaned_data["score"],
                criteria=form.criteria(),
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, _("Cảm ơn ông/bà đã đánh giá việc giải quyết hồ sơ."))
            return _see_other(reverse("dossiers:my_detail", args=[dossier.pk]))
    elif request.method == "POST":
        messages.error(
            request,
            _("Hồ sơ này đã được đánh giá.")
            if rating
            else _("Chỉ đánh giá được hồ sơ đã có kết quả giải quyết."),
        )
        return _see_other(reverse("dossiers:my_detail", args=[dossier.pk]))
    return render(
        request,
        "reports/rate.html",
        {"dossier": dossier, "rating": rating, "form": form},
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_safe
def official_ratings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List the ratings of the official's agencies, newest first, filtered by level."""
    _require_official(request)
    form = RatingFilterForm(request.GET or None)
    score = form.cleaned_data.get("score") if form.is_valid() else None
    page = Paginator(
        selectors.ratings_for_official(user=request.user, score=score), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/official_ratings.html",
        {"form": form, "page": page, "query_string": query_without_page(request)},
    )


# --- Feedback (PAKN), public ---------------------------------------------------------------


@require_safe
def feedback_home(request: HttpRequest) -> HttpResponse:
    """Show the published answers (searchable), with ways to send and to follow a feedback."""
    form = FeedbackSearchForm(request.GET or None)
    q = form.cleaned_data.get("q", "") if form.is_valid() else ""
    page = Paginator(selectors.feedback_published(q=q), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/feedback_home.html",
        {
            "form": form,
            "q": q,
            "page": page,
            "query_string": query_without_page(request),
            "follow_form": FeedbackFollowForm(auto_id="follow-%s"),
        },
    )


def feedback_send(request: HttpRequest) -> HttpResponse:
    """Receive a feedback from anyone (rate-limited, spam-guarded) and give its code."""
    # A link from a procedure's or a dossier's page may name it: ?procedure=…&dossier_code=…
    initial = {
        key: request.GET.get(key, "")[:40] for key in ("procedure", "dossier_code", "agency")
    }
    form = FeedbackForm(request.POST or None, initial=initial)
    if request.method == "POST":
        user = request.user
        account = str(user.pk) if user.is_authenticated else None
        try:
            ratelimit.check(request, "feedback", account=account)
        except ratelimit.RateLimited as exc:
            context = {"form": form, "error": exc.message}
            return render(request, "reports/feedback_send.html", context, status=429)
        if form.is_valid():
            data = form.cleaned_data
            try:
                feedback = services.feedback_submit(
                    actor=user if user.is_authenticated else None,  # type: ignore[arg-type]
                    title=data["title"],
                    content=data["content"],
                    name=data["name"],
                    email=data["email"],
                    phone=data["phone"],
                    procedure_code=data["procedure"],
                    agency_code=data["agency"].code if data["agency"] else "",
                    dossier_code=data["dossier_code"],
                )
            except ApplicationError as exc:
                for field, errors in exc.fields.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
                if not exc.fields:
                    form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _(
                        "Đã gửi phản ánh, kiến nghị. Mã của ông/bà là %(code)s — "
                        "hãy ghi lại mã này để theo dõi kết quả."
                    )
                    % {"code": feedback.code},
                )
                return _see_other(reverse("reports:feedback_follow") + f"?code={feedback.code}")
        # A refused form gets a fresh stamp, so a person may correct it and send again.
        form.data = form.data.copy()  # type: ignore[attr-defined]  # the POST QueryDict
        form.data["form_token"] = FeedbackForm().initial["form_token"]  # type: ignore[index]
    return render(
        request,
        "reports/feedback_send.html",
        {"form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_safe
def feedback_follow(request: HttpRequest) -> HttpResponse:
    """Show a feedback's status and answer to whoever holds its code (no sender data)."""
    form = FeedbackFollowForm(request.GET or None)
    feedback, error, status = None, "", 200
    if form.is_valid():
        try:
            ratelimit.check(request, "feedback_lookup")
            feedback = selectors.feedback_get_public(code=form.cleaned_data["code"])
        except ApplicationError as exc:
            error, status = exc.message, exc.status_code
    return render(
        request,
        "reports/feedback_follow.html",
        {"form": form, "feedback": feedback, "error": error},
        status=status,
    )


# --- Feedback, officials' workspace ---------------------------------------------------------

QUEUE_LABELS = {
    "open": _("Đang chờ xử lý"),
    "overdue": _("Quá hạn"),
    "answered": _("Chờ công khai"),
    "closed": _("Đã kết thúc"),
    "all": _("Tất cả"),
}


@login_required
@require_safe
def official_feedback_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List the feedback addressed to the official's agencies: one queue, soonest due first."""
    _require_official(request)
    queue = request.GET.get("queue", "open")
    if queue not in selectors.FEEDBACK_QUEUES:
        queue = "open"
    ids = selectors.official_agency_ids(user=request.user)
    now = timezone.now()
    page = Paginator(
        selectors.feedback_for_official(user=request.user, queue=queue, now=now, agency_ids=ids),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    counts = selectors.feedback_queue_counts(user=request.user, now=now, agency_ids=ids)
    return render(
        request,
        "reports/official_feedback_list.html",
        {
            "page": page,
            "queue": queue,
            "queues": [
                (name, QUEUE_LABELS[name], counts.get(name)) for name in selectors.FEEDBACK_QUEUES
            ],
            "query_string": query_without_page(request),
            "now": now,
        },
    )


@login_required
@require_safe
def official_feedback_detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Show a feedback, its sender, its log and the actions its status allows."""
    _require_official(request)
    feedback = selectors.feedback_get_for_official(user=request.user, code=code)
    return render(
        request,
        "reports/official_feedback_detail.html",
        {
            "feedback": feedback,
            "events": selectors.feedback_events(feedback=feedback),
            "actions": [
                (a, FeedbackAction(a).label) for a in services.feedback_available_actions(feedback)
            ],
            "form": FeedbackActionForm(),
            "statuses": FeedbackStatus,
        },
    )


@login_required
@require_POST
def official_feedback_action(
    request: AuthenticatedHttpRequest, code: str, action: str
) -> HttpResponse:
    """Run one action on a feedback of the official's agency, then show the feedback again."""
    _require_official(request)
    feedback = selectors.feedback_get_for_official(user=request.user, code=code)
    target = reverse("reports:official_feedback_detail", args=[feedback.code])
    form = FeedbackActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return _see_other(target)
    try:
        services.feedback_run_action(
            actor=request.user, code=feedback.code, action=action, data=form.cleaned_data
        )
    except ApplicationError as exc:
        if exc.status_code == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Đã cập nhật phản ánh, kiến nghị %(code)s.") % {"code": code})
    return _see_other(target)
