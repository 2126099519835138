"""Payment tasks: the sandbox's IPN delivery, reconciliation and the daily report."""

from __future__ import annotations

import datetime as dt
import logging

import requests
from celery import shared_task
from django.conf import settings
from django.utils import timezone

from dvctt import workdays

from . import services
from .constants import IpnCode
from .gateways import sandbox
from .models import SandboxTransaction

log = logging.getLogger(__name__)


class IpnNotAcknowledged(Exception):
    """The merchant did not answer 00 or 02: the gateway tries again later."""


# A gateway retries an IPN the merchant did not acknowledge; the sandbox does the same.
@shared_task(
    bind=True,
    autoretry_for=(requests.RequestException, IpnNotAcknowledged, ValueError),
    retry_backoff=5,
    retry_backoff_max=3600,
    max_retries=10,
)
def sandbox_send_ipn(self, txn_ref: str) -> str:
    """Send the sandbox's IPN for one transaction to the merchant, server to server."""
    # idempotency: the merchant answers 02 to a repeat, so resending is always safe.
    txn = SandboxTransaction.objects.filter(txn_ref=txn_ref).first()
    if txn is None:
        return "missing"
    resp = requests.get(
        txn.ipn_url,
        params=sandbox.callback_params(txn),
        timeout=settings.OUTSIDE_CALL_TIMEOUT_SECONDS,
    )
    code = str(resp.json().get("RspCode", ""))
    if code not in (IpnCode.CONFIRMED, IpnCode.ALREADY_CONFIRMED):
        raise IpnNotAcknowledged(code)
    return code


@shared_task(bind=True, max_retries=3, default_retry_delay=60)
def payments_reconcile(self) -> dict:
    """Ask the gateway about payments pending for more than 15 minutes and repair them."""
    # idempotency: each payment is re-read under a row lock and only an open one changes.
    return services.payments_reconcile_pending()


@shared_task(bind=True, max_retries=3, default_retry_delay=30)
def payment_reconcile_one(self, payment_id: str) -> str:
    """Ask the gateway about one payment (the payer came back before the IPN did)."""
    # idempotency: only a payment still open changes, under its row lock.
    return services.payment_reconcile(payment_id=payment_id)


@shared_task(bind=True, max_retries=3, default_retry_delay=300)
def payments_daily_report(self, day: str | None = None) -> int:
    """Build yesterday's (or `day`'s) reconciliation report; return its mismatch count."""
    # idempotency: the report of a day is replaced, never duplicated.
    when = (
        dt.date.fromisoformat(day)
        if day
        else timezone.localtime(timezone.now(), workdays.VN_TZ).date() - dt.timedelta(days=1)
    )
    report = services.reconciliation_report_build(day=when)
    if report.mismatches:
        log.warning("payments %s: %s mismatches", when, len(report.mismatches))
    return len(report.mismatches)
