"""Every write of payments: starting one, gateway confirmations, reconciliation, refunds.

Money is never counted twice: a confirmation locks the payment row, accepts only a payment
still open, refuses a gateway transaction number already used, and settles the dossier's fee
(its status change, DossierEvent and outbox rows) in the same transaction. Calls to the
gateway (querydr, refund) are made outside any transaction (docs/design.md rule 10).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import uuid
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from dossiers import selectors as dossier_selectors
from dossiers import workflow
from dossiers.constants import ActorRole
from dossiers.models import Dossier
from dossiers.workflow import services as dossier_services
from dvctt import workdays
from dvctt.errors import Conflict, Forbidden, InvalidInput
from dvctt.formats import format_dong, parse_dong

from . import selectors
from .constants import (
    DESK_METHODS,
    EXPIRE_AFTER_HOURS,
    RECONCILE_AFTER_MINUTES,
    REFUNDABLE_DOSSIER_STATUSES,
    GatewayName,
    IpnCode,
    PaymentMethod,
    PaymentPurpose,
    PaymentStatus,
    RefundStatus,
)
from .gateways import GatewayResult, GatewayUnavailable, PaymentGateway, get_gateway, sandbox
from .models import Payment, Receipt, ReceiptCounter, ReconciliationReport, Refund

log = logging.getLogger(__name__)

# A payment still open may be confirmed; an expired one too, since money taken after we gave
# up waiting is still the citizen's payment.
CONFIRMABLE = (PaymentStatus.PENDING, PaymentStatus.EXPIRED)
# A verified success may also settle a payment recorded as failed or cancelled: a failure
# report must never hide money the gateway then took (issue 18.3). A paid payment stays final.
SUCCESS_CONFIRMABLE = (*CONFIRMABLE, PaymentStatus.FAILED, PaymentStatus.CANCELLED)
# Reconciliation asks again about payments closed as failed or cancelled this recently.
RECONCILE_FAILED_HOURS = 24
RECONCILABLE = (PaymentStatus.PENDING, PaymentStatus.FAILED, PaymentStatus.CANCELLED)


class PaymentNotDue(Conflict):
    code = "payment_not_due"


def _txn_ref(now: dt.datetime) -> str:
    # The transaction reference: unique per attempt, letters and digits only (docs/api.md §7).
    return timezone.localtime(now, workdays.VN_TZ).strftime("%y%m%d") + secrets.token_hex(6).upper()


def _order_info(dossier: Dossier) -> str:
    # Gateways ask for plain ASCII without diacritics or special characters (docs/api.md §7).
    return f"Thanh toan phi le phi ho so {dossier.code}"


def _lock_dossier(dossier_pk: uuid.UUID) -> Dossier:
    """Lock the dossier row: one fee action at a time (a second click, a second desk)."""
    return (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("procedure_version")
        .get(pk=dossier_pk)
    )


def payment_start(
    *, actor: User, dossier_id: uuid.UUID | str, ip: str, return_url: str
) -> tuple[Payment, str]:
    """Open a payment of the dossier's fee and return it with the gateway URL to send the payer."""
    dossier = dossier_selectors.dossier_get_for_citizen(user=actor, dossier_id=dossier_id)
    gateway = get_gateway()
    now = timezone.now()
    with transaction.atomic():
        # The dossier row lock serialises two clicks of the pay button: the second reuses the
        # first attempt instead of opening a second charge.
        dossier = _lock_dossier(dossier.pk)
        reason = selectors.payment_block_reason(dossier=dossier)
        if reason:
            raise PaymentNotDue(reason)
        payment = (
            Payment.objects.filter(
                dossier=dossier,
                status=PaymentStatus.PENDING,
                amount=dossier.fee_amount,
                gateway=gateway.name,
                created_at__gte=now - gateway.pay_window + dt.timedelta(minutes=2),
            )
            .order_by("-created_at")
            .first()
        )
        if payment is None:
            payment = Payment.objects.create(
                dossier=dossier,
                payer=actor,
                amount=dossier.fee_amount,
                gateway=gateway.name,
                txn_ref=_txn_ref(now),
            )
    url = gateway.start(
        txn_ref=payment.txn_ref,
        amount=payment.amount,
        order_info=_order_info(dossier),
        return_url=return_url,
        ip=ip,
        created_at=payment.created_at,
    )
    return payment, url


