"""The agency's signature on the papers and results of a dossier (docs/api.md "Signed papers").

`documents.py` renders a paper and hands it here once (`paper_sign`); an uploaded result is kept
as it came and signed — stamped first with its QR code — before it is first served
(`upload_served`); the verification page asks `document_check` what an uploaded copy is. The
PDF work itself is `dvctt/pades.py`, the keys `dvctt/signing.py`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from dvctt import pades, pdf

from ..models import Dossier, DossierDocument


def _verify_url(token: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}/xac-thuc/{token}/"


def paper_sign(dossier: Dossier, content: bytes) -> tuple[bytes, dt.datetime | None]:
    """Return a rendered paper signed by the dossier's agency, with the signing time."""
    if not settings.SIGNING_ENABLED:
        return content, None
    at = timezone.now()
    agency = dossier.agency
    return pades.pdf_sign(content, agency_code=agency.code, agency_name=agency.name, at=at), at


def upload_served(document: DossierDocument) -> DossierDocument:
    """Return the uploaded result as served: stamped and signed, made once from the original."""
    if document.signed_at is not None or not settings.SIGNING_ENABLED:
        return document
    source = document.original_file or document.file
    with source.open("rb") as original:
        content = original.read()
    agency = document.dossier.agency
    at = timezone.now()
    # Signed outside the transaction: the timestamp authority is an outside call.
    served = pades.pdf_sign(
        content,
        agency_code=agency.code,
        agency_name=agency.name,
        verify_url=_verify_url(document.token),
        at=at,
    )
    with transaction.atomic():
        row = DossierDocument.objects.select_for_update().get(pk=document.pk)
        if row.signed_at is not None:
            return row  # the worker and a request signed it at once: the first one stays
        if not row.original_file:
            # Uploaded before signing existed: the stored file is the original.
            row.original_file.name = row.file.name
            row.original_sha256 = row.sha256
        row.file.save(f"{uuid.uuid4().hex}.pdf", ContentFile(served), save=False)
        row.sha256 = pdf.sha256_hex(served)
        row.size = len(served)
        row.signed_at = at
        fields = ["file", "sha256", "size", "signed_at", "original_file", "original_sha256"]
        row.save(update_fields=fields)
    return row


# What the verification page says of an uploaded copy, one state each.
MATCH = "match"  # the very file issued, its signature valid
MATCH_UNSIGNED = "match_unsigned"  # the very file issued, issued before papers were signed
MODIFIED = "modified"  # not the file issued and its signature broken or added to
OTHER_SIGNED = "other_signed"  # validly signed, but not this paper (another version, another)
UNTRUSTED = "untrusted"  # signed by a certificate we do not trust
UNSIGNED = "unsigned"  # no signature and not the file issued
UNREADABLE = "unreadable"


@dataclass(frozen=True)
class CopyCheck:
    state: str
    sha256: str
    signature: pades.SignatureCheck
    agency_matches: bool


def document_check(document: DossierDocument, content: bytes) -> CopyCheck:
    """Compare an uploaded copy with the issued paper: its SHA-256 and its signature."""
    digest = pdf.sha256_hex(content)
    signature = pades.pdf_check(content)
    agency_matches = signature.agency_code == document.dossier.agency.code
    same = digest == document.sha256
    if signature.state == pades.VALID and same and agency_matches:
        state = MATCH
    elif signature.state == pades.UNSIGNED:
        state = MATCH_UNSIGNED if same else UNSIGNED
    elif signature.state == pades.UNREADABLE:
        state = UNREADABLE
    elif signature.state == pades.MODIFIED:
        state = MODIFIED
    elif signature.state == pades.UNTRUSTED or not agency_matches:
        state = UNTRUSTED
    else:
        state = OTHER_SIGNED
    return CopyCheck(state, digest, signature, agency_matches)
