"""A payment gateway is a plug-in (issue 19.2): registering one class is all it takes."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from payments import gateways
from payments.constants import PaymentStatus
from payments.models import Payment
from tests.payments.fake_gateway import PAY_URL, FakeGateway, callback


@pytest.fixture
def fake_gateway(settings):
    gateways.register_gateway("fake", FakeGateway)
    settings.PAYMENT_GATEWAY = "fake"
    yield
    del gateways.REGISTRY["fake"]


@pytest.mark.django_db
def test_a_registered_gateway_takes_a_dossier_from_start_to_paid(
    fake_gateway, client, owing, citizen
):
    client.force_login(citizen)
    page = client.get(f"/ho-so-cua-toi/{owing.pk}/")
    # The browser may follow the pay button's redirect to the gateway (CSP form-action).
    assert "form-action 'self' https://pay.fake.example" in page["Content-Security-Policy"]
    response = client.post(f"/thanh-toan/ho-so/{owing.pk}/")
    assert response.status_code == 302 and response["Location"].startswith(PAY_URL + "?")
    sent = dict(parse_qsl(urlsplit(response["Location"]).query))
    assert sent["back"] == "http://testserver/payments/fake/return/"
    payment = Payment.objects.get(dossier=owing)
    assert payment.gateway == "fake" and sent["ref"] == payment.txn_ref and sent["sum"] == "40000"

    # A forged callback is refused in the gateway's own terms; nothing changes.
    forged = callback(payment.txn_ref, 40_000) | {"sum": "1"}
    assert client.get("/payments/fake/ipn/", forged).json() == {
        "ok": "false",
        "detail": "Invalid signature",
    }
    # The gateway's IPN, server to server, on its own URL.
    answer = client.get("/payments/fake/ipn/", callback(payment.txn_ref, 40_000)).json()
    assert answer == {"ok": "true", "detail": "Confirm Success"}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.gateway_txn_no == "F-" + payment.txn_ref
    assert payment.receipt_no
    owing.refresh_from_db()
    assert not owing.payment_due
    # The payer's return on the gateway's own URL.
    page = client.get("/payments/fake/return/", callback(payment.txn_ref, 40_000))
    assert page.status_code == 200 and "Thanh toán thành công" in page.content.decode()
    # A repeat of the IPN is acknowledged once more, never counted twice.
    again = client.get("/payments/fake/ipn/", callback(payment.txn_ref, 40_000)).json()
    assert again == {"ok": "true", "detail": "Order already confirmed"}


@pytest.mark.django_db
def test_callbacks_of_an_unknown_gateway_are_not_found(client):
    assert client.get("/payments/nope/ipn/").status_code == 404
    assert client.get("/payments/nope/return/").status_code == 404


@pytest.mark.django_db
def test_vnpay_urls_of_api_md_still_answer_for_the_active_vnpay_protocol(client):
    # docs/api.md §7: the VNPay URLs keep their paths and their answer, whatever else is registered.
    assert gateways.get_gateway().callback_slug == "vnpay"
    answer = client.get("/payments/vnpay/ipn/", {"vnp_TxnRef": "x"}).json()
    assert answer == {"RspCode": "97", "Message": "Invalid signature"}
    assert client.get("/payments/vnpay/return/").status_code == 400
