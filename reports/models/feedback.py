"""Feedback (phản ánh, kiến nghị — PAKN) about a procedure, an agency or a dossier."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from procedures.models import Procedure

from ..constants import FeedbackStatus


class Feedback(models.Model):
    """The sender's personal data (name, e-mail, phone) is shown only to the officials of the
    addressed agency; the code is what the sender follows it by."""

    code = models.CharField(_("mã phản ánh"), max_length=30, unique=True)
    title = models.CharField(_("tiêu đề"), max_length=200)
    content = models.TextField(_("nội dung"))
    name = models.CharField(_("họ và tên người gửi"), max_length=200)
    email = models.EmailField(_("thư điện tử"), blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=15, blank=True)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tài khoản người gửi"),
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("cơ quan tiếp nhận")
    )
    procedure = models.ForeignKey(
        Procedure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thủ tục"),
    )
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=40, blank=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=FeedbackStatus.choices,
        default=FeedbackStatus.RECEIVED,
    )
    received_at = models.DateTimeField(_("ngày tiếp nhận"))
    # The deadline of the step the feedback is in (refuse ≤ 2, request information ≤ 5,
    # answer ≤ 15 working days from receipt; publish ≤ 2 after the answer).
    due_at = models.DateTimeField(_("hạn xử lý"))
    answer = models.TextField(_("nội dung trả lời"), blank=True)
    answered_at = models.DateTimeField(_("ngày trả lời"), null=True, blank=True)
    published_at = models.DateTimeField(_("ngày công khai"), null=True, blank=True)

    class Meta:
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        indexes = [
            models.Index(fields=["agency", "status", "due_at"], name="feedback_agency_queue"),
            models.Index(fields=["agency", "received_at"], name="feedback_agency_time"),
        ]

    def __str__(self) -> str:
        return self.code
