"""HTML pages of dossiers at the top: "Hồ sơ của tôi" (the citizen's list, a dossier's page,
withdrawing, deleting a draft) and public tracking. Filing and supplementing are in
dossiers/filing/views.py, the officials' workspace in dossiers/workspace/views.py, the papers in
dossiers/papers/views.py. Same pattern as the API: validate → service / selector → render;
every page works without JavaScript.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.http import AuthenticatedHttpRequest
from dvctt import ratelimit
from dvctt.errors import ApplicationError, NotFound, error_back, error_text
from dvctt.page_cache import anonymous_get, display_parts, page_from_template, page_template
from dvctt.pagination import query_without_page

from . import selectors, workflow
from .constants import DossierAction, DossierStatus
from .filing import services as filing_services
from .forms import (
    MyDossiersFilterForm,
    NoteForm,
    SchemaForm,
    TrackingForm,
    WithdrawForm,
)
from .models import Dossier, DossierId
from .papers import document_links
from .postal import postal_delivery
from .status_texts import citizen_guide
from .tracking_cache import tracking_cached
from .workflow import services as workflow_services

PAGE_SIZE = 20


# --- "Hồ sơ của tôi" ---------------------------------------------------------------------------


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
@require_safe
def my_dossiers(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List the citizen's dossiers, filtered by status and searched by code or procedure."""
    form = MyDossiersFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    status, q = data.get("status") or "", data.get("q") or ""
    page = _page(
        request, selectors.dossiers_for_citizen(user=request.user, status=status or None, q=q)
    )
    return render(
        request,
        "dossiers/my_list.html",
        {
            "page": page,
            "form": form,
            "status": status,
            "q": q,
            "query_string": query_without_page(request),
            "now": timezone.now(),
        },
    )


@login_required
@require_safe
def my_dossier_detail(request: AuthenticatedHttpRequest, dossier_id: DossierId) -> HttpResponse:
    """Show one of the citizen's dossiers: status in words, history, files and open actions."""
    dossier = selectors.dossier_get_for_citizen(user=request.user, dossier_id=dossier_id)
    dossier = selectors.dossier_detail(dossier=dossier)
    actions = workflow.available_actions(dossier, request.user)
    return render(
        request,
        "dossiers/my_detail.html",
        {
            "dossier": dossier,
            "actions": actions,
            "guide": citizen_guide(dossier, actions),
            "request_event": selectors.dossier_supplement_request(dossier=dossier)
            if dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
            else None,
            "answers": SchemaForm(
                dossier.snapshot.get("form_schema") or {}, dossier.form_data
            ).answer_sections(),
            "note_form": NoteForm(),
            "papers": document_links(dossier, for_citizen=True),
            "postal": postal_delivery(dossier),
        },
    )


@login_required
@error_back("dossiers:my_detail")
def my_dossier_withdraw(request: AuthenticatedHttpRequest, dossier_id: DossierId) -> HttpResponse:
    """Ask for confirmation (GET), then withdraw the citizen's dossier with an optional reason."""
    dossier = selectors.dossier_get_for_citizen(user=request.user, dossier_id=dossier_id)
    if DossierAction.WITHDRAW not in workflow.available_actions(dossier, request.user):
        messages.error(request, _("Hồ sơ này không thể rút ở trạng thái hiện tại."))
        return redirect("dossiers:my_detail", dossier_id=dossier.pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workflow_services.dossier_withdraw(
                actor=request.user, dossier_id=dossier.pk, note=form.cleaned_data["note"]
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Đã rút hồ sơ %(code)s.") % {"code": dossier.code})
        return redirect("dossiers:my_detail", dossier_id=dossier.pk)
    return render(
        request,
        "dossiers/withdraw_confirm.html",
        {"dossier": dossier, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@error_back("dossiers:my_detail")
def my_draft_delete(request: AuthenticatedHttpRequest, dossier_id: DossierId) -> HttpResponse:
    """Ask for confirmation (GET), then delete the citizen's draft."""
    dossier = selectors.dossier_get_for_citizen(user=request.user, dossier_id=dossier_id)
    if dossier.status != DossierStatus.DRAFT:
        return redirect("dossiers:my_detail", dossier_id=dossier.pk)
    if request.method == "POST":
        try:
            filing_services.dossier_delete_draft(actor=request.user, dossier_id=dossier.pk)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("dossiers:my_detail", dossier_id=dossier.pk)
        messages.success(request, _("Đã xoá hồ sơ nháp."))
        return redirect("dossiers:my_list")
    return render(request, "dossiers/draft_delete_confirm.html", {"dossier": dossier})


def _error_message(request: HttpRequest, exc: ApplicationError) -> None:
    # The message, then what exactly is missing or wrong (e.g. the documents still to add).
    messages.error(request, error_text(exc))


# --- public tracking ---------------------------------------------------------------------------


def tracking(request: HttpRequest) -> HttpResponse:
    """Look a dossier up by its code and the last 4 digits of the applicant's id number."""
    form = TrackingForm(request.GET or None)
    if not request.GET:
        return _tracking_page(request, form)
    if not form.is_valid():
        return _tracking_page(request, form, status=400)

    def guard() -> None:
        # Guessing id_last4 for a known code takes up to 10,000 tries: the page and the API
        # share one counter per client address (dvctt.client_ip), so either is impractical.
        ratelimit.check(request, "tracking")

    def found() -> tuple[Dossier, tuple[str, bytes]]:
        dossier = selectors.dossier_track(**form.cleaned_data)
        return dossier, page_template(_tracking_page(request, form, dossier=dossier))

    try:
        if not anonymous_get(request):  # a signed-in visitor's page shows their account
            guard()
            dossier = selectors.dossier_track(**form.cleaned_data)
            return _tracking_page(request, form, dossier=dossier)
        cached = tracking_cached(
            kind="page", parts=display_parts(request), guard=guard, build=found, **form.cleaned_data
        )
    except ratelimit.RateLimited:
        return _tracking_page(request, TrackingForm(), limited=True, status=429)
    except NotFound:
        return _tracking_page(request, form, not_found=True, status=404)
    return page_from_template(request, cached)


def _tracking_page(
    request: HttpRequest,
    form: TrackingForm,
    *,
    dossier: Dossier | None = None,
    not_found: bool = False,
    limited: bool = False,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "dossiers/tracking.html",
        {
            "form": form,
            "dossier": dossier,
            "not_found": not_found,
            "limited": limited,
            "public_events": selectors.dossier_public_events(dossier=dossier) if dossier else [],
            "postal": postal_delivery(dossier) if dossier else None,
        },
        status=status,
    )
