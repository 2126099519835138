"""The electronic receipt (biên lai thu phí, lệ phí điện tử) of a paid payment, as a PDF.

NĐ 11/2020/NĐ-CP Điều 9 lets fees paid online be evidenced by an electronic receipt the payer
can download; NĐ 123/2020/NĐ-CP Điều 32 says what a receipt of fees and charges carries: its
name, template symbol, series and number, the collecting organisation's name and tax code, the
fee names and amounts, the amount in figures and in words, the date and the collector's
signature. Online and desk payments get the same paper, numbered from one sequence.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from dvctt import pdf, workdays
from dvctt.formats import dong_in_words

from .constants import PaymentMethod, RefundStatus
from .models import Payment, Receipt

TEMPLATE = "payments/receipt.html"


def receipt_context(*, payment: Payment) -> dict[str, Any]:
    """Return what the receipt paper shows (from the receipt's own copy where it has one)."""
    dossier = payment.dossier
    receipt: Receipt | None = getattr(payment, "receipt", None)
    paid_at = timezone.localtime(payment.paid_at, workdays.VN_TZ)
    if receipt is not None:
        items = receipt.items
        agency_name, tax_code = receipt.agency_name, receipt.agency_tax_code
        payer = receipt.payer_name
    else:  # paid before receipts were numbered: the paper is rebuilt from the dossier
        items = [{"name": payment.get_purpose_display(), "amount": payment.amount}]
        agency_name, tax_code = dossier.agency.name, dossier.agency.tax_code
        payer = dossier.applicant_name
    return {
        "payment": payment,
        "dossier": dossier,
        "receipt": receipt,
        "number": receipt.display_number if receipt else payment.receipt_no,
        "items": items,
        "agency_name": agency_name,
        "tax_code": tax_code,
        "payer": payer,
        "amount_words": dong_in_words(payment.amount),
        "paid_at": paid_at,
        "online": payment.method == PaymentMethod.ONLINE,
        "collector": payment.collected_by.get_full_name() if payment.collected_by else "",
        "portal_name": settings.PORTAL_NAME,
        "refunds": [r for r in payment.refunds.all() if r.status == RefundStatus.DONE],
    }


def receipt_html(*, payment: Payment) -> str:
    """Return the receipt as HTML (what the PDF shows)."""
    return render_to_string(
        TEMPLATE,
        {
            "font_stack": pdf.FONT_STACK,
            "sans_font_stack": pdf.SANS_FONT_STACK,
            **receipt_context(payment=payment),
        },
    )


def receipt_pdf(*, payment: Payment) -> bytes:
    """Render the receipt of a paid payment to PDF bytes."""
    return pdf.template_to_pdf(TEMPLATE, receipt_context(payment=payment))
