"""Feedback (phản ánh, kiến nghị — PAKN) about a procedure, an agency or a dossier."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from dossiers.models import AppendOnlyModel
from procedures.models import Procedure

from ..constants import FEEDBACK_EVENT_SUBMIT, FeedbackAction, FeedbackStatus


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
    # The answer deadline (15 working days from receipt) stays known whatever step is current.
    answer_due_at = models.DateTimeField(_("hạn trả lời"), null=True, blank=True)
    # Why the agency refused it or what information it asks for: shown to whoever holds the code.
    reason = models.TextField(_("lý do"), blank=True)
    answer = models.TextField(_("nội dung trả lời"), blank=True)
    answered_at = models.DateTimeField(_("ngày trả lời"), null=True, blank=True)
    published_at = models.DateTimeField(_("ngày công khai"), null=True, blank=True)

    # Title, content and answer folded (procedures.text.fold): published answers are searched
    # without regard to diacritics or case.
    search_text = models.TextField(_("nội dung tìm kiếm"), blank=True, editable=False)

    class Meta:
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        indexes = [
            models.Index(fields=["agency", "status", "due_at"], name="feedback_agency_queue"),
            models.Index(fields=["agency", "received_at"], name="feedback_agency_time"),
            models.Index(fields=["status", "published_at"], name="feedback_published"),
        ]

    def __str__(self) -> str:
        return self.code


class FeedbackEvent(AppendOnlyModel):
    """One step of a feedback's handling, appended and never changed (the officials' record)."""

    feedback = models.ForeignKey(
        Feedback, on_delete=models.CASCADE, related_name="events", verbose_name=_("phản ánh")
    )
    action = models.CharField(_("thao tác"), max_length=20)
    from_status = models.CharField(_("trạng thái trước"), max_length=20, blank=True)
    to_status = models.CharField(_("trạng thái sau"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    note = models.TextField(_("ghi chú"), blank=True)
    due_at = models.DateTimeField(_("hạn của bước tiếp theo"), null=True, blank=True)
    at = models.DateTimeField(_("thời điểm"), default=timezone.now)

    class Meta:
        verbose_name = _("bước xử lý phản ánh")
        verbose_name_plural = _("các bước xử lý phản ánh")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.feedback_id}: {self.action}"

    def get_action_label(self) -> str:
        if self.action == FEEDBACK_EVENT_SUBMIT:
            return str(_("Gửi phản ánh, kiến nghị"))
        try:
            return str(FeedbackAction(self.action).label)
        except ValueError:
            return self.action