def payment_apply_result(
    *,
    payment_id: uuid.UUID | str | None = None,
    txn_ref: str = "",
    result: GatewayResult,
    via: str,
    expect_amount: bool = True,
) -> str:
    """Record what the gateway reported about an open payment; return an IpnCode value."""
    try:
        with transaction.atomic():
            # The row lock serialises concurrent deliveries of one IPN: the first confirms, the
            # others wait, then see it settled and answer 02.
            lookup = {"pk": payment_id} if payment_id else {"txn_ref": txn_ref}
            payment = Payment.objects.select_for_update().filter(**lookup).first()
            if payment is None:
                return IpnCode.NOT_FOUND
            if expect_amount and not result.amount_matches(payment.amount):
                return IpnCode.INVALID_AMOUNT
            confirmable = SUCCESS_CONFIRMABLE if result.succeeded else CONFIRMABLE
            if payment.status not in confirmable:
                return IpnCode.ALREADY_CONFIRMED
            now = timezone.now()
            # One gateway transaction confirms one payment only: the unique constraint on
            # (gateway, gateway_txn_no) refuses a number already used (IntegrityError below).
            number = result.transaction_no[:40]
            payment.gateway_txn_no = "" if number in ("", "0") else number  # 0: no transaction
            payment.bank_code = result.bank_code[:20]
            payment.response_code = (result.response_code or result.transaction_status)[:4]
            payment.callback_data = result.raw
            payment.confirmed_via = via
            if result.succeeded:
                payment.status = PaymentStatus.PAID
                payment.paid_at = now
                payment.closed_at = None  # it may have been closed as failed before
                receipt_issue(payment=payment, at=now)  # its number, from the agency's sequence
            else:
                payment.status = (
                    PaymentStatus.CANCELLED if result.cancelled else PaymentStatus.FAILED
                )
                payment.closed_at = now
            payment.save(update_fields=[*PAYMENT_RESULT_FIELDS])
            if result.succeeded:
                dossier_services.dossier_settle_fee(
                    dossier_id=payment.dossier_id, amount=payment.amount, reference=payment.txn_ref
                )
    except IntegrityError:
        return IpnCode.ALREADY_CONFIRMED
    return IpnCode.CONFIRMED


PAYMENT_RESULT_FIELDS = (
    "gateway_txn_no", "bank_code", "response_code", "callback_data", "confirmed_via", "status",
    "paid_at", "receipt_no", "closed_at",
)  # fmt: skip


def payment_confirm_from_ipn(
    *, params: Mapping[str, Any], gateway: PaymentGateway | None = None
) -> tuple[str, str]:
    """Handle a gateway IPN: verify, find, compare, confirm once; return (code, message)."""
    try:
        # The signature comes first: nothing about an order is revealed to a forged call.
        result = (gateway or get_gateway()).read_callback(params)
        if result is None:
            return IpnCode.INVALID_SIGNATURE, IpnCode.INVALID_SIGNATURE.label
        if not result.reports_outcome:
            # Signed by us but not an outcome: our own payment redirect replayed here carries
            # no response code, transaction status or transaction number (issue 18.3).
            return IpnCode.OTHER, IpnCode.OTHER.label
        code = payment_apply_result(txn_ref=result.txn_ref, result=result, via="ipn")
        return code, IpnCode(code).label
    except Exception:  # the gateway gets 99 and retries; we get the traceback
        log.exception("payment IPN failed")
        return IpnCode.OTHER, IpnCode.OTHER.label


