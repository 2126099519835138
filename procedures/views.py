"""Catalogue pages: home, search results and the page of one procedure."""

from __future__ import annotations

import mimetypes
from pathlib import PurePath

from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from dvctt.page_cache import public_page
from dvctt.pagination import query_without_page

from .constants import OnlineMode
from .forms import CatalogueSearchForm
from .models import Component, FeeItem
from .pagination import SinglePassPaginator
from .selectors import (
    CatalogueFilters,
    fields_with_counts,
    procedure_get_public,
    procedure_suggestions,
    procedures_popular,
    procedures_search,
)

PAGE_SIZE = 20


@public_page
def home(request: HttpRequest) -> HttpResponse:
    """Show the home page: the search box, popular procedures and the fields."""
    return render(
        request,
        "procedures/home.html",
        {"popular": procedures_popular(), "fields": fields_with_counts()},
    )


@public_page
def catalogue(request: HttpRequest) -> HttpResponse:
    """Show the search results with filters, a count and pagination."""
    form = CatalogueSearchForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(
            request,
            "procedures/catalogue.html",
            {"form": form, "page": None, "suggestions": procedure_suggestions(q="")},
            status=400,
        )
    filters = form.filters() if form.is_bound else CatalogueFilters()
    queryset = procedures_search(filters=filters).prefetch_related(
        Prefetch("fees", queryset=FeeItem.objects.order_by("position", "id"))
    )
    page = SinglePassPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query_string": query_without_page(request),
        "q": filters.q,
        "suggestions": procedure_suggestions(q=filters.q) if not page.object_list else [],
    }
    return render(request, "procedures/catalogue.html", context)


@public_page
def detail(request: HttpRequest, code: str) -> HttpResponse:
    """Show one procedure: documents per case, fees, time, where, legal basis, how to file."""
    procedure = procedure_get_public(code=code)
    fees = list(procedure.fees.all())
    return render(
        request,
        "procedures/detail.html",
        {
            "procedure": procedure,
            "cases": list(procedure.cases.all()),
            "fees": fees,
            "is_free": all(
                fee.amount in (0, None) and fee.online_amount in (0, None) for fee in fees
            )
            and any(fee.amount == 0 for fee in fees),
            "online": procedure.online_mode != OnlineMode.NONE,
            "agencies": list(procedure.agencies.all()),
            "steps": list(procedure.steps.all()),
        },
    )


def template_download(request: HttpRequest, component_id: int) -> FileResponse:
    """Send the uploaded template (mẫu đơn, tờ khai) of a published procedure's document."""
    component = (
        Component.objects.filter(pk=component_id, procedure__is_published=True)
        .exclude(template_upload="")
        .first()
    )
    if component is None:
        raise Http404
    suffix = PurePath(component.template_upload.name).suffix.lower()
    # Named after what it is, not after the uploaded file's (often mangled) name.
    stem = PurePath(component.template_file).stem if component.template_file else ""
    filename = (stem.replace("/", "-").replace("\\", "-") or f"mau-{component.pk}") + suffix
    return FileResponse(
        component.template_upload.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type=mimetypes.guess_type(filename)[0] or "application/octet-stream",
    )
