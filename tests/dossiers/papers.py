"""Helpers of the paper tests: read a PDF's text and QR code, drive a dossier through actions."""

from __future__ import annotations

import io
from typing import Any

from dossiers.filing import services as filing_services
from dossiers.workflow import services as workflow_services
from tests.dossiers.conftest import make_submitted, upload


def pdf_text(content: bytes) -> str:
    """Return the text of every page of a PDF (pypdf), as a reader would copy it."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_font_names(content: bytes) -> set[str]:
    """Return the names of the fonts a PDF embeds, without their subset prefix."""
    from pypdf import PdfReader

    names = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        resources: Any = page["/Resources"]
        for font in resources.get("/Font", {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


def pdf_qr_texts(content: bytes) -> list[str]:
    """Decode every QR code drawn in the PDF's images (zxing-cpp)."""
    import zxingcpp
    from PIL import Image
    from pypdf import PdfReader

    texts = []
    for page in PdfReader(io.BytesIO(content)).pages:
        for image in page.images:
            picture = Image.open(io.BytesIO(image.data)).convert("L")
            texts += [b.text for b in zxingcpp.read_barcodes(picture)]
    return texts


def run(dossier, actor, action: str, note: str = "", **kwargs):
    """Run one workflow action as `actor` and return the dossier as it is now."""
    return workflow_services.dossier_run_action(
        actor=actor, dossier_id=dossier.pk, action=action, note=note, **kwargs
    )


def to_appraised(dossier, *, reception, specialist):
    """Hand a received dossier from the desk to the specialist, who proposes to approve it."""
    run(dossier, reception, "forward")
    return run(dossier, specialist, "forward", "Đủ điều kiện giải quyết", proposal="approve")


def to_approved(citizen, procedure, *, reception, specialist, leader):
    """File a dossier and take it through reception, appraisal and approval."""
    dossier = make_submitted(citizen, procedure)
    run(dossier, reception, "receive")
    to_appraised(dossier, reception=reception, specialist=specialist)
    return run(dossier, leader, "approve")


def settle_and_return(dossier, clerk):
    """Record the fee as paid (the result waits for it), then return the result."""
    from dossiers.models import Dossier

    if Dossier.objects.get(pk=dossier.pk).payment_due:
        workflow_services.dossier_settle_fee(
            dossier_id=dossier.pk, amount=dossier.fee_amount, reference=f"T-{dossier.pk.hex[:8]}"
        )
    return run(dossier, clerk, "return_result")


def apologize(dossier, actor, reason: str):
    """Apologize for a late dossier, promising a new date one working day after the due date."""
    from dossiers.models import Dossier
    from dvctt import workdays

    due = Dossier.objects.get(pk=dossier.pk).due_at
    assert due is not None, "only a received dossier has a due date to move"
    new_due = workdays.add_working_hours(due, workdays.hours_per_day())
    return run(dossier, actor, "apologize", reason, data={"new_due_at": new_due.isoformat()})


def supplement_then_reject(dossier, *, reception, citizen, request: str, refusal: str):
    """Ask for a supplement, let the citizen re-upload the first component, then refuse it."""
    run(dossier, reception, "request_supplement", request)
    filing_services.attachment_add(
        actor=citizen,
        dossier_id=dossier.pk,
        component_id=dossier.case_components()[0]["id"],
        upload=upload(),
    )
    run(dossier, citizen, "supplement")
    return run(dossier, reception, "reject", refusal)