def payment_reconcile(*, payment_id: uuid.UUID | str, now: dt.datetime | None = None) -> str:
    """Ask the gateway about one open (or failed) payment and record the answer."""
    payment = Payment.objects.get(pk=payment_id)
    if payment.status not in RECONCILABLE:
        return "settled"
    now = now or timezone.now()
    gateway = get_gateway(payment.gateway)
    try:
        result = gateway.query(txn_ref=payment.txn_ref, created_at=payment.created_at)
    except GatewayUnavailable as exc:
        log.warning("querydr %s failed: %s", payment.txn_ref, exc)
        return "unavailable"
    if result.final:
        if result.amount != payment.amount:
            log.error("querydr %s: amount %s ≠ %s", payment.txn_ref, result.amount, payment.amount)
            return "amount_mismatch"
        code = payment_apply_result(
            payment_id=payment.pk, result=result, via="querydr", expect_amount=False
        )
        return "repaired" if code == IpnCode.CONFIRMED else "settled"
    # The gateway's page closes after its pay window; a little later nothing can still arrive.
    if payment.created_at < now - gateway.pay_window - dt.timedelta(minutes=5):
        updated = Payment.objects.filter(pk=payment.pk, status=PaymentStatus.PENDING).update(
            status=PaymentStatus.EXPIRED, closed_at=now
        )
        return "expired" if updated else "settled"
    return "pending"


