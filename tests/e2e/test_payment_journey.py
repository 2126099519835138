"""Paying a fee online: the dossier page's button, the sandbox gateway, the result page."""

from __future__ import annotations

import html
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import requests
from django.conf import settings as django_settings
from playwright.sync_api import expect

from payments.constants import PaymentStatus
from payments.gateways import sandbox
from payments.models import Payment, SandboxTransaction
from tests.dossiers.conftest import make_submitted
from tests.e2e.conftest import AXE_JS
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


class StandInVnpay(BaseHTTPRequestHandler):
    """VNPay's payment page on its own origin: the sandbox's protocol, served apart.

    GET shows the order (a signed redirect from the portal); POST records the payer's choice,
    sends the IPN server to server and sends the browser back with the signed vnp_* query.
    """

    ipn_url = ""
    outcomes: list[str] = []

    def log_message(self, *args) -> None:  # keep the test output quiet
        pass

    def _page(self, status: int, body: str) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        params = dict(parse_qsl(urlsplit(self.path).query))
        if not sandbox.valid_payment_request(params):
            self._page(400, "<p>invalid</p>")
            return
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in params.items()
        )
        self._page(
            200,
            '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>VNPAY</title>'
            f"</head><body><main><h1>Cổng VNPAY (giả lập)</h1><p>{int(params['vnp_Amount']) // 100}"
            f' đ</p><form method="post" action="/paymentv2/vpcpay.html">{hidden}'
            '<button name="outcome" value="pay">Thanh toán</button>'
            '<button name="outcome" value="cancel">Hủy thanh toán</button>'
            "</form></main></body></html>",
        )

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = dict(parse_qsl(self.rfile.read(length).decode()))
        outcome = form.pop("outcome", "")
        if not sandbox.valid_payment_request(form) or outcome not in sandbox.OUTCOMES:
            self._page(400, "<p>invalid</p>")
            return
        code, status = sandbox.OUTCOMES[outcome]
        # The sandbox's own signing of the callback query, on an unsaved ledger row.
        txn = SandboxTransaction(
            txn_ref=form["vnp_TxnRef"],
            transaction_no="14" + form["vnp_TxnRef"][-6:],
            amount=int(form["vnp_Amount"]),
            order_info=form.get("vnp_OrderInfo", ""),
            response_code=code,
            transaction_status=status,
            pay_date=form["vnp_CreateDate"],
        )
        query = sandbox.callback_params(txn)
        answer = requests.get(self.ipn_url, params=query, timeout=10).json()
        self.outcomes.append(answer["RspCode"])
        self.send_response(302)
        self.send_header("Location", f"{form['vnp_ReturnUrl']}?{urlencode(query)}")
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def outside_gateway(live_url, settings):
    """Run a stand-in VNPay on another loopback port and point VNPAY_PAYMENT_URL at it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandInVnpay)
    StandInVnpay.ipn_url = f"{live_url}/payments/vnpay/ipn/"
    StandInVnpay.outcomes = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    settings.VNPAY_PAYMENT_URL = f"{origin}/paymentv2/vpcpay.html"
    yield origin
    server.shutdown()
    server.server_close()


@pytest.fixture
def csp_page(browser, live_url):
    """A page with the portal's Content-Security-Policy enforced (no bypass_csp).

    axe-core comes in as an init script, which the browser runs outside the page's policy.
    """
    context = browser.new_context(
        base_url=live_url, locale="vi-VN", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    context.add_init_script(path=str(AXE_JS))
    page = context.new_page()
    yield page
    context.close()


def _axe_both_widths(page, axe_check) -> None:
    axe_check(page)
    page.set_viewport_size({"width": 390, "height": 844})
    axe_check(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_citizen_pays_at_a_gateway_on_another_origin_with_the_csp_on(
    csp_page, outside_gateway, live_url, login, axe_check
):
    # Issue 17.1: the pay button posts to the portal, which redirects to VNPAY_PAYMENT_URL;
    # form-action must allow that origin, or Chromium silently stays on the dossier page.
    page = csp_page
    citizen = CitizenFactory(email="nguoinop2@demo.vn")
    dossier = make_submitted(citizen, ProcedureFactory(agencies=[AgencyFactory()]))
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security" in msg.text else None,
    )

    login(page, citizen.email, PASSWORD)
    response = page.goto(f"/ho-so-cua-toi/{dossier.pk}/")
    policy = response.headers["content-security-policy"]
    form_action = next(d.strip() for d in policy.split(";") if "form-action" in d)
    assert form_action == f"form-action 'self' {outside_gateway}"
    fees = page.get_by_role("region", name="Phí, lệ phí và thanh toán")
    expect(fees).to_contain_text("chưa nộp")
    _axe_both_widths(page, axe_check)
    fees.get_by_role("button", name="Thanh toán trực tuyến").click()

    # At the gateway (another origin): the order, then pay.
    expect(page.get_by_role("heading", name="Cổng VNPAY (giả lập)")).to_be_visible()
    assert page.url.startswith(f"{outside_gateway}/paymentv2/vpcpay.html?")
    page.get_by_role("button", name="Thanh toán", exact=True).click()

    # Back at the portal: paid, recorded by the gateway's IPN.
    expect(page.get_by_role("heading", name="Kết quả thanh toán")).to_be_visible()
    assert page.url.startswith(f"{live_url}/payments/vnpay/return/?")
    expect(page.get_by_text("Thanh toán thành công.")).to_be_visible()
    _axe_both_widths(page, axe_check)
    page.get_by_role("link", name="Về trang hồ sơ").click()
    fees = page.get_by_role("region", name="Phí, lệ phí và thanh toán")
    expect(fees).to_contain_text("đã nộp")
    expect(fees.get_by_role("cell", name="Đã thanh toán")).to_be_visible()
    _axe_both_widths(page, axe_check)
    payment = Payment.objects.get(dossier=dossier)
    assert payment.status == PaymentStatus.PAID and payment.confirmed_via == "ipn"
    assert payment.gateway == "vnpay" and StandInVnpay.outcomes == ["00"]
    assert django_settings.VNPAY_PAYMENT_URL.startswith(outside_gateway)
    assert violations == []


def test_a_cancel_at_the_outside_gateway_says_cancelled_and_the_citizen_pays_again(
    csp_page, outside_gateway, live_url, login, axe_check
):
    page = csp_page
    citizen = CitizenFactory(email="nguoinop3@demo.vn")
    dossier = make_submitted(citizen, ProcedureFactory(agencies=[AgencyFactory()]))
    login(page, citizen.email, PASSWORD)
    page.goto(f"/ho-so-cua-toi/{dossier.pk}/")
    page.get_by_role("button", name="Thanh toán trực tuyến").click()
    page.get_by_role("button", name="Hủy thanh toán").click()

    expect(page.get_by_text("Bạn đã hủy thanh toán.")).to_be_visible()
    expect(page.get_by_text("Thanh toán không thành công.")).to_have_count(0)
    _axe_both_widths(page, axe_check)
    page.get_by_role("link", name="Về trang hồ sơ").click()
    fees = page.get_by_role("region", name="Phí, lệ phí và thanh toán")
    expect(fees.get_by_role("status")).to_contain_text("Bạn đã hủy lần thanh toán gần nhất")
    expect(fees.get_by_role("cell", name="Đã hủy thanh toán")).to_be_visible()
    _axe_both_widths(page, axe_check)

    # Paying again opens a new attempt at the gateway and settles the fee.
    fees.get_by_role("button", name="Thanh toán trực tuyến").click()
    page.get_by_role("button", name="Thanh toán", exact=True).click()
    expect(page.get_by_text("Thanh toán thành công.")).to_be_visible()
    assert StandInVnpay.outcomes == ["00", "00"]
    statuses = sorted(Payment.objects.filter(dossier=dossier).values_list("status", flat=True))
    assert statuses == [PaymentStatus.CANCELLED, PaymentStatus.PAID]


def _shots(page, name: str) -> None:
    # For a person to look at the pages at desktop and phone widths (not run in CI).
    if not os.environ.get("PAYMENT_SCREENSHOTS"):
        return
    page.screenshot(path=f"/tmp/i9_{name}_1280.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=f"/tmp/i9_{name}_390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
