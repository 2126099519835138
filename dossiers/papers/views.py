"""HTML edge of papers: the citizen's and the official's PDF links and the public verification
page /xac-thuc/<token>/ (docs/api.md §3). Access goes through the selectors like every dossier page.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.http import AuthenticatedHttpRequest
from dvctt import ratelimit
from dvctt.errors import ApplicationError, NotFound, SigningUnavailable

from .. import selectors
from ..filing import check_upload
from ..models import Dossier, DossierId
from . import documents, register, signatures
from .api import document_filename, document_response
from .forms import RegisterPeriodForm
from .registry import paper_label


def _send(
    request: HttpRequest, dossier: Dossier, kind: str, *, for_citizen: bool
) -> HttpResponse | FileResponse:
    try:
        document = documents.document_get(dossier=dossier, kind=kind, for_citizen=for_citizen)
    except SigningUnavailable as exc:
        # Never an unsigned paper: say why and when to come back.
        context = {"message": exc.message, "dossier": dossier}
        return render(request, "dossiers/paper_unavailable.html", context, status=503)
    return document_response(document, filename=document_filename(dossier, kind))


@login_required
def my_document(
    request: AuthenticatedHttpRequest, dossier_id: DossierId, kind: str
) -> HttpResponse | FileResponse:
    """Send a paper of the citizen's own dossier (receipt, requests, result…) as PDF."""
    dossier = selectors.dossier_get_for_citizen(user=request.user, dossier_id=dossier_id)
    return _send(request, dossier, kind, for_citizen=True)


@login_required
def official_document(
    request: AuthenticatedHttpRequest, dossier_id: DossierId, kind: str
) -> HttpResponse | FileResponse:
    """Send a paper of a dossier of the official's agency as PDF (to print or hand over)."""
    if not request.user.is_official:
        raise PermissionDenied
    dossier = selectors.dossier_get_for_official(user=request.user, dossier_id=dossier_id)
    return _send(request, dossier, kind, for_citizen=False)


# The code printed under the QR code is the token of its verification address.
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@require_safe
def verify_lookup(request: HttpRequest) -> HttpResponse:
    """/xac-thuc/: type the code printed under the QR (or paste the address) to open its page."""
    typed = (request.GET.get("ma") or "").strip()
    if not typed:
        return render(request, "dossiers/verify_lookup.html", {})
    # A pasted address works too: the code is what follows /xac-thuc/.
    code = typed.split("/xac-thuc/", 1)[-1].strip("/ ").split("/")[0].split("?")[0]
    if not TOKEN_RE.match(code):
        context = {"typed": typed[:200], "error": _("Mã xác thực không đúng định dạng.")}
        return render(request, "dossiers/verify_lookup.html", context, status=400)
    return redirect("dossiers:verify", token=code)


def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Show who issued a paper, what and when, with its SHA-256; check an uploaded copy: its
    digest and its signature (signer agency, signing time, intact or modified)."""
    try:
        document = documents.document_verify(token=token)
    except NotFound as exc:
        return render(request, "dossiers/verify.html", {"not_found": exc.message}, status=404)
    context: dict = {"document": document, "kind_label": paper_label(document.kind)}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            ratelimit.check(request, "verify")
            if upload is None:
                raise ApplicationError(_("Vui lòng chọn tệp PDF cần đối chiếu."))
            checked = check_upload(upload, max_mb=settings.DOSSIER_UPLOAD_MAX_MB)
            if checked.content_type != "application/pdf":
                raise ApplicationError(_("Chỉ đối chiếu được tệp PDF."))
        except ApplicationError as exc:
            context["error"], status = exc.message, exc.status_code
        else:
            assert upload is not None
            upload.seek(0)
            context["check"] = signatures.document_check(document, upload.read())
    return render(request, "dossiers/verify.html", context, status=status)


@login_required
@require_safe
def official_register(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Read the register's period typed dd/mm/yyyy and hand it to the register API in ISO."""
    register.register_agency_ids(user=request.user)  # Forbidden for anyone else
    form = RegisterPeriodForm(request.GET, auto_id="register-%s")
    if not form.is_valid():
        return render(request, "officials/register.html", {"register_form": form}, status=400)
    data = form.cleaned_data
    query = urlencode(
        {
            "from": data["date_from"].isoformat(),
            "to": data["date_to"].isoformat(),
            "format": data["format"],
        }
    )
    return redirect(f"{reverse('api-register')}?{query}")
