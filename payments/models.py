"""Payments of dossier fees, their refunds, and the sandbox gateway's own ledger."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from dossiers.models import Dossier

from .constants import GatewayName, PaymentMethod, PaymentPurpose, PaymentStatus, RefundStatus


class Payment(models.Model):
    """One attempt to pay a dossier's fee through a gateway (one transaction reference)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="payments", verbose_name=_("hồ sơ")
    )
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    amount = models.BigIntegerField(_("số tiền (đồng)"))
    purpose = models.CharField(
        _("nội dung"), max_length=20, choices=PaymentPurpose.choices, default=PaymentPurpose.FEE
    )
    gateway = models.CharField(_("cổng thanh toán"), max_length=20, choices=GatewayName.choices)
    txn_ref = models.CharField(_("mã giao dịch"), max_length=40, unique=True)
    # The gateway's own transaction number, set once it reports a transaction.
    gateway_txn_no = models.CharField(_("mã giao dịch tại cổng"), max_length=40, blank=True)
    bank_code = models.CharField(_("ngân hàng"), max_length=20, blank=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=12,
        choices=PaymentStatus.choices,
        default=PaymentStatus.PENDING,
    )
    response_code = models.CharField(_("mã phản hồi"), max_length=4, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    paid_at = models.DateTimeField(_("thanh toán lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    refunded_amount = models.BigIntegerField(_("đã hoàn (đồng)"), default=0)
    callback_data = models.JSONField(_("dữ liệu cổng gửi về"), default=dict, blank=True)
    confirmed_via = models.CharField(_("xác nhận qua"), max_length=12, blank=True)
    receipt_no = models.CharField(_("số biên lai"), max_length=30, blank=True)
    # Fees paid at the desk (cash or bank transfer): who took the money, and the transfer's
    # reference on the agency's bank statement.
    method = models.CharField(
        _("hình thức nộp"),
        max_length=10,
        choices=PaymentMethod.choices,
        default=PaymentMethod.ONLINE,
    )
    reference = models.CharField(_("mã tham chiếu chuyển khoản"), max_length=100, blank=True)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("người thu tiền"),
    )

    class Meta:
        verbose_name = _("giao dịch thanh toán")
        verbose_name_plural = _("giao dịch thanh toán")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="payment_status_created"),
            models.Index(fields=["dossier", "-created_at"], name="payment_dossier_created"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_pos"),
            models.CheckConstraint(
                condition=models.Q(refunded_amount__gte=0)
                & models.Q(refunded_amount__lte=models.F("amount")),
                name="payment_refund_within_amount",
            ),
            # Deduplication of callbacks: one gateway transaction confirms one payment only.
            models.UniqueConstraint(
                fields=["gateway", "gateway_txn_no"],
                condition=~models.Q(gateway_txn_no=""),
                name="payment_gateway_txn_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.txn_ref

    @property
    def refundable_amount(self) -> int:
        return self.amount - self.refunded_amount if self.paid_at else 0


class Receipt(models.Model):
    """The e-receipt of a paid payment (biên lai thu phí, lệ phí điện tử).

    NĐ 123/2020/NĐ-CP Điều 32 lists what it carries; what may change later on the agency
    (name, tax code, symbols) is copied here when the receipt is issued, so a reprint is the
    same paper. Numbers run 1, 2, 3… per collecting agency and year without gaps.
    """

    payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, related_name="receipt", verbose_name=_("giao dịch")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị thu")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveIntegerField(_("số biên lai"))
    form_symbol = models.CharField(_("ký hiệu mẫu biên lai"), max_length=20)
    series = models.CharField(_("ký hiệu biên lai"), max_length=10)
    agency_name = models.CharField(_("tên đơn vị thu"), max_length=255)
    agency_tax_code = models.CharField(_("mã số thuế"), max_length=14, blank=True)
    payer_name = models.CharField(_("người nộp tiền"), max_length=200)
    # [{"name": fee name as in the catalogue, "amount": đồng or null}]
    items = models.JSONField(_("khoản thu"), default=list)
    issued_at = models.DateTimeField(_("lập lúc"))

    class Meta:
        verbose_name = _("biên lai")
        verbose_name_plural = _("biên lai")
        ordering = ["agency", "year", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "number"], name="receipt_number_unique_per_year"
            ),
            models.CheckConstraint(condition=models.Q(number__gt=0), name="receipt_number_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.display_number}"

    @property
    def display_number(self) -> str:
        # Seven digits, as receipt numbers are printed (0000001).
        return f"{self.number:07d}"


class ReceiptCounter(models.Model):
    """The last receipt number given by one agency in one year (locked while numbering)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="receipt_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}: {self.last_number}"


class Refund(models.Model):
    """Money given back for a paid payment, all or part, through the same gateway."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.BigIntegerField(_("số tiền hoàn (đồng)"))
    reason = models.TextField(_("lý do"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=RefundStatus.choices, default=RefundStatus.PENDING
    )
    request_id = models.CharField(_("mã yêu cầu"), max_length=40, unique=True)
    gateway_txn_no = models.CharField(_("mã giao dịch hoàn tại cổng"), max_length=40, blank=True)
    response_code = models.CharField(_("mã phản hồi"), max_length=4, blank=True)
    response_data = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("hoàn tiền")
        verbose_name_plural = _("hoàn tiền")
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_amount_pos")
        ]

    def __str__(self) -> str:
        return f"{self.payment_id}: {self.amount}"


class SandboxTransaction(models.Model):
    """The sandbox gateway's own record of what the payer did (stands in for VNPay's ledger)."""

    txn_ref = models.CharField(max_length=40, unique=True)
    transaction_no = models.CharField(max_length=20, unique=True)
    amount = models.BigIntegerField()  # vnp_Amount, đồng × 100, as the gateway keeps it
    order_info = models.CharField(max_length=255, blank=True)
    response_code = models.CharField(max_length=4)
    transaction_status = models.CharField(max_length=4)
    bank_code = models.CharField(max_length=20, default="NCB")
    pay_date = models.CharField(max_length=14)
    return_url = models.URLField(max_length=500)
    ipn_url = models.CharField(max_length=500)
    refunded = models.BigIntegerField(default=0)  # đồng × 100
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.txn_ref} {self.response_code}"


class ReconciliationReport(models.Model):
    """One day's comparison of our payments with what the gateway says."""

    day = models.DateField(unique=True)
    checked = models.PositiveIntegerField(default=0)
    mismatches = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("báo cáo đối soát")
        verbose_name_plural = _("báo cáo đối soát")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day}: {len(self.mismatches)}"
