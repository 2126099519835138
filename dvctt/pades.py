"""PAdES signatures of papers and results: the visible stamp, signing, and checking a file.

`pdf_sign` signs a PDF for an agency with pyHanko (PAdES baseline, SHA-256, an RFC 3161
timestamp from `SIGNING_TSA_URL` when one is set). The signature is visible: a box saying who
signed and when (Nghị định 30/2020/NĐ-CP, Phụ lục I: the agency's name and the signing time),
drawn by WeasyPrint in the shipped fonts (pyHanko's own text needs HarfBuzz for Vietnamese).

- A paper the portal renders reserves the box in its template: an element with the id
  `ANCHOR`, which WeasyPrint writes as a named destination; the signature goes there, beside
  the QR code.
- A file an official uploads has no such box: it is first stamped on its first page with the
  QR code of its verification page and a verification line, then signed, the signature box
  beside the stamp (bottom margin).

`pdf_check` validates the signature of a file against the trust roots (`dvctt/signing.py`).
pyHanko is imported inside the functions, like WeasyPrint (dvctt/pdf.py).
"""

from __future__ import annotations

import asyncio
import binascii
import datetime as dt
import io
import logging
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt import pdf, workdays
from dvctt.errors import InvalidInput, SigningUnavailable
from dvctt.signing import signer_for, trust_roots

T = TypeVar("T")

log = logging.getLogger(__name__)

# The id of the element a paper's template reserves for the signature, and its size (mm):
# templates/documents/_base.html draws the empty box, this module fills it.
ANCHOR = "chu-ky-so"
BOX_MM = (62.0, 8.2)
# An uploaded result's stamp: the QR code with the verification line, then the signature box.
QR_STAMP_MM = (70.0, 16.0)
MARGIN_MM = 6.0
FIELD_NAME = "ChuKySoCoQuan"
PT_PER_MM = 72 / 25.4


def _pt(mm: float) -> float:
    return mm * PT_PER_MM


def _imported_page(data: bytes, page_ix: int) -> Any:
    """Return a page of a PDF held in memory as pyHanko content, drawn as a form XObject
    (pyHanko's own ImportedPdfPage reads a file name)."""
    from pyhanko.pdf_utils.content import PdfContent
    from pyhanko.pdf_utils.layout import BoxConstraints
    from pyhanko.pdf_utils.reader import PdfFileReader

    class ImportedBytes(PdfContent):
        def render(self) -> bytes:
            writer = self._ensure_writer
            reader = PdfFileReader(io.BytesIO(data))
            index = page_ix if page_ix >= 0 else len(_page_refs(reader)) + page_ix
            xobj = writer.import_page_as_xobject(reader, page_ix=index)
            name = "/Stamp" + binascii.hexlify(uuid.uuid4().bytes).decode()
            self.resources.xobject[name] = xobj
            x1, y1, x2, y2 = xobj.get_object()["/BBox"]
            self.box = BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
            return name.encode() + b" Do"

    return ImportedBytes()


def _style(background: Any) -> Any:
    from pyhanko.pdf_utils import layout
    from pyhanko.stamp import StaticStampStyle

    return StaticStampStyle(
        background=background,
        border_width=0,
        background_opacity=1.0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins(0, 0, 0, 0),
        ),
    )


def _stamps(*, agency_name: str, agency_code: str, at: dt.datetime, verify_url: str) -> bytes:
    """Render the signature box (page 1) and, for an upload, the QR stamp (the last page)."""
    local = timezone.localtime(at, workdays.VN_TZ)
    return pdf.html_to_pdf(
        render_to_string(
            "signing/stamp.html",
            {
                "font_stack": pdf.SANS_FONT_STACK,
                # Two lines of the box at most: a longer name is cut (the certificate has it).
                "agency": agency_name if len(agency_name) <= 80 else agency_name[:79] + "…",
                "agency_code": agency_code,
                "signed_at": local.strftime("%H:%M:%S %d/%m/%Y") + " (GMT+7)",
                # Lengths as CSS text: a float in a template is localised ("62,0").
                "box": [f"{v:g}mm" for v in BOX_MM],
                "qr_box": [f"{v:g}mm" for v in QR_STAMP_MM],
                "verify_url": verify_url,
                "qr": pdf.qr_data_uri(verify_url) if verify_url else "",
            },
        )
    )


