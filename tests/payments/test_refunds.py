"""Refunds of a paid fee when the dossier is rejected, stopped or withdrawn."""

from __future__ import annotations

import pytest

from dossiers.workflow import services as dossier_services
from dvctt.errors import Conflict, Forbidden, InvalidInput
from payments import services
from payments.constants import PaymentStatus, RefundStatus
from payments.models import SandboxTransaction
from tests.payments.conftest import pay_through_sandbox, start


@pytest.fixture
def paid(client, owing, citizen):
    payment, _url = start(owing, citizen)
    pay_through_sandbox(client, payment)
    payment.refresh_from_db()
    return payment


@pytest.mark.django_db
def test_refund_only_for_ended_dossiers_and_by_the_desk(
    paid, owing, citizen, reception, specialist
):
    with pytest.raises(Conflict):  # still being handled: nothing to refund yet
        services.payment_refund(actor=reception, payment_id=paid.pk, amount=40_000, reason="x")
    dossier_services.dossier_withdraw(actor=citizen, dossier_id=owing.pk, note="Nộp nhầm")
    with pytest.raises(Forbidden):
        services.payment_refund(actor=specialist, payment_id=paid.pk, amount=1000, reason="x")
    with pytest.raises(InvalidInput) as exc:
        services.payment_refund(actor=reception, payment_id=paid.pk, amount="", reason="")
    assert set(exc.value.fields) == {"amount", "reason"}
    with pytest.raises(InvalidInput):
        services.payment_refund(actor=reception, payment_id=paid.pk, amount=40_001, reason="x")


@pytest.mark.django_db
def test_partial_then_full_refund_through_the_gateway(client, paid, owing, citizen, reception):
    dossier_services.dossier_withdraw(actor=citizen, dossier_id=owing.pk, note="Nộp nhầm")
    refund = services.payment_refund(
        actor=reception, payment_id=paid.pk, amount="10.000", reason="Công dân rút hồ sơ"
    )
    assert refund.status == RefundStatus.DONE and refund.amount == 10_000
    paid.refresh_from_db()
    assert paid.status == PaymentStatus.PAID and paid.refunded_amount == 10_000
    assert SandboxTransaction.objects.get(txn_ref=paid.txn_ref).refunded == 1_000_000
    services.payment_refund(actor=reception, payment_id=paid.pk, amount=30_000, reason="Phần còn")
    paid.refresh_from_db()
    assert paid.status == PaymentStatus.REFUNDED and paid.refunded_amount == 40_000
    with pytest.raises(InvalidInput):
        services.payment_refund(actor=reception, payment_id=paid.pk, amount=1, reason="x")
    assert owing.events.filter(action="refund").count() == 2
    # The citizen sees the refund on the dossier page.
    client.force_login(citizen)
    page = client.get(f"/ho-so-cua-toi/{owing.pk}/").content.decode()
    assert "Đã hoàn tiền" in page and "Hoàn 10.000 đ" in page


@pytest.mark.django_db
def test_official_refunds_from_the_dossier_page(client, paid, owing, citizen, reception):
    dossier_services.dossier_withdraw(actor=citizen, dossier_id=owing.pk)
    client.force_login(reception)
    page = client.get(f"/can-bo/ho-so/{owing.pk}/").content.decode()
    assert "Hoàn tiền" in page
    response = client.post(
        f"/can-bo/thanh-toan/{paid.pk}/hoan-tien/", {"amount": "40000", "reason": "Rút hồ sơ"}
    )
    assert response.status_code == 302
    paid.refresh_from_db()
    assert paid.status == PaymentStatus.REFUNDED
