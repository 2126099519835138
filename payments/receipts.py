"""The electronic receipt (biên lai điện tử) of a paid payment, as a PDF.

NĐ 11/2020/NĐ-CP Điều 9 lets fees paid online be evidenced by an electronic receipt the
payer can download. Rendered through dvctt/pdf.py, in the fonts shipped with the project.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from dvctt import pdf, workdays

from .models import Payment


def receipt_html(*, payment: Payment) -> str:
    """Return the receipt as HTML (what the PDF shows)."""
    dossier = payment.dossier
    return render_to_string(
        "payments/receipt.html",
        {
            "payment": payment,
            "dossier": dossier,
            "portal_name": settings.PORTAL_NAME,
            "paid_at": timezone.localtime(payment.paid_at, workdays.VN_TZ),
            "refunds": [r for r in payment.refunds.all() if r.status == "done"],
            "sans_font_stack": pdf.SANS_FONT_STACK,
        },
    )


def receipt_pdf(*, payment: Payment) -> bytes:
    """Render the receipt of a paid payment to PDF bytes."""
    return pdf.html_to_pdf(receipt_html(payment=payment))
