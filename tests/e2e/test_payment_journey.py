"""Paying a fee online: the dossier page's button, the sandbox gateway, the result page."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from payments.constants import PaymentStatus
from payments.models import Payment
from tests.dossiers.conftest import make_submitted
from tests.factories import PASSWORD, AgencyFactory, CitizenFactory
from tests.procedures.factories import ProcedureFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_citizen_pays_the_fee_through_the_sandbox(page, live_url, login, axe_check, settings):
    # The sandbox lives at the portal's public address; its IPN task runs in-process and
    # calls the live server back over HTTP, as VNPay would.
    settings.PUBLIC_BASE_URL = live_url
    settings.CELERY_TASK_ALWAYS_EAGER = True
    agency = AgencyFactory()
    citizen = CitizenFactory(email="nguoinop@demo.vn")
    dossier = make_submitted(citizen, ProcedureFactory(agencies=[agency]))

    login(page, citizen.email, PASSWORD)
    page.goto(f"/ho-so-cua-toi/{dossier.pk}/")
    fees = page.get_by_role("region", name="Phí, lệ phí và thanh toán")
    expect(fees).to_contain_text("40.000 đ")
    expect(fees).to_contain_text("chưa nộp")
    axe_check(page)
    fees.get_by_role("button", name="Thanh toán trực tuyến").click()

    expect(page.get_by_role("heading", name="Cổng thanh toán thử nghiệm")).to_be_visible()
    expect(page.get_by_text("40.000 đ")).to_be_visible()
    axe_check(page)
    _shots(page, "sandbox")
    page.get_by_role("button", name="Thanh toán", exact=True).click()

    expect(page.get_by_role("heading", name="Kết quả thanh toán")).to_be_visible()
    expect(page.get_by_text("Thanh toán thành công.")).to_be_visible()
    axe_check(page)
    _shots(page, "result")
    page.get_by_role("link", name="Về trang hồ sơ").click()

    fees = page.get_by_role("region", name="Phí, lệ phí và thanh toán")
    expect(fees).to_contain_text("đã nộp")
    expect(fees.get_by_role("cell", name="Đã thanh toán")).to_be_visible()
    expect(fees.get_by_role("button", name="Thanh toán trực tuyến")).to_have_count(0)
    expect(fees.get_by_role("link", name="Tải biên lai")).to_be_visible()
    axe_check(page)
    payment = Payment.objects.get(dossier=dossier)
    # Confirmed by the IPN the sandbox sent server to server, not by the browser's return.
    assert payment.status == PaymentStatus.PAID and payment.confirmed_via == "ipn"
    _shots(page, "paid")


def _shots(page, name: str) -> None:
    # For a person to look at the pages at desktop and phone widths (not run in CI).
    if not os.environ.get("PAYMENT_SCREENSHOTS"):
        return
    page.screenshot(path=f"/tmp/i9_{name}_1280.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=f"/tmp/i9_{name}_390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
