"""HTML edge of papers: the citizen's and the official's PDF links and the public verification
page /xac-thuc/<token>/ (API.md §3). Access goes through the selectors like every dossier page.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.http import AuthenticatedHttpRequest
from dvctt.errors import ApplicationError, NotFound

from . import documents, selectors
from .documents_api import document_filename, document_response
from .models import Dossier, DossierId
from .uploads import check_upload


def _send(request: HttpRequest, dossier: Dossier, kind: str, *, for_citizen: bool) -> FileResponse:
    try:
        document = documents.document_get(dossier=dossier, kind=kind, for_citizen=for_citizen)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return document_response(document, filename=document_filename(dossier, kind))


@login_required
def my_document(
    request: AuthenticatedHttpRequest, dossier_id: DossierId, kind: str
) -> FileResponse:
    """Send a paper of the citizen's own dossier (receipt, requests, result…) as PDF."""
    try:
        dossier = selectors.dossier_get_for_citizen(user=request.user, dossier_id=dossier_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return _send(request, dossier, kind, for_citizen=True)


@login_required
def official_document(
    request: AuthenticatedHttpRequest, dossier_id: DossierId, kind: str
) -> FileResponse:
    """Send a paper of a dossier of the official's agency as PDF (to print or hand over)."""
    if not request.user.is_official:
        raise PermissionDenied
    try:
        dossier = selectors.dossier_get_for_official(user=request.user, dossier_id=dossier_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return _send(request, dossier, kind, for_citizen=False)


def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Show who issued a paper, what and when, with its SHA-256; check an uploaded copy."""
    try:
        document = documents.document_verify(token=token)
    except NotFound as exc:
        return render(request, "dossiers/verify.html", {"not_found": exc.message}, status=404)
    context: dict = {"document": document}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ApplicationError(_("Vui lòng chọn tệp PDF cần đối chiếu."))
            checked = check_upload(upload, max_mb=settings.DOSSIER_UPLOAD_MAX_MB)
        except ApplicationError as exc:
            context["error"], status = exc.message, 400
        else:
            context["checked_sha256"] = checked.sha256
            context["matches"] = checked.sha256 == document.sha256
    return render(request, "dossiers/verify.html", context, status=status)
