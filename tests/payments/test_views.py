"""The payer's journey through the HTML edge and the API, with the sandbox gateway."""

from __future__ import annotations

import os
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
import responses
from django.conf import settings
from django.test import Client

from payments.constants import PaymentStatus
from payments.models import Payment
from tests.dossiers.papers import pdf_font_names
from tests.factories import CitizenFactory
from tests.payments.conftest import callback, sandbox_pay, start


def _route_ipn_to_django():
    """Deliver the sandbox task's HTTP IPN to the test client, as the real server would."""

    def deliver(request):
        parts = urlsplit(request.url)
        answer = Client().get(f"{parts.path}?{parts.query}")
        return answer.status_code, {"Content-Type": "application/json"}, answer.content

    responses.add_callback(responses.GET, "http://testserver/payments/vnpay/ipn/", callback=deliver)


@pytest.mark.django_db
@responses.activate
def test_pay_through_the_sandbox_then_download_the_receipt(
    client, owing, citizen, django_capture_on_commit_callbacks
):
    _route_ipn_to_django()
    client.force_login(citizen)
    page = client.get(f"/ho-so-cua-toi/{owing.pk}/").content.decode()
    assert "Thanh toán trực tuyến" in page and "40.000\xa0đ" in page
    response = client.post(f"/thanh-toan/ho-so/{owing.pk}/")
    assert response.status_code == 302
    gateway_url = response["Location"]
    assert gateway_url.startswith(f"{settings.PUBLIC_BASE_URL}/payments/sandbox/?")
    sandbox_path = "/payments/sandbox/?" + urlsplit(gateway_url).query
    page = client.get(sandbox_path)
    assert page.status_code == 200 and "40.000\xa0đ" in page.content.decode()
    fields = dict(page.context["fields"])
    with django_capture_on_commit_callbacks(execute=True):
        back = client.post("/payments/sandbox/", {**fields, "outcome": "pay"})
    assert back.status_code == 302 and "/payments/vnpay/return/?" in back["Location"]
    assert len(responses.calls) == 1  # the IPN, server to server
    result = client.get(urlsplit(back["Location"]).path + "?" + urlsplit(back["Location"]).query)
    assert "Thanh toán thành công" in result.content.decode()
    payment = Payment.objects.get(dossier=owing)
    assert payment.status == PaymentStatus.PAID and payment.confirmed_via == "ipn"
    owing.refresh_from_db()
    assert not owing.payment_due
    page = client.get(f"/ho-so-cua-toi/{owing.pk}/").content.decode()
    assert "Thanh toán trực tuyến" not in page and "Đã thanh toán" in page
    receipt = client.get(f"/thanh-toan/bien-lai/{payment.pk}/")
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")
    # Set in the Noto Sans shipped with the project, not in whatever the machine has.
    # The receipt is set like the other papers, in the serif shipped with the project.
    assert "DVCTT-Noto-Serif-Bold" in pdf_font_names(receipt.content)
    assert all(name.startswith("DVCTT-") for name in pdf_font_names(receipt.content))
    client.force_login(CitizenFactory())
    assert client.get(f"/thanh-toan/bien-lai/{payment.pk}/").status_code == 404


