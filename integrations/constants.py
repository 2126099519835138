"""Fixed sets of the integrations app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    DELIVERED = "delivered", _("Đã gửi")
    DEAD = "dead", _("Lỗi, cần xử lý")


class PostalStatus(models.TextChoices):
    """Where a result sent by post is (the postal service reports the last four)."""

    PENDING = "pending", _("Chờ giao cho bưu chính")
    HANDED_OVER = "handed_over", _("Đã giao cho bưu chính")
    IN_TRANSIT = "in_transit", _("Đang vận chuyển")
    DELIVERED = "delivered", _("Đã phát thành công")
    RETURNED = "returned", _("Chuyển hoàn về cơ quan")


# A report never moves an item back: a late "in transit" after "delivered" changes nothing.
POSTAL_STATUS_ORDER = {
    PostalStatus.PENDING: 0,
    PostalStatus.HANDED_OVER: 1,
    PostalStatus.IN_TRANSIT: 2,
    PostalStatus.DELIVERED: 3,
    PostalStatus.RETURNED: 3,
}
# What the postal service may report by callback.
POSTAL_REPORTED = (PostalStatus.IN_TRANSIT, PostalStatus.DELIVERED, PostalStatus.RETURNED)