def _page_refs(reader: Any) -> list[Any]:
    refs: list[Any] = []

    def walk(node_ref: Any) -> None:
        node = node_ref.get_object()
        if node.get("/Type") == "/Pages":
            for kid in node["/Kids"]:
                walk(kid)
        else:
            refs.append(node_ref)

    walk(reader.root.raw_get("/Pages"))
    return refs


def _anchor(reader: Any) -> tuple[int, float, float] | None:
    """Return (page index, left, top) of the box the paper reserves, if it has one."""
    names = reader.root.get("/Names")
    dests = names.get("/Dests") if names is not None else None
    pending = [dests] if dests is not None else []
    refs = [(r.idnum, r.generation) for r in _page_refs(reader)]
    while pending:
        node = pending.pop()
        pending += [kid.get_object() for kid in node.get("/Kids", [])]
        pairs = list(node.get("/Names", []))
        for name, dest in zip(pairs[0::2], pairs[1::2], strict=False):
            if str(name) != ANCHOR:
                continue
            dest = dest.get_object()
            dest = dest.get("/D", dest) if hasattr(dest, "get") else dest
            page_ref = dest.raw_get(0) if hasattr(dest, "raw_get") else dest[0]
            key = (page_ref.idnum, page_ref.generation)
            if key in refs:
                return refs.index(key), float(dest[2]), float(dest[3])
    return None


def _page_box(reader: Any, page_ix: int) -> tuple[float, float, float, float]:
    page = _page_refs(reader)[page_ix].get_object()
    node, box = page, None
    while node is not None and box is None:
        box = node.get("/CropBox") or node.get("/MediaBox")
        node = node.get("/Parent")
    x1, y1, x2, y2 = (float(v) for v in (box or (0, 0, 595, 842)))
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def _timestamper() -> Any:
    url = settings.SIGNING_TSA_URL
    if not url:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(url, timeout=settings.OUTSIDE_CALL_TIMEOUT_SECONDS)


def pdf_readable(content: bytes) -> None:
    """Refuse a PDF that cannot be stamped and signed (unreadable, encrypted, no page)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        readable = not reader.encrypted and len(_page_refs(reader)) > 0
    except Exception:
        log.info("an uploaded PDF could not be read for signing", exc_info=True)
        readable = False
    if not readable:
        message = _("Không đọc được tệp PDF (hỏng hoặc đã được mã hóa) nên không thể ký số.")
        raise InvalidInput(message, fields={"file": [message]})


def pdf_sign(
    content: bytes,
    *,
    agency_code: str,
    agency_name: str,
    verify_url: str = "",
    at: dt.datetime | None = None,
) -> bytes:
    """Return `content` signed by the agency (PAdES), its signature visible.

    With `verify_url` (an uploaded file) the first page is first stamped with the QR code of
    that address and a verification line. SigningUnavailable when the agency has no key or the
    timestamp authority does not answer.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter
    from pyhanko.sign.timestamps.common_utils import TimestampRequestError
    from pyhanko.stamp import StaticContentStamp

    cms_signer = signer_for(agency_code, agency_name=agency_name).cms_signer()
    stamps = _stamps(
        agency_name=agency_name,
        agency_code=agency_code,
        at=at or timezone.now(),
        verify_url=verify_url,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(content), strict=False)
    width, height = _pt(BOX_MM[0]), _pt(BOX_MM[1])
    place = None if verify_url else _anchor(writer.prev)
    if place is not None:
        page_ix, left, top = place
        box = (left, top - height, left + width, top)
    else:
        # An upload (or a paper without the reserved box): stamp and signature in the bottom
        # margin of the first page, the QR stamp at the left, the signature at the right.
        page_ix = 0
        x1, y1, x2, _y2 = _page_box(writer.prev, 0)
        bottom = y1 + _pt(MARGIN_MM) / 2
        if verify_url:
            _ensure_contents(writer, 0)
            qr_w, qr_h = _pt(QR_STAMP_MM[0]), _pt(QR_STAMP_MM[1])
            stamp = StaticContentStamp(
                writer=writer,
                style=_style(_imported_page(stamps, -1)),
                box=_box(qr_w, qr_h),
            )
            stamp.apply(0, round(x1 + _pt(MARGIN_MM)), round(bottom))
        box = (x2 - _pt(MARGIN_MM) - width, bottom, x2 - _pt(MARGIN_MM), bottom + height)
    # A name of its own: an upload may already carry signatures (even one of ours).
    field_name = f"{FIELD_NAME}-{uuid.uuid4().hex[:12]}"
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason="Ký số giấy tờ điện tử",
        location="Việt Nam",
        name=agency_name[:200],
    )
    signer = signers.PdfSigner(
        meta,
        signer=cms_signer,
        timestamper=_timestamper(),
        stamp_style=_style(_imported_page(stamps, 0)),
        new_field_spec=SigFieldSpec(field_name, on_page=page_ix, box=box),  # type: ignore[arg-type]
    )
    try:
        return bytes(_outside_event_loop(lambda: signer.sign_pdf(writer)).getvalue())
    except TimestampRequestError as exc:
        log.warning("the timestamp authority did not answer: %s", exc)
        raise SigningUnavailable(
            _("Chưa lấy được dấu thời gian cho chữ ký số. Vui lòng thử lại sau.")
        ) from exc