def payments_reconcile_pending(
    *, now: dt.datetime | None = None, limit: int = 500
) -> dict[str, int]:
    """Reconcile payments pending (or recently failed) for 15 minutes; return outcome counts."""
    now = now or timezone.now()
    # A payment recorded as failed may still have been paid (a failure report that was not
    # the last word): it is asked about again for a bounded while (issue 18.3).
    pending = Q(
        status=PaymentStatus.PENDING,
        created_at__gte=now - dt.timedelta(hours=EXPIRE_AFTER_HOURS * 7),
    )
    failed = Q(
        status__in=(PaymentStatus.FAILED, PaymentStatus.CANCELLED),
        created_at__gte=now - dt.timedelta(hours=RECONCILE_FAILED_HOURS),
    )
    ids = list(
        Payment.objects.filter(
            pending | failed,
            created_at__lt=now - dt.timedelta(minutes=RECONCILE_AFTER_MINUTES),
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    counts: dict[str, int] = {}
    for payment_id in ids:
        outcome = payment_reconcile(payment_id=payment_id, now=now)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def reconciliation_report_build(*, day: dt.date) -> ReconciliationReport:
    """Compare the payments opened on one Vietnam day with the gateway; store the mismatches."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=workdays.VN_TZ)
    payments = list(
        Payment.objects.filter(created_at__gte=start, created_at__lt=start + dt.timedelta(days=1))
        .select_related("dossier")
        .order_by("created_at")
    )
    mismatches = []
    for payment in payments:
        if payment.method != PaymentMethod.ONLINE:
            continue  # taken at the desk: no gateway knows it, only the paid-twice check below
        try:
            answer = get_gateway(payment.gateway).query(
                txn_ref=payment.txn_ref, created_at=payment.created_at
            )
        except GatewayUnavailable as exc:
            mismatches.append(_mismatch(payment, "gateway_unavailable", str(exc)))
            continue
        ours_paid = payment.paid_at is not None
        theirs_paid = answer.succeeded
        if ours_paid != theirs_paid:
            mismatches.append(
                _mismatch(
                    payment,
                    "status",
                    _("Cổng: %(theirs)s; cổng DVC: %(ours)s")
                    % {"theirs": answer.transaction_status or "—", "ours": payment.status},
                )
            )
        elif ours_paid and answer.amount != payment.amount:
            mismatches.append(_mismatch(payment, "amount", f"{answer.amount} ≠ {payment.amount}"))
    paid_per_dossier: dict[Any, list[Payment]] = {}
    for payment in payments:
        if payment.paid_at:
            paid_per_dossier.setdefault(payment.dossier_id, []).append(payment)
    for paid in paid_per_dossier.values():
        if len(paid) > 1 and sum(p.amount - p.refunded_amount for p in paid) > paid[0].amount:
            mismatches.append(
                _mismatch(paid[-1], "paid_twice", _("Hồ sơ được thanh toán hai lần."))
            )
    report, _created = ReconciliationReport.objects.update_or_create(
        day=day, defaults={"checked": len(payments), "mismatches": mismatches}
    )
    return report


def _mismatch(payment: Payment, kind: str, detail: str) -> dict[str, Any]:
    return {
        "txn_ref": payment.txn_ref,
        "dossier": payment.dossier.code,
        "amount": payment.amount,
        "status": payment.status,
        "kind": kind,
        "detail": str(detail)[:300],
    }


# --- receipts and fees paid at the desk --------------------------------------------------------


def _receipt_items(dossier: Dossier, amount: int) -> list[dict[str, Any]]:
    # The fee names as in the catalogue (NĐ 123/2020 Điều 32: "tên loại phí, lệ phí"), with
    # their amounts when these add up to what was paid; an amount the agency set on request
    # (request_payment) is printed as the total only.
    quote = dossier_services.dossier_fee_quote(dossier, at=dossier.submitted_at)
    items: list[dict[str, Any]] = [
        {"name": line.name, "amount": line.amount} for line in quote.lines if line.name
    ]
    if not items:
        with translation.override("vi"):
            return [{"name": str(PaymentPurpose.FEE.label), "amount": amount}]
    if len(items) == 1:
        items[0]["amount"] = amount
    elif sum(item["amount"] or 0 for item in items) != amount:
        for item in items:
            item["amount"] = None
    return items


def receipt_issue(*, payment: Payment, at: dt.datetime) -> Receipt:
    """Give a payment that has just become paid its e-receipt, the next number of its agency."""
    # Called inside the transaction that marks the payment paid: if that rolls back, so does
    # the number, and the sequence keeps no gap (NĐ 123/2020 Điều 32: numbers run in order).
    # Locks in one order everywhere (dossier row, then the counter): a gateway confirmation and
    # a desk payment of the same dossier can then never wait on each other in a circle.
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("agency", "procedure_version")
        .get(pk=payment.dossier_id)
    )
    agency = dossier.agency
    year = timezone.localtime(at, workdays.VN_TZ).year
    # One counter row per (agency, year), created once; its row lock makes concurrent
    # confirmations of one agency take numbers one after the other, never the same one.
    ReceiptCounter.objects.bulk_create(
        [ReceiptCounter(agency=agency, year=year)], ignore_conflicts=True
    )
    counter = ReceiptCounter.objects.select_for_update().get(agency=agency, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    receipt = Receipt.objects.create(
        payment=payment,
        agency=agency,
        year=year,
        number=counter.last_number,
        form_symbol=agency.receipt_form_symbol,
        # The series carries the year's last two digits and E for an electronic receipt.
        series=f"{agency.receipt_series}-{year % 100:02d}E",
        agency_name=agency.name,
        agency_tax_code=agency.tax_code,
        payer_name=(dossier.applicant_name or "")[:200],
        items=_receipt_items(dossier, payment.amount),
        issued_at=at,
    )
    payment.receipt_no = f"{receipt.series} {receipt.display_number}"
    return receipt


DESK_ROLES = frozenset({ActorRole.RECEPTION})
MAX_REFERENCE = 100


class PaymentInProgress(Conflict):
    code = "payment_in_progress"


def _whole_dong(value: Any) -> int | None:
    """Return a positive whole amount of đồng from JSON or a form ("50000", "50.000"), or None."""
    number = parse_dong(value)  # the one reader of amounts (dvctt.formats)
    return number if number is not None and 0 < number <= settings.FEE_AMOUNT_MAX else None


def payment_record_at_desk(
    *, actor: User, dossier_id: uuid.UUID | str, method: Any, amount: Any, reference: Any = ""
) -> Payment:
    """Record a fee paid at the desk in cash or by transfer: paid at once, with its e-receipt."""
    dossier = dossier_selectors.dossier_get_for_user(user=actor, dossier_id=dossier_id)
    roles = workflow.actor_roles(dossier, actor)
    # NĐ 61/2018 Điều 22: the one-stop desk of the agency that received the dossier collects.
    if not (roles & DESK_ROLES) or workflow.GUEST in roles:
        raise Forbidden(_("Chỉ cán bộ Bộ phận Một cửa của cơ quan mới thu phí, lệ phí tại quầy."))
    errors: dict[str, list[str]] = {}
    if method not in DESK_METHODS:
        errors["method"] = [_("Hãy chọn hình thức nộp: tiền mặt hoặc chuyển khoản.")]
    value = _whole_dong(amount)
    if value is None:
        errors["amount"] = [_("Số tiền phải là số nguyên dương (đồng).")]
    reference = reference.strip() if isinstance(reference, str) else ""
    if method == PaymentMethod.TRANSFER and not reference:
        errors["reference"] = [_("Vui lòng nhập mã giao dịch chuyển khoản.")]
    elif len(reference) > MAX_REFERENCE:
        errors["reference"] = [_("Mã giao dịch tối đa %(n)s ký tự.") % {"n": MAX_REFERENCE}]
    if errors:
        raise InvalidInput(_("Thông tin khoản nộp chưa hợp lệ."), fields=errors)
    assert value is not None
    with transaction.atomic():
        # The dossier row lock serialises two clicks or two desks: the second finds the fee
        # settled and is refused, so a fee is never recorded twice.
        dossier = _lock_dossier(dossier.pk)
        reason = selectors.payment_fee_due_reason(dossier=dossier)
        if reason:
            raise PaymentNotDue(reason)
        if value != dossier.fee_amount:
            # Decision: the amount must be exactly what is owed. A part payment would leave
            # the fee half settled with nothing to track it; an overpayment would need a refund.
            message = _("Số tiền phải đúng bằng số phải nộp: %(amount)s.") % {
                "amount": format_dong(dossier.fee_amount)
            }
            raise InvalidInput(message, fields={"amount": [message]})
        now = timezone.now()
        pay_window = get_gateway().pay_window
        if Payment.objects.filter(
            dossier=dossier,
            method=PaymentMethod.ONLINE,
            status=PaymentStatus.PENDING,
            created_at__gte=now - pay_window,
        ).exists():
            # The citizen may be paying at the gateway right now: taking cash too would
            # charge them twice. The gateway's page closes after its pay window.
            raise PaymentInProgress(
                _(
                    "Người nộp đang thanh toán trực tuyến khoản phí này. Hãy chờ kết quả, "
                    "hoặc thu tại quầy sau %(minutes)s phút."
                )
                % {"minutes": int(pay_window.total_seconds() // 60)}
            )
        payment = Payment.objects.create(
            dossier=dossier,
            payer_id=dossier.applicant_id,
            amount=value,
            gateway=GatewayName.DESK,
            method=method,
            reference=reference,
            collected_by=actor,
            txn_ref=_txn_ref(now),
            status=PaymentStatus.PAID,
            paid_at=now,
            confirmed_via="desk",
        )
        receipt = receipt_issue(payment=payment, at=now)
        payment.save(update_fields=["receipt_no"])
        dossier_services.dossier_settle_fee(
            dossier_id=dossier.pk,
            amount=value,
            reference=payment.txn_ref,
            actor=actor,
            note=_("Đã thu %(amount)s tại Bộ phận Một cửa (%(method)s%(ref)s), biên lai số %(no)s.")
            % {
                "amount": format_dong(value),
                "method": PaymentMethod(method).label.lower(),
                "ref": f" {reference}" if reference else "",
                "no": f"{receipt.series} {receipt.display_number}",
            },
        )
    return payment


# --- refunds ---------------------------------------------------------------------------------

REFUND_ROLES = frozenset({ActorRole.RECEPTION, ActorRole.LEADER})


def _parse_amount(value: Any) -> int:
    parsed = parse_dong(value)  # the portal's one reader of amounts (issue 18.5)
    return -1 if parsed is None else parsed


def payment_refund(*, actor: User, payment_id: uuid.UUID | str, amount: Any, reason: str) -> Refund:
    """Give back all or part of a paid fee of a rejected, stopped or withdrawn dossier."""
    payment = selectors.payment_get_for_user(user=actor, payment_id=payment_id)
    if not (workflow.actor_roles(payment.dossier, actor) & REFUND_ROLES):
        raise Forbidden(_("Chỉ cán bộ một cửa hoặc lãnh đạo của cơ quan mới được hoàn tiền."))
    reason = (reason or "").strip()
    value = _parse_amount(amount)
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Vui lòng nêu lý do hoàn tiền.")]
    if value <= 0:
        errors["amount"] = [_("Số tiền hoàn phải là số nguyên dương (đồng).")]
    if errors:
        raise InvalidInput(_("Yêu cầu hoàn tiền chưa hợp lệ."), fields=errors)
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("dossier").get(pk=payment.pk)
        if payment.dossier.status not in REFUNDABLE_DOSSIER_STATUSES:
            raise Conflict(_("Chỉ hoàn phí cho hồ sơ bị từ chối, dừng xử lý hoặc công dân đã rút."))
        if payment.status not in (PaymentStatus.PAID, PaymentStatus.REFUNDED):
            raise Conflict(_("Giao dịch chưa được thanh toán, không có gì để hoàn."))
        if payment.method != PaymentMethod.ONLINE:
            # No gateway holds money taken at the desk; it is paid back at the desk.
            raise Conflict(_("Khoản nộp tại Bộ phận Một cửa không hoàn qua cổng thanh toán."))
        in_flight = sum(r.amount for r in payment.refunds.all() if r.status == RefundStatus.PENDING)
        remaining = payment.amount - payment.refunded_amount - in_flight
        if value > remaining:
            message = _("Số tiền hoàn vượt quá số còn có thể hoàn (%(left)s đồng).") % {
                "left": f"{remaining:,}".replace(",", ".")
            }
            raise InvalidInput(message, fields={"amount": [message]})
        refund = Refund.objects.create(
            payment=payment,
            amount=value,
            reason=reason[:2000],
            created_by=actor,
            request_id=secrets.token_hex(16),
        )
    full = value == payment.amount and payment.refunded_amount == 0
    try:
        answer = get_gateway(payment.gateway).refund(
            txn_ref=payment.txn_ref,
            amount=value,
            full=full,
            transaction_no=payment.gateway_txn_no,
            created_at=payment.created_at,
            by=actor.email,
        )
    except GatewayUnavailable as exc:
        # Left pending (and counted as in flight) rather than failed: the gateway may have
        # done it; reconciliation or an administrator settles it, never a second refund.
        log.warning("refund %s: gateway unavailable: %s", refund.request_id, exc)
        raise Conflict(
            _("Cổng thanh toán chưa phản hồi; yêu cầu hoàn tiền đang chờ xác nhận.")
        ) from exc
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        refund.response_code = answer.response_code
        refund.response_data = answer.raw
        refund.gateway_txn_no = answer.transaction_no[:40]
        if answer.ok:
            refund.status = RefundStatus.DONE
            refund.done_at = timezone.now()
            payment.refunded_amount += value
            if payment.refunded_amount >= payment.amount:
                payment.status = PaymentStatus.REFUNDED
            payment.save(update_fields=["refunded_amount", "status"])
            dossier_services.dossier_log_event(
                dossier_id=payment.dossier_id,
                action="refund",
                actor=actor,
                note=_("Hoàn %(amount)s đồng: %(reason)s")
                % {"amount": f"{value:,}".replace(",", "."), "reason": reason},
                data={"amount": value, "payment": payment.txn_ref},
            )
        else:
            refund.status = RefundStatus.FAILED
        refund.save()
    if not answer.ok:
        raise Conflict(
            _("Cổng thanh toán từ chối hoàn tiền (mã %(code)s).") % {"code": answer.response_code}
        )
    return refund


def sandbox_enabled() -> bool:
    """Tell whether the built-in sandbox gateway serves payments (no real gateway set)."""
    return sandbox.enabled()
