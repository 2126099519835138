"""Reconciliation: a missed IPN is repaired by asking the gateway (querydr)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dossiers.constants import DossierAction
from payments import services, tasks
from payments.constants import PaymentStatus
from payments.models import Payment, ReconciliationReport
from tests.payments.conftest import pay_through_sandbox, sandbox_pay, start


@pytest.mark.django_db
def test_reconciliation_repairs_a_missed_ipn(owing, citizen):
    payment, _url = start(owing, citizen)
    sandbox_pay(payment, "pay")  # the payer paid, but the IPN never arrived
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    # Not yet 15 minutes old: left alone.
    assert services.payments_reconcile_pending() == {}
    later = timezone.now() + dt.timedelta(minutes=16)
    assert services.payments_reconcile_pending(now=later) == {"repaired": 1}
    payment.refresh_from_db()
    owing.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.confirmed_via == "querydr"
    assert not owing.payment_due
    assert owing.events.filter(action=DossierAction.CONFIRM_PAYMENT).count() == 1
    # Running again changes nothing.
    assert services.payments_reconcile_pending(now=later) == {}


@pytest.mark.django_db
def test_reconciliation_records_cancel_and_expires_abandoned_payments(owing, citizen):
    cancelled, _url = start(owing, citizen)
    sandbox_pay(cancelled, "cancel")
    Payment.objects.filter(pk=cancelled.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=30)
    )
    abandoned = Payment.objects.create(
        dossier=owing, amount=40_000, gateway="sandbox", txn_ref="261201ABANDONED1"
    )
    Payment.objects.filter(pk=abandoned.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=30)
    )
    assert tasks.payments_reconcile.delay().get() == {"repaired": 1, "expired": 1}
    cancelled.refresh_from_db()
    abandoned.refresh_from_db()
    # querydr has no "cancelled" status (VNPay reports 02, an error): recorded as failed.
    assert cancelled.status == PaymentStatus.FAILED and cancelled.paid_at is None
    assert abandoned.status == PaymentStatus.EXPIRED
    owing.refresh_from_db()
    assert owing.payment_due


@pytest.mark.django_db
def test_daily_report_lists_mismatches(client, owing, citizen):
    good, _url = start(owing, citizen)
    pay_through_sandbox(client, good)
    # A payment we believe paid that the gateway has never heard of.
    ghost = Payment.objects.create(
        dossier=owing,
        amount=40_000,
        gateway="sandbox",
        txn_ref="261201GHOST00001",
        status=PaymentStatus.PAID,
        paid_at=timezone.now(),
    )
    day = timezone.localdate()
    assert tasks.payments_daily_report.delay(day.isoformat()).get() == 2
    report = ReconciliationReport.objects.get(day=day)
    assert report.checked == 2
    assert [(m["txn_ref"], m["kind"]) for m in report.mismatches] == [
        (ghost.txn_ref, "status"),  # we say paid, the gateway never saw it
        (ghost.txn_ref, "paid_twice"),  # and the dossier would have been paid twice
    ]


@pytest.mark.django_db
def test_reconciliation_also_asks_about_recently_failed_payments(owing, citizen):
    # Issue 18.3: a payment closed as failed by a report that was not the last word is asked
    # about again; the gateway says it was paid, so it is recorded paid.
    payment, _url = start(owing, citizen)
    sandbox_pay(payment, "pay")
    Payment.objects.filter(pk=payment.pk).update(
        status=PaymentStatus.FAILED, response_code="99", closed_at=timezone.now()
    )
    later = timezone.now() + dt.timedelta(minutes=16)
    assert services.payments_reconcile_pending(now=later) == {"repaired": 1}
    payment.refresh_from_db()
    owing.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.confirmed_via == "querydr"
    assert not owing.payment_due
    # A truly failed one is asked about, stays failed, and only within a bounded window.
    failed = Payment.objects.create(
        dossier=owing, amount=40_000, gateway="sandbox", txn_ref="261201FAILED0001"
    )
    sandbox_pay(failed, "fail")
    Payment.objects.filter(pk=failed.pk).update(status=PaymentStatus.FAILED)
    assert services.payments_reconcile_pending(now=later) == {"settled": 1}
    failed.refresh_from_db()
    assert failed.status == PaymentStatus.FAILED
    much_later = timezone.now() + dt.timedelta(hours=25)
    assert services.payments_reconcile_pending(now=much_later) == {}