def _outside_event_loop(call: Callable[[], T]) -> T:
    """Run one of pyHanko's synchronous calls, which start their own event loop
    (asyncio.run): in a thread of its own when this thread already runs a loop (an ASGI
    server, a browser-driving test), where asyncio.run would refuse."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def _ensure_contents(writer: Any, page_ix: int) -> None:
    # A blank page may have no content stream at all; pyHanko's stamp appends to one.
    from pyhanko.pdf_utils import generic

    page_ref, _resources = writer.find_page_for_modification(page_ix)
    page = page_ref.get_object()
    if "/Contents" not in page:
        page["/Contents"] = writer.add_object(generic.StreamObject(stream_data=b""))
        writer.mark_update(page_ref)


def _box(width: float, height: float) -> Any:
    from pyhanko.pdf_utils.layout import BoxConstraints

    return BoxConstraints(width=width, height=height)


# --- checking a file ----------------------------------------------------------------------------

VALID = "valid"  # intact, covers the whole file, chains to a trust root
MODIFIED = "modified"  # the signed bytes changed, or something was added after signing
UNTRUSTED = "untrusted"  # intact, but not by a certificate of our trust roots
UNSIGNED = "unsigned"
UNREADABLE = "unreadable"


@dataclass(frozen=True)
class SignatureCheck:
    """What the signature of a file says: its state, who signed (agency) and when."""

    state: str
    signer: str = ""
    agency_code: str = ""
    signed_at: dt.datetime | None = None
    timestamped: bool = False


def _subject(cert: Any) -> tuple[str, str]:
    subject = cert.subject.native if cert is not None else {}
    name = subject.get("organization_name") or subject.get("common_name") or ""
    return str(name), str(subject.get("organization_identifier") or "")


def pdf_check(content: bytes) -> SignatureCheck:
    """Validate the issuer's signature of a PDF; never raises on a bad file."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        signatures = PdfFileReader(io.BytesIO(content), strict=False).embedded_signatures
    except Exception:
        return SignatureCheck(UNREADABLE)
    if not signatures:
        return SignatureCheck(UNSIGNED)
    # The agency's signature is the portal's own field, the last one (an uploaded result may
    # carry the signatures it was uploaded with before it).
    ours = [s for s in signatures if str(s.field_name or "").startswith(FIELD_NAME)]
    signature = (ours or signatures)[-1]
    try:
        context = ValidationContext(trust_roots=trust_roots(), allow_fetching=False)
        status = _outside_event_loop(lambda: validate_pdf_signature(signature, context))
    except Exception:
        # A damaged signature dictionary or CMS blob: the file was changed after signing.
        log.info("a signature could not be validated", exc_info=True)
        return SignatureCheck(MODIFIED)
    name, code = _subject(status.signing_cert)
    timestamp = status.timestamp_validity
    signed_at = timestamp.timestamp if timestamp is not None else status.signer_reported_dt
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    if not (status.intact and status.valid and whole):
        state = MODIFIED
    elif not status.trusted:
        state = UNTRUSTED
    else:
        state = VALID
    return SignatureCheck(
        state,
        signer=name,
        agency_code=code,
        signed_at=signed_at,
        timestamped=timestamp is not None,
    )