@pytest.mark.django_db
def test_return_page_asks_the_gateway_when_the_ipn_is_late(
    client, owing, citizen, django_capture_on_commit_callbacks
):
    from payments.gateways import sandbox

    payment, _url = start(owing, citizen)
    txn = sandbox_pay(payment, "pay")  # paid at the gateway; no IPN yet
    client.force_login(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get("/payments/vnpay/return/", sandbox.callback_params(txn))
    assert "Thanh toán thành công" in page.content.decode()
    payment.refresh_from_db()  # the queued querydr reconciliation recorded it
    assert payment.status == PaymentStatus.PAID and payment.confirmed_via == "querydr"


@pytest.mark.django_db
def test_return_page_trusts_no_forged_query_and_shows_a_cancel(client, owing, citizen):
    payment, _url = start(owing, citizen)
    client.force_login(citizen)
    forged = {**callback(payment), "vnp_ResponseCode": "00", "vnp_SecureHash": "ab" * 64}
    response = client.get("/payments/vnpay/return/", forged)
    assert response.status_code == 400
    assert "Không xác minh được" in response.content.decode()
    assert client.get("/payments/vnpay/ipn/", callback(payment, response="24", status="02"))
    page = client.get("/payments/vnpay/return/", callback(payment, response="24", status="02"))
    assert "Bạn đã hủy thanh toán" in page.content.decode()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELLED


@pytest.mark.django_db
def test_sandbox_refuses_an_unsigned_request(client):
    response = client.get("/payments/sandbox/", {"vnp_TxnRef": "X", "vnp_Amount": "100"})
    assert response.status_code == 400


@pytest.mark.django_db
def test_only_the_owner_may_start_and_a_double_click_reuses_the_attempt(client, owing, citizen):
    client.force_login(CitizenFactory())
    assert client.post(f"/thanh-toan/ho-so/{owing.pk}/").status_code == 404
    client.force_login(citizen)
    first = client.post(f"/thanh-toan/ho-so/{owing.pk}/")
    second = client.post(f"/thanh-toan/ho-so/{owing.pk}/")
    assert first["Location"] == second["Location"]
    assert Payment.objects.filter(dossier=owing).count() == 1


@pytest.mark.django_db
def test_api_starts_a_payment_and_lists_payments_in_the_detail(
    client, owing, citizen, free_procedure
):
    from tests.dossiers.conftest import make_submitted

    client.force_login(citizen)
    response = client.post(f"/api/v1/dossiers/{owing.pk}/payments/")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"payment_id", "amount", "redirect_url"} and body["amount"] == 40_000
    assert "vnp_SecureHash=" in body["redirect_url"]
    detail = client.get(f"/api/v1/dossiers/{owing.pk}/").json()
    assert detail["payments"] == [{"id": body["payment_id"], "amount": 40_000, "status": "pending"}]
    free = make_submitted(citizen, free_procedure)
    refused = client.post(f"/api/v1/dossiers/{free.pk}/payments/")
    assert refused.status_code == 409 and refused.json()["code"] == "payment_not_due"
    other = Client()
    other.force_login(CitizenFactory())
    assert other.post(f"/api/v1/dossiers/{owing.pk}/payments/").status_code == 404


