"""Notifications: one message to one person on one channel; preferences; the SMS stand-in."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import NotificationChannel, NotificationStatus


class Notification(models.Model):
    """One message for one person on one channel; `key` makes sending idempotent."""

    key = models.CharField(max_length=200, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("người nhận"),
    )
    address = models.CharField(_("địa chỉ nhận"), max_length=254, blank=True)
    channel = models.CharField(
        _("kênh"),
        max_length=10,
        choices=NotificationChannel.choices,
        default=NotificationChannel.EMAIL,
    )
    template = models.CharField(_("mẫu"), max_length=60, blank=True)
    context = models.JSONField(_("dữ liệu mẫu"), default=dict, blank=True)
    subject = models.CharField(_("tiêu đề"), max_length=250)
    body = models.TextField(_("nội dung"))
    link = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=NotificationStatus.choices,
        default=NotificationStatus.QUEUED,
    )
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)
    # When the next attempt is due: the backoff after a failure, or a claim while sending.
    next_attempt_at = models.DateTimeField(_("lần gửi tới"), default=timezone.now)
    sent_at = models.DateTimeField(_("thời điểm gửi"), null=True, blank=True)
    read_at = models.DateTimeField(_("thời điểm đọc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["next_attempt_at"],
                name="notification_due",
                condition=models.Q(status="queued"),
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class ChannelPreference(models.Model):
    """Whether a person wants one channel (notifications/channels.py); absent: its default.

    One row per (person, channel), so a new channel needs no new column. The in-app inbox is
    always on and has no row.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="channel_preferences",
        verbose_name=_("người dùng"),
    )
    channel = models.CharField(_("kênh"), max_length=10)
    enabled = models.BooleanField(_("nhận qua kênh này"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tùy chọn nhận thông báo")
        verbose_name_plural = _("tùy chọn nhận thông báo")
        constraints = [
            models.UniqueConstraint(fields=["user", "channel"], name="channel_preference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.channel}"


class SmsMessage(models.Model):
    """An SMS the built-in gateway stand-in accepted (SMS_GATEWAY_URL unset)."""

    to = models.CharField(_("số điện thoại"), max_length=20)
    text = models.CharField(_("nội dung"), max_length=160)
    sent_at = models.DateTimeField(_("thời điểm gửi"), default=timezone.now)

    class Meta:
        verbose_name = _("tin nhắn SMS (giả lập)")
        verbose_name_plural = _("tin nhắn SMS (giả lập)")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.to}: {self.text[:40]}"
