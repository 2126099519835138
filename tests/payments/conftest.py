"""Fixtures of the payment tests: a dossier owing a fee, and gateway callbacks as VNPay sends."""

from __future__ import annotations

import pytest
from django.conf import settings

from payments import services
from payments.gateways import sandbox, vnpay
from tests.dossiers.conftest import (  # noqa: F401  (fixtures re-exported)
    clerk,
    free_procedure,
    leader,
    make_submitted,
    procedure,
    reception,
    specialist,
)

RETURN_URL = "http://testserver/payments/vnpay/return/"


@pytest.fixture
def owing(citizen, procedure):  # noqa: F811
    """A submitted dossier owing the factory's online fee (40,000 đ), payable now."""
    return make_submitted(citizen, procedure)


def start(dossier, citizen):
    """Open a payment of the dossier as its owner would; return (payment, redirect URL)."""
    return services.payment_start(
        actor=citizen, dossier_id=dossier.pk, ip="203.0.113.7", return_url=RETURN_URL
    )


def callback(payment, *, response="00", status="00", amount=None, txn_no="14123456", **extra):
    """Return a correctly signed IPN query for `payment`, as the gateway sends it."""
    params = {
        "vnp_TmnCode": settings.VNPAY_TMN_CODE,
        "vnp_Amount": str((payment.amount if amount is None else amount) * 100),
        "vnp_BankCode": "NCB",
        "vnp_BankTranNo": "VNP" + txn_no,
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": "Thanh toan phi",
        "vnp_PayDate": "20261201103500",
        "vnp_ResponseCode": response,
        "vnp_TransactionNo": txn_no,
        "vnp_TransactionStatus": status,
        "vnp_TxnRef": payment.txn_ref,
        "vnp_SecureHashType": "HmacSHA512",
        **extra,
    }
    params["vnp_SecureHash"] = vnpay.sign(params, settings.VNPAY_HASH_SECRET)
    return params


def sandbox_pay(payment, outcome: str = "pay"):
    """Make the sandbox gateway record the payer's choice without sending the IPN."""
    gateway = sandbox.gateway_from_settings()
    params = gateway.payment_params(
        txn_ref=payment.txn_ref,
        amount=payment.amount,
        order_info="Thanh toan phi",
        return_url=RETURN_URL,
        ip="203.0.113.7",
        created_at=payment.created_at,
    )
    return sandbox.record_outcome(params, outcome=outcome, ipn_url="http://testserver/ipn")


def pay_through_sandbox(client, payment, outcome: str = "pay"):
    """Pay at the sandbox and deliver its IPN; return the sandbox transaction."""
    txn = sandbox_pay(payment, outcome)
    answer = client.get("/payments/vnpay/ipn/", sandbox.callback_params(txn)).json()
    assert answer["RspCode"] == "00", answer
    return txn
