"""HTML pages of the officials' workspace (/can-bo/): the queues, a dossier's page with the
actions the official may run now, and running one of them.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.constants import StaffRoleName
from accounts.http import AuthenticatedHttpRequest
from dvctt.errors import error_back
from dvctt.pagination import CappedPaginator, query_without_page

from .. import selectors, workflow
from ..forms import form_answers
from ..models import Dossier, DossierId
from ..papers import document_links, register_link_context
from ..papers.forms import RegisterPeriodForm
from ..postal import postal_delivery
from ..workflow import action_rules, process, services
from .forms import QueueFilterForm
from .selectors import (
    QUEUES,
    dossiers_for_official_queue,
    official_default_queue,
    official_queue_counts,
    official_roles,
)

PAGE_SIZE = 20


def require_official(request: AuthenticatedHttpRequest) -> None:
    if not request.user.is_official:
        raise PermissionDenied(_("Khu vực làm việc này chỉ dành cho cán bộ, công chức."))


@login_required
@require_safe
def official_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Show the official's queues with counts, search and filters, soonest due first."""
    require_official(request)
    roles = official_roles(user=request.user)
    ids = sorted({agency_id for agency_id, _role in roles})
    form = QueueFilterForm(request.GET or None)
    filters = dict(form.cleaned_data) if form.is_valid() else {}
    queue = filters.pop("queue", "") or official_default_queue(roles=roles)
    if queue not in QUEUES:
        queue = "all"
    dossiers = dossiers_for_official_queue(
        user=request.user,
        queue=queue,
        agency_ids=ids,
        **{k: v for k, v in filters.items() if v not in (None, "")},
    )
    page = CappedPaginator(dossiers, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = official_queue_counts(user=request.user, agency_ids=ids)
    register_context = register_link_context(roles=roles)
    register_context["register_form"] = RegisterPeriodForm(
        initial={
            "date_from": register_context["register_from"],
            "date_to": register_context["register_to"],
        },
        auto_id="register-%s",
    )
    return render(
        request,
        "officials/home.html",
        {
            "page": page,
            "form": form,
            "queue": queue,
            "queues": [(name, label, counts.get(name)) for name, label in QUEUES.items()],
            "querystring": query_without_page(request),
            "can_file": any(role == StaffRoleName.RECEPTION for _agency, role in roles),
            "has_role": bool(roles),
            "now": timezone.now(),
        }
        | register_context,
    )


@login_required
@require_safe
def official_detail(request: AuthenticatedHttpRequest, dossier_id: DossierId) -> HttpResponse:
    """Show a dossier of the official's agency with the actions the official may run."""
    require_official(request)
    dossier = selectors.dossier_get_for_official(user=request.user, dossier_id=dossier_id)
    dossier = selectors.dossier_detail(dossier=dossier)
    return render(
        request,
        "officials/detail.html",
        {
            "dossier": dossier,
            "answers": form_answers(dossier),
            "step": process.step_at(dossier, dossier.current_step),
            "steps": process.steps_of(dossier),
            "handovers": selectors.dossier_handovers(dossier=dossier),
            "actions": official_action_forms(dossier, request.user),
            "papers": document_links(dossier, for_citizen=False),
            "postal": postal_delivery(dossier),
            # Liên thông: the lead agency sees the dossier at another agency's step and waits.
            "waiting": workflow.WAITING in workflow.actor_roles(dossier, request.user),
        },
    )


def official_action_forms(dossier: Dossier, user) -> list[dict]:
    """Describe each action the official may run now with exactly the inputs it takes."""
    forms = []
    for name in workflow.available_actions(dossier, user):
        spec = workflow.ACTIONS[name]
        form = {
            "name": name,
            "label": spec.label,
            "reason": spec.note_required,
            # The page's fragment of each input (ActionSpec.inputs), and what they offer.
            "inputs": [i.template for i in spec.inputs if i.template],
            "multipart": any(i.file for i in spec.inputs),
        }
        if spec.form is not None:
            form |= spec.form(dossier)
        forms.append(form)
    return forms


@login_required
@require_POST
@error_back("dossiers:official_detail")
def official_action(
    request: AuthenticatedHttpRequest, dossier_id: DossierId, action: str
) -> HttpResponse:
    """Run one workflow action from the official's dossier page."""
    require_official(request)
    dossier = selectors.dossier_get_for_official(user=request.user, dossier_id=dossier_id)
    post = request.POST
    # A refusal comes back as a message on the dossier's page (error_back, the middleware).
    services.dossier_run_action(
        actor=request.user,
        dossier_id=dossier.pk,
        action=action,
        note=post.get("note", ""),
        # The confirmation box is the form's, not the action's.
        data={k: v for k, v in action_rules.body_from_request(post).items() if k != "confirm"},
        result_file=request.FILES.get("file"),
    )
    messages.success(
        request, _("Đã thực hiện: %(action)s.") % {"action": workflow.ACTIONS[action].label}
    )
    if not selectors.dossier_visible_to_official(user=request.user, dossier_id=dossier.pk):
        # Handed to another agency or settled out of sight: back to the queues.
        return redirect("dossiers:official_home")
    return redirect("dossiers:official_detail", dossier_id=dossier.pk)
