"""Every read of payments for views and APIs; access goes through the dossier gate."""

from __future__ import annotations

import uuid

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from dossiers import selectors as dossier_selectors
from dossiers.constants import DossierStatus
from dossiers.models import Dossier
from dvctt.errors import NotFound
from dvctt.queries import one_or_none
from procedures.constants import FeePaymentStage
from procedures.fees import fee_payment_stage

from .models import Payment, Refund


def payments_of_dossier(*, dossier: Dossier) -> QuerySet[Payment]:
    """Return the dossier's payments, newest first, with their refunds."""
    return (
        Payment.objects.filter(dossier=dossier)
        .prefetch_related(Prefetch("refunds", queryset=Refund.objects.order_by("created_at")))
        .order_by("-created_at")
    )


def payment_get_by_txn_ref(*, txn_ref: str) -> Payment | None:
    """Return the payment a gateway's return names by its transaction reference, if any."""
    return Payment.objects.select_related("dossier").filter(txn_ref=txn_ref).first()


def payment_get_for_user(*, user: User, payment_id: uuid.UUID | str) -> Payment:
    """Return a payment of a dossier the user owns or handles, or raise NotFound."""
    payment = one_or_none(Payment.objects.select_related("dossier").filter(pk=payment_id))
    if payment is None:
        raise NotFound(_("Không tìm thấy giao dịch."))
    try:
        dossier_selectors.dossier_get_for_user(user=user, dossier_id=payment.dossier_id)
    except NotFound as exc:
        raise NotFound(_("Không tìm thấy giao dịch.")) from exc
    return payment


def payment_fee_due_reason(*, dossier: Dossier) -> str | None:
    """Return why the dossier owes no fee that could be taken now, or None if it owes one."""
    if dossier.status == DossierStatus.DRAFT:
        return _("Hồ sơ chưa được nộp.")
    if dossier.is_terminal:
        return _("Hồ sơ đã kết thúc xử lý, không nhận thanh toán.")
    if not dossier.payment_due or dossier.fee_amount <= 0:
        return _("Hồ sơ không có khoản phí, lệ phí nào phải nộp.")
    return None


def payment_block_reason(*, dossier: Dossier) -> str | None:
    """Return why the dossier's fee cannot be paid online now, or None if it can."""
    reason = payment_fee_due_reason(dossier=dossier)
    if reason:
        return reason
    if (
        fee_payment_stage(dossier.snapshot) == FeePaymentStage.REQUEST
        and dossier.status != DossierStatus.AWAITING_PAYMENT
    ):
        return _("Cơ quan giải quyết sẽ thông báo khi hồ sơ cần nộp phí, lệ phí.")
    return None
