"""HTML pages of the personal data store (docs/api.md §10): the citizen's store at
/tai-khoan/kho-du-lieu/, downloading an item, and choosing an item for a component of a draft
("Chọn từ kho dữ liệu") — a plain link and a POST form, so it works without JavaScript.

Only the owner reaches an item: anyone else's id is 404 on every page (store.py).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.http import AuthenticatedHttpRequest
from dvctt.errors import NotFound
from dvctt.pagination import query_without_page

from .. import selectors
from ..constants import DossierStatus
from ..models import DossierId
from ..papers.api import document_response
from . import services, store
from .services import EDITABLE_STATUSES
from .uploads import download_name

PAGE_SIZE = 20


def _require_citizen(request: AuthenticatedHttpRequest) -> None:
    # The store is a citizen's own (Đề án 06); officials see files only through a dossier.
    if not request.user.is_citizen:
        raise PermissionDenied(_("Kho dữ liệu cá nhân chỉ dành cho công dân."))


def _query(request: AuthenticatedHttpRequest) -> str:
    return " ".join(request.GET.get("q", "").split())[:100]


@login_required
@require_safe
def my_store(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List the citizen's results and filed documents, newest first, searchable."""
    _require_citizen(request)
    q = _query(request)
    rows = store.stored_documents_for_citizen(user=request.user, q=q)
    # StoreRows counts and slices like a queryset (the paginator needs nothing else).
    page: Page[Any] = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))  # type: ignore[arg-type]
    return render(
        request,
        "dossiers/store.html",
        {"page": page, "q": q, "query_string": query_without_page(request)},
    )


@login_required
@require_safe
def store_download(request: AuthenticatedHttpRequest, stored_id: str) -> FileResponse:
    """Send one item of the citizen's own store (never a raw media address)."""
    item = store.stored_document_get_for_citizen(user=request.user, stored_document_id=stored_id)
    if item.kind == store.RESULT:
        return document_response(item.source, filename=f"{item.dossier_code}-result.pdf")
    response = FileResponse(
        item.source.file.open("rb"),
        as_attachment=request.GET.get("xem") != "1",
        filename=download_name(item.name, item.content_type),
        content_type=item.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _component(dossier, component_id: str | None) -> dict:
    component = next(
        (c for c in dossier.case_components() if str(c["id"]) == str(component_id or "")), None
    )
    if component is None or component.get("once_only"):
        raise NotFound(_("Không tìm thấy thành phần hồ sơ."))
    return component


def _back(dossier) -> str:
    if dossier.status == DossierStatus.DRAFT:
        return reverse("dossiers:step", args=[dossier.pk, 4])
    return reverse("dossiers:my_supplement", args=[dossier.pk])


@login_required
def store_choose(request: AuthenticatedHttpRequest, dossier_id: DossierId) -> HttpResponse:
    """List the store for one component of the citizen's draft, what fits first; POST chooses."""
    dossier = selectors.dossier_get_for_citizen(user=request.user, dossier_id=dossier_id)
    if dossier.status not in EDITABLE_STATUSES:
        return redirect("dossiers:my_detail", dossier_id=dossier.pk)
    if request.method == "POST":
        return _choose(request, dossier)
    component = _component(dossier, request.GET.get("component"))
    q = _query(request)
    rows, fitting = store.stored_documents_for_component(
        user=request.user, component=component, q=q
    )
    # StoreRows counts and slices like a queryset (the paginator needs nothing else).
    page: Page[Any] = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))  # type: ignore[arg-type]
    # The rank of each row on the page (fits first) marks the ones that fit.
    first = (page.number - 1) * PAGE_SIZE
    items = [{"doc": doc, "fits": first + i < fitting} for i, doc in enumerate(page.object_list)]
    return render(
        request,
        "dossiers/store_choose.html",
        {
            "dossier": dossier,
            "component": component,
            "page": page,
            "items": items,
            "q": q,
            "query_string": query_without_page(request),
            "back": _back(dossier),
        },
    )


def _choose(request: AuthenticatedHttpRequest, dossier) -> HttpResponse:
    attachment = services.attachment_reuse(
        actor=request.user,
        dossier_id=dossier.pk,
        component_id=request.POST.get("component"),
        stored_document_id=request.POST.get("stored_document"),
    )
    messages.success(
        request,
        _("Đã dùng “%(name)s” từ kho dữ liệu cho “%(component)s”.")
        % {"name": attachment.original_name, "component": attachment.component_name[:120]},
    )
    return redirect(_back(dossier) + f"#component-{attachment.component_id_snapshot}")
