"""The hub outbox (rows written with each status change) and the stand-in hub's record."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import OutboxStatus, PostalStatus


class HubOutboxEvent(models.Model):
    """One status change of one dossier, to be delivered to the national hub (docs/api.md §8)."""

    event_id = models.UUIDField(_("mã sự kiện"), default=uuid.uuid4, unique=True, editable=False)
    # The dossier the event belongs to: events of one stream go out in `sequence` order.
    stream = models.CharField(_("hồ sơ"), max_length=64)
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=40, blank=True)
    sequence = models.PositiveIntegerField(_("thứ tự"))
    payload = models.JSONField(_("nội dung"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("số lần gửi"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    last_status_code = models.PositiveSmallIntegerField(
        _("mã HTTP gần nhất"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("thời điểm ghi"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("lần gửi tới"), default=timezone.now)
    delivered_at = models.DateTimeField(_("thời điểm gửi xong"), null=True, blank=True)
    # Transient failures are retried until this + HUB_RETRY_HOURS; an admin retry restarts it.
    retry_window_start = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sự kiện đồng bộ")
        verbose_name_plural = _("hàng đợi đồng bộ Cổng quốc gia")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["stream", "sequence"], name="hub_outbox_stream_seq")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="hub_outbox_due",
                condition=models.Q(status="pending"),
            ),
            models.Index(
                fields=["stream", "sequence"],
                name="hub_outbox_undelivered",
                condition=~models.Q(status="delivered"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_code or self.stream} #{self.sequence}"


class HubReceivedEvent(models.Model):
    """What the built-in hub stand-in received (shown to admins when NATIONAL_HUB_URL is unset)."""

    event_id = models.UUIDField(_("mã sự kiện"), unique=True)
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=40)
    sequence = models.PositiveIntegerField(_("thứ tự"))
    status = models.CharField(_("trạng thái"), max_length=24)
    national_status = models.PositiveSmallIntegerField(_("mã trạng thái quốc gia"), null=True)
    payload = models.JSONField(_("nội dung"))
    received_at = models.DateTimeField(_("thời điểm nhận"), default=timezone.now)

    class Meta:
        verbose_name = _("sự kiện Cổng quốc gia (giả lập) đã nhận")
        verbose_name_plural = _("Cổng quốc gia (giả lập): sự kiện đã nhận")
        ordering = ["-id"]
        indexes = [models.Index(fields=["dossier_code", "sequence"], name="hub_received_dossier")]

    def __str__(self) -> str:
        return f"{self.dossier_code} #{self.sequence}"


class PostalItem(models.Model):
    """A result handed to the postal service for one dossier (NĐ 61/2018 Điều 20).

    Written as "pending" in the transaction that returns the result; the handover to the
    postal service (an outside call) happens after the commit, and the item number comes back
    from it. The service's reports move `status` forward by a signed callback.
    """

    # The dossier's id: integrations never imports dossiers; one item per dossier.
    reference = models.CharField(_("hồ sơ"), max_length=64, unique=True)
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=40)
    recipient_name = models.CharField(_("người nhận"), max_length=200)
    recipient_phone = models.CharField(_("điện thoại người nhận"), max_length=15, blank=True)
    address = models.CharField(_("địa chỉ nhận"), max_length=300)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=PostalStatus.choices, default=PostalStatus.PENDING
    )
    item_number = models.CharField(
        _("số hiệu bưu gửi"), max_length=20, unique=True, null=True, blank=True
    )
    attempts = models.PositiveIntegerField(_("số lần giao"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    # Reports already applied, by the service's event id: a repeated callback changes nothing.
    history = models.JSONField(_("diễn biến"), default=list, blank=True)
    created_at = models.DateTimeField(_("thời điểm ghi"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("lần giao tới"), default=timezone.now)
    updated_at = models.DateTimeField(_("cập nhật lần cuối"), auto_now=True)

    class Meta:
        verbose_name = _("bưu gửi kết quả")
        verbose_name_plural = _("bưu gửi kết quả")
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="postal_item_pending",
                condition=models.Q(status="pending"),
            )
        ]

    def __str__(self) -> str:
        return self.item_number or self.dossier_code