def test_production_refuses_the_development_hash_secret(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dvctt.settings.production",
        "DJANGO_SECRET_KEY": "x7$kP2!vQ9@mZ4#rT6^wY8&uB1*eN3(hJ5)cL0-aS+dF=gH_jK" * 2,
        "DJANGO_ALLOWED_HOSTS": "x.vn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
        "VNPAY_HASH_SECRET": "dev-only-vnpay-secret",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "VNPAY_HASH_SECRET" in result.stderr


@pytest.mark.django_db
def test_review_page_shows_the_fee_summary_before_submission(client, citizen, agency):
    from tests.dossiers.conftest import make_draft
    from tests.procedures.factories import ProcedureFactory

    client.force_login(citizen)
    draft = make_draft(citizen, ProcedureFactory(agencies=[agency]))
    page = client.get(f"/ho-so/{draft.pk}/buoc/5/").content.decode()
    assert "40.000\xa0đ" in page and "mức nộp trực tuyến" in page
    assert "thanh toán trực tuyến ngay sau khi nộp hồ sơ" in page
    council = make_draft(
        citizen,
        ProcedureFactory(
            agencies=[agency], content__fee_amount=None, content__fee_online_amount=None
        ),
    )
    page = client.get(f"/ho-so/{council.pk}/buoc/5/").content.decode()
    assert "theo quy định của HĐND tỉnh" in page and "Không thu phí" not in page


@pytest.mark.django_db
def test_official_requests_payment_with_an_amount_and_sees_why_return_waits(
    client, citizen, agency, reception
):
    from dossiers.workflow import services as dossier_services
    from tests.dossiers.conftest import make_submitted
    from tests.procedures.factories import ProcedureFactory

    procedure = ProcedureFactory(
        agencies=[agency], content__fee_amount=None, content__fee_online_amount=None
    )
    dossier = make_submitted(citizen, procedure)
    dossier_services.dossier_run_action(actor=reception, dossier_id=dossier.pk, action="receive")
    client.force_login(reception)
    page = client.get(f"/can-bo/ho-so/{dossier.pk}/").content.decode()
    assert 'name="amount"' in page
    client.post(f"/can-bo/ho-so/{dossier.pk}/thao-tac/request_payment/", {"amount": "25.000"})
    dossier.refresh_from_db()
    assert dossier.status == "awaiting_payment" and dossier.fee_amount == 25_000
    client.force_login(citizen)
    page = client.get(f"/ho-so-cua-toi/{dossier.pk}/").content.decode()
    assert "Thanh toán trực tuyến" in page and "25.000\xa0đ" in page


@pytest.mark.django_db
def test_admin_exports_payments_as_csv(admin_client, owing, citizen):
    payment, _url = start(owing, citizen)
    listing = admin_client.get("/admin/payments/payment/?status__exact=pending")
    assert listing.status_code == 200 and payment.txn_ref in listing.content.decode()
    response = admin_client.post(
        "/admin/payments/payment/",
        {"action": "export_csv", "_selected_action": [str(payment.pk)]},
    )
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Mã giao dịch,Mã hồ sơ,Số tiền")
    assert lines[1].startswith(f"{payment.txn_ref},{owing.code},40000,pending")


@pytest.mark.django_db
def test_a_cancelled_payment_says_cancelled_on_the_return_and_dossier_pages(
    client, owing, citizen, django_capture_on_commit_callbacks
):
    # Issue 17.1: the payer came back from a cancel (vnp_ResponseCode 24) before the IPN;
    # querydr only knows "02", but the page must not call it a failure.
    from payments.gateways import sandbox

    payment, _url = start(owing, citizen)
    txn = sandbox_pay(payment, "cancel")
    client.force_login(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get("/payments/vnpay/return/", sandbox.callback_params(txn)).content.decode()
    assert "Bạn đã hủy thanh toán" in page and "không thành công" not in page
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING  # the IPN, not the browser, records it
    assert (
        client.get("/payments/vnpay/ipn/", sandbox.callback_params(txn)).json()["RspCode"] == "00"
    )
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELLED
    page = client.get(f"/ho-so-cua-toi/{owing.pk}/").content.decode()
    assert "Bạn đã hủy lần thanh toán gần nhất" in page and "không thành công" not in page
    assert "Thanh toán trực tuyến" in page  # and may pay again
    # A genuine failure is told as one.
    retry, _url = start(owing, citizen)
    assert client.get(
        "/payments/vnpay/ipn/", callback(retry, response="51", status="02", txn_no="9")
    )
    page = client.get(f"/ho-so-cua-toi/{owing.pk}/").content.decode()
    assert "Lần thanh toán gần nhất không thành công" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("", "form-action 'self' http://portal.example:8000"),  # the sandbox's public address
        (
            "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html",
            "form-action 'self' https://sandbox.vnpayment.vn",
        ),
        (
            "https://pay.vnpay.vn:8443/vpcpay.html?x=1",
            "form-action 'self' https://pay.vnpay.vn:8443",
        ),
        ("https://pay.vn;script-src *", "form-action 'self'"),  # nothing smuggled in
        ("javascript:alert(1)", "form-action 'self'"),
    ],
)
def test_csp_form_action_allows_exactly_the_configured_gateway_origin(
    client, settings, url, expected
):
    # Issue 17.1: the pay form's redirect goes to VNPAY_PAYMENT_URL; only its origin is added.
    settings.VNPAY_PAYMENT_URL = url
    settings.PUBLIC_BASE_URL = "http://portal.example:8000"
    policy = client.get("/")["Content-Security-Policy"]
    assert [d.strip() for d in policy.split(";") if "form-action" in d] == [expected]
    assert "default-src 'self'" in policy
    # Without a gateway and without the sandbox (production), no outside address at all.
    settings.VNPAY_PAYMENT_URL = ""
    settings.PAYMENT_SANDBOX_ALLOWED = False
    policy = client.get("/")["Content-Security-Policy"]
    assert [d.strip() for d in policy.split(";") if "form-action" in d] == ["form-action 'self'"]
