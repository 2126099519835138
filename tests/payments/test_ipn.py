"""IPN handling (docs/api.md §7): signature first, order, amount, one confirmation only."""

from __future__ import annotations

import time
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.conf import settings

from dossiers.constants import DossierAction, DossierStatus
from payments.constants import PaymentStatus
from payments.gateways import vnpay
from payments.models import Payment
from tests.concurrency import run_at_once
from tests.payments.conftest import callback, start

IPN = "/payments/vnpay/ipn/"


def _ipn(client, params):
    response = client.get(IPN, params)
    assert response.status_code == 200
    return response.json()


@pytest.mark.django_db
def test_valid_ipn_confirms_payment_settles_fee_and_records_event(client, owing, citizen):
    payment, _url = start(owing, citizen)
    started = time.perf_counter()
    answer = _ipn(client, callback(payment))
    assert time.perf_counter() - started < 1.0  # "answer within a second"
    assert answer == {"RspCode": "00", "Message": "Confirm Success"}
    payment.refresh_from_db()
    owing.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.paid_at
    assert payment.gateway_txn_no == "14123456" and payment.confirmed_via == "ipn"
    assert payment.callback_data["vnp_TxnRef"] == payment.txn_ref
    assert not owing.payment_due and owing.status == DossierStatus.SUBMITTED
    event = owing.events.get(action=DossierAction.CONFIRM_PAYMENT)
    assert event.actor is None and event.data["amount"] == 40_000


@pytest.mark.django_db
def test_forged_ipn_is_refused_with_97_and_changes_nothing(client, owing, citizen):
    payment, _url = start(owing, citizen)
    forged = callback(payment)
    forged["vnp_Amount"] = "100"  # tampered after signing
    assert _ipn(client, forged)["RspCode"] == "97"
    assert _ipn(client, {**callback(payment), "vnp_SecureHash": "00" * 64})["RspCode"] == "97"
    no_hash = {k: v for k, v in callback(payment).items() if k != "vnp_SecureHash"}
    assert _ipn(client, no_hash)["RspCode"] == "97"
    # A forged call about an unknown order learns nothing either: still 97, not 01.
    assert _ipn(client, {**forged, "vnp_TxnRef": "NOPE"})["RspCode"] == "97"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


@pytest.mark.django_db
def test_wrong_amount_is_04_and_unknown_order_is_01(client, owing, citizen):
    payment, _url = start(owing, citizen)
    assert _ipn(client, callback(payment, amount=payment.amount - 1))["RspCode"] == "04"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    unknown = Payment(txn_ref="261201FFFFFFFFFFFF", amount=40_000)
    assert _ipn(client, callback(unknown))["RspCode"] == "01"


@pytest.mark.django_db
def test_replay_is_02_and_confirms_once(client, owing, citizen):
    payment, _url = start(owing, citizen)
    params = callback(payment)
    assert _ipn(client, params)["RspCode"] == "00"
    assert _ipn(client, params)["RspCode"] == "02"
    assert owing.events.filter(action=DossierAction.CONFIRM_PAYMENT).count() == 1


@pytest.mark.django_db
def test_one_gateway_transaction_cannot_confirm_two_payments(client, owing, citizen):
    first, _url = start(owing, citizen)
    assert _ipn(client, callback(first, response="24", status="02", txn_no="0"))["RspCode"] == "00"
    second, _url = start(owing, citizen)
    assert second.pk != first.pk
    assert _ipn(client, callback(second, txn_no="555"))["RspCode"] == "00"
    third = Payment.objects.create(
        dossier=owing, amount=40_000, gateway="sandbox", txn_ref="261201DUPLICATE1"
    )
    assert _ipn(client, callback(third, txn_no="555"))["RspCode"] == "02"
    third.refresh_from_db()
    assert third.status == PaymentStatus.PENDING


@pytest.mark.django_db
def test_cancelled_or_failed_payment_is_not_marked_paid(client, owing, citizen):
    payment, _url = start(owing, citizen)
    assert _ipn(client, callback(payment, response="24", status="02"))["RspCode"] == "00"
    payment.refresh_from_db()
    owing.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELLED and payment.paid_at is None
    assert owing.payment_due
    # A second failure report for the same order changes nothing.
    assert _ipn(client, callback(payment, response="51", status="02"))["RspCode"] == "02"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELLED
    # Response 00 with a transaction status other than 00 is not a payment either.
    retry, _url = start(owing, citizen)
    assert _ipn(client, callback(retry, response="00", status="02", txn_no="7"))["RspCode"] == "00"
    retry.refresh_from_db()
    assert retry.status == PaymentStatus.FAILED
    owing.refresh_from_db()
    assert owing.payment_due


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_replays_confirm_exactly_once(owing, citizen) -> None:
    from payments.services import payment_confirm_from_ipn

    payment, _url = start(owing, citizen)
    params = callback(payment)

    def deliver() -> str:
        return str(payment_confirm_from_ipn(params=params)[0])

    codes = run_at_once(*[deliver] * 10)
    assert sorted(codes) == ["00"] + ["02"] * 9
    assert owing.events.filter(action=DossierAction.CONFIRM_PAYMENT).count() == 1
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID


