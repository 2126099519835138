"""The electronic receipt (biên lai điện tử) of a paid payment, as a PDF.

NĐ 11/2020/NĐ-CP Điều 9 lets fees paid online be evidenced by an electronic receipt the
payer can download. TODO(issue 8): move the WeasyPrint call into dvctt/pdf.py once it lands.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from dvctt import workdays

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
        },
    )


def receipt_pdf(*, payment: Payment) -> bytes:
    """Render the receipt of a paid payment to PDF bytes."""
    from weasyprint import HTML  # heavy import, kept out of module load (DESIGN.md §6)

    html = receipt_html(payment=payment)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
