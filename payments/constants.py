"""Fixed sets of the payments app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Đang chờ thanh toán")
    PAID = "paid", _("Đã thanh toán")
    FAILED = "failed", _("Thanh toán không thành công")
    CANCELLED = "cancelled", _("Đã hủy thanh toán")
    EXPIRED = "expired", _("Hết hạn thanh toán")
    REFUNDED = "refunded", _("Đã hoàn tiền")


class PaymentPurpose(models.TextChoices):
    FEE = "fee", _("Phí, lệ phí giải quyết thủ tục hành chính")


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("Đang hoàn tiền")
    DONE = "done", _("Đã hoàn tiền")
    FAILED = "failed", _("Hoàn tiền không thành công")


class GatewayName(models.TextChoices):
    VNPAY = "vnpay", _("VNPay")
    SANDBOX = "sandbox", _("Cổng thử nghiệm")
    # Not a gateway: money taken at the one-stop desk (NĐ 61/2018 Điều 22); nothing to query.
    DESK = "desk", _("Nộp tại Bộ phận Một cửa")


class PaymentMethod(models.TextChoices):
    ONLINE = "online", _("Trực tuyến qua cổng thanh toán")
    CASH = "cash", _("Tiền mặt")
    TRANSFER = "transfer", _("Chuyển khoản")


# What reception may record at the desk (docs/api.md §4).
DESK_METHODS = (PaymentMethod.CASH, PaymentMethod.TRANSFER)


# Outcomes of a gateway callback, with the codes of docs/api.md §7's IPN answer.
class IpnCode(models.TextChoices):
    CONFIRMED = "00", "Confirm Success"
    NOT_FOUND = "01", "Order not found"
    ALREADY_CONFIRMED = "02", "Order already confirmed"
    INVALID_AMOUNT = "04", "Invalid amount"
    INVALID_SIGNATURE = "97", "Invalid signature"
    OTHER = "99", "Unknown error"


# A pending payment older than this is asked about by reconciliation (the gateway's own
# payment page expires after 15 minutes).
RECONCILE_AFTER_MINUTES = 15
# Past this age an unanswered pending payment is closed as expired.
EXPIRE_AFTER_HOURS = 24
# Dossier statuses after which a paid fee may be refunded (the service was not delivered).
REFUNDABLE_DOSSIER_STATUSES = ("rejected", "stopped", "withdrawn")