@pytest.mark.django_db
def test_awaiting_payment_dossier_goes_back_to_processing_when_paid(client, citizen, agency):
    from accounts.constants import StaffRoleName
    from dossiers.workflow import services as dossier_services
    from tests.dossiers.conftest import make_submitted
    from tests.factories import make_official
    from tests.procedures.factories import ProcedureFactory

    procedure = ProcedureFactory(agencies=[agency], fee_payment_stage="request")
    dossier = make_submitted(citizen, procedure)
    reception = make_official(agency=agency, role=StaffRoleName.RECEPTION)
    dossier_services.dossier_run_action(actor=reception, dossier_id=dossier.pk, action="receive")
    # Pay-on-request procedure: nothing to pay until the official asks.
    from payments.services import PaymentNotDue

    with pytest.raises(PaymentNotDue):
        start(dossier, citizen)
    dossier = dossier_services.dossier_run_action(
        actor=reception, dossier_id=dossier.pk, action="request_payment", data={"amount": "45.000"}
    )
    assert dossier.status == DossierStatus.AWAITING_PAYMENT and dossier.fee_amount == 45_000
    payment, _url = start(dossier, citizen)
    assert payment.amount == 45_000
    assert _ipn(client, callback(payment))["RspCode"] == "00"
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.IN_PROGRESS and not dossier.payment_due


def _redirect_query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


@pytest.mark.django_db
def test_the_portals_own_redirect_replayed_as_ipn_changes_nothing(client, owing, citizen):
    # Issue 18.3: the query of our payment redirect is signed with our secret, so it passes
    # the signature check; it states no outcome and must not close the payment as failed.
    payment, url = start(owing, citizen)
    replayed = _redirect_query(url)
    assert "vnp_SecureHash" in replayed and "vnp_ResponseCode" not in replayed
    assert _ipn(client, replayed) == {"RspCode": "99", "Message": "Unknown error"}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert payment.callback_data == {} and payment.closed_at is None
    # Then the gateway's genuine success is recorded: 00, paid, fee settled.
    assert _ipn(client, callback(payment))["RspCode"] == "00"
    payment.refresh_from_db()
    owing.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and not owing.payment_due


@pytest.mark.django_db
@pytest.mark.parametrize(
    "missing", ["vnp_ResponseCode", "vnp_TransactionStatus", "vnp_TransactionNo"]
)
def test_a_signed_callback_without_its_outcome_fields_is_99(client, owing, citizen, missing):
    payment, _url = start(owing, citizen)
    params = callback(payment, response="51", status="02")
    del params[missing]
    params["vnp_SecureHash"] = vnpay.sign(params, settings.VNPAY_HASH_SECRET)
    assert _ipn(client, params)["RspCode"] == "99"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and payment.response_code == ""


@pytest.mark.django_db
@pytest.mark.parametrize(("response", "status"), [("51", "02"), ("24", "02"), ("11", "02")])
def test_a_failure_never_blocks_a_later_verified_success(client, owing, citizen, response, status):
    payment, _url = start(owing, citizen)
    assert _ipn(client, callback(payment, response=response, status=status))["RspCode"] == "00"
    payment.refresh_from_db()
    assert payment.status in (PaymentStatus.FAILED, PaymentStatus.CANCELLED)
    # A success with the wrong amount is still refused, and changes nothing.
    assert _ipn(client, callback(payment, amount=payment.amount + 1))["RspCode"] == "04"
    payment.refresh_from_db()
    assert payment.paid_at is None
    assert _ipn(client, callback(payment))["RspCode"] == "00"
    payment.refresh_from_db()
    owing.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.paid_at and payment.closed_at is None
    assert not owing.payment_due
    assert owing.events.filter(action=DossierAction.CONFIRM_PAYMENT).count() == 1
    # Paid is final: a later failure report or a repeat of the success is 02.
    assert _ipn(client, callback(payment, response="51", status="02"))["RspCode"] == "02"
    assert _ipn(client, callback(payment))["RspCode"] == "02"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
