"""A counter dossier's fee paid in cash at the desk, then its result returned (NĐ 61/2018
Điều 22): the result waits for the fee, reception records the cash and hands the result over.
axe-core at 1280 px and 390 px."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from accounts.demo import AGENCY_A
from accounts.models import User
from dossiers.demo import DEMO_PDF, _sample
from dossiers.filing import services as filing_services
from dossiers.models import Dossier
from dossiers.workflow import services as workflow_services
from payments.models import Payment
from procedures.models import ProcedureCase

from .test_desk_journey import _both_widths, _run

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _counter_dossier_with_result_issued() -> Dossier:
    """File 1.004194 at the desk of agency A and take it, unpaid, to an issued result."""
    desk = User.objects.get(email="motcua@demo.vn")
    case = ProcedureCase.objects.filter(procedure__code="1.004194").order_by("position", "id")
    dossier = filing_services.dossier_file_at_counter(
        actor=desk,
        procedure_code="1.004194",
        agency_code=AGENCY_A,
        case_id=case.values_list("pk", flat=True).first(),
        id_number="001085004321",
        identity_checked=True,
        applicant_data={"applicant_name": "Trần Thị Quầy"},
    )
    schema = dossier.snapshot.get("form_schema") or {}
    form = dict(dossier.form_data)
    for name in schema.get("required", []):
        form.setdefault(name, _sample(schema["properties"][name]))
    filing_services.dossier_update_form(actor=desk, dossier_id=dossier.pk, form_data=form)
    for component in dossier.case_components():
        if component.get("required") and not component.get("once_only"):
            filing_services.attachment_add(
                actor=desk,
                dossier_id=dossier.pk,
                component_id=component["id"],
                upload=SimpleUploadedFile("giay-to.pdf", DEMO_PDF),
            )
    filing_services.dossier_submit(actor=desk, dossier_id=dossier.pk)
    steps: list[tuple[str, str, dict[str, Any]]] = [
        ("motcua@demo.vn", "receive", {}),
        ("motcua@demo.vn", "forward", {}),
        ("chuyenvien@demo.vn", "forward", {"proposal": "approve", "note": "Đủ điều kiện."}),
        ("lanhdao@demo.vn", "approve", {}),
        (
            "vanthu@demo.vn",
            "issue_result",
            {"result_file": SimpleUploadedFile("ket-qua.pdf", DEMO_PDF)},
        ),
    ]
    for email, action, inputs in steps:
        workflow_services.dossier_run_action(
            actor=User.objects.get(email=email), dossier_id=dossier.pk, action=action, **inputs
        )
    return Dossier.objects.get(pk=dossier.pk)


def test_reception_takes_cash_then_returns_the_result(page, demo_data, login, axe_check):
    dossier = _counter_dossier_with_result_issued()
    assert dossier.channel == "counter" and dossier.status == "result_issued"
    assert dossier.payment_due and dossier.fee_amount > 0
    fee = f"{dossier.fee_amount:,}".replace(",", ".")

    login(page, "motcua@demo.vn")
    page.goto(f"/can-bo/ho-so/{dossier.pk}/")
    expect(page.get_by_role("heading", name=f"Hồ sơ {dossier.code}")).to_be_visible()
    # Unpaid: the result is held back, and the desk is offered the fee form.
    expect(page.get_by_role("button", name="Trả kết quả", exact=True)).to_have_count(0)
    form = page.locator("form.desk-payment-form")
    expect(form.get_by_label("Số tiền đã thu (đồng)")).to_have_value(str(dossier.fee_amount))
    _both_widths(page, axe_check, "fee-form")

    form.get_by_label("Hình thức nộp").select_option(label="Tiền mặt")
    form.get_by_role("button", name="Ghi nhận đã thu và lập biên lai").click()
    expect(page.get_by_text(re.compile(rf"Đã ghi nhận khoản nộp {fee}\s*đ"))).to_be_visible()
    expect(page.locator("form.desk-payment-form")).to_have_count(0)
    receipt_link = page.get_by_role("link", name=re.compile(r"Tải biên lai AA-\d\dE 0000001"))
    expect(receipt_link).to_be_visible()
    _both_widths(page, axe_check, "fee-paid")
    pdf = page.request.get(receipt_link.get_attribute("href"))
    assert pdf.ok and pdf.body().startswith(b"%PDF")

    # Paid: the desk hands the result over.
    _run(page, "Trả kết quả")
    _both_widths(page, axe_check, "fee-returned")

    dossier.refresh_from_db()
    assert dossier.status == "returned" and not dossier.payment_due
    payment = Payment.objects.get(dossier=dossier)
    assert payment.method == "cash" and payment.status == "paid"
    assert payment.collected_by.email == "motcua@demo.vn"
    assert payment.receipt.number == 1 and payment.receipt.agency_tax_code
