"""Message templates: subject, e-mail text (templates/notifications/email/*.txt) and SMS text.

Callers pass a template name and plain context (strings and numbers); the text is rendered
once, when the notification is recorded, so the inbox and every channel show the same words.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .constants import SMS_MAX_LENGTH


@dataclass(frozen=True)
class MessageTemplate:
    subject: str | Promise
    sms: str | Promise


MESSAGES: dict[str, MessageTemplate] = {
    "dossier_submitted": MessageTemplate(
        _("Hồ sơ %(code)s đã được nộp"),
        _("DVCTT: Hồ sơ %(code)s đã được nộp thành công. Tra cứu tại %(site)s/tra-cuu/"),
    ),
    "dossier_received": MessageTemplate(
        _("Hồ sơ %(code)s đã được tiếp nhận"),
        _("DVCTT: Hồ sơ %(code)s đã được tiếp nhận, hẹn trả kết quả %(due_at)s."),
    ),
    "supplement_requested": MessageTemplate(
        _("Hồ sơ %(code)s cần bổ sung giấy tờ"),
        _("DVCTT: Hồ sơ %(code)s cần bổ sung giấy tờ. Xem chi tiết và bổ sung trên cổng."),
    ),
    "payment_requested": MessageTemplate(
        _("Hồ sơ %(code)s: đề nghị nộp phí, lệ phí"),
        # %(fee)s is already written with its unit ("40.000 đ").
        _("DVCTT: Hồ sơ %(code)s cần nộp phí, lệ phí %(fee)s. Thanh toán trên cổng."),
    ),
    "payment_confirmed": MessageTemplate(
        _("Hồ sơ %(code)s: đã nhận phí, lệ phí"),
        _("DVCTT: Đã nhận phí, lệ phí của hồ sơ %(code)s. Cảm ơn ông/bà."),
    ),
    "result_ready": MessageTemplate(
        _("Hồ sơ %(code)s đã có kết quả"),
        _("DVCTT: Hồ sơ %(code)s đã có kết quả. Xem và nhận kết quả trên cổng."),
    ),
    "dossier_rejected": MessageTemplate(
        _("Hồ sơ %(code)s không được tiếp nhận"),
        _("DVCTT: Hồ sơ %(code)s không được tiếp nhận. Lý do xem trên cổng."),
    ),
    "dossier_stopped": MessageTemplate(
        _("Hồ sơ %(code)s bị dừng xử lý"),
        _("DVCTT: Hồ sơ %(code)s bị dừng xử lý. Lý do xem trên cổng."),
    ),
    "dossier_apology": MessageTemplate(
        _("Hồ sơ %(code)s: thư xin lỗi và hẹn lại ngày trả kết quả"),
        _("DVCTT: Xin lỗi vì hồ sơ %(code)s bị chậm; hẹn trả kết quả mới %(due_at)s."),
    ),
    "status_changed": MessageTemplate(
        _("Hồ sơ %(code)s: %(status)s"),
        _("DVCTT: Hồ sơ %(code)s chuyển sang trạng thái: %(status)s."),
    ),
    "draft_reminder": MessageTemplate(
        _("Nhắc việc: hồ sơ nháp chưa nộp"),
        _("DVCTT: Ông/bà còn %(count)s hồ sơ nháp chưa nộp. Hoàn thiện và nộp trên cổng."),
    ),
    "supplement_reminder": MessageTemplate(
        _("Nhắc việc: hồ sơ %(code)s đang chờ ông/bà bổ sung"),
        _("DVCTT: Hồ sơ %(code)s đang chờ bổ sung giấy tờ. Bổ sung trên cổng."),
    ),
    "official_digest": MessageTemplate(
        _("Nhắc việc hằng ngày: %(due_count)s hồ sơ sắp đến hạn, %(overdue_count)s quá hạn"),
        _("DVCTT: %(due_count)s hồ sơ sắp đến hạn, %(overdue_count)s hồ sơ quá hạn."),
    ),
    "leader_weekly": MessageTemplate(
        _("Tổng hợp tuần: %(agency)s"),
        _("DVCTT: Tuần qua nhận %(received)s, giải quyết %(completed)s, quá hạn %(overdue)s."),
    ),
}


class _SafeDict(dict):
    def __missing__(self, key: str) -> str:
        return ""


def render_message(template: str, context: dict) -> tuple[str, str]:
    """Return (subject, text body) of a message template in Vietnamese."""
    spec = MESSAGES[template]
    with translation.override("vi"):
        subject = str(spec.subject) % _SafeDict(context)
        body = render_to_string(f"notifications/email/{template}.txt", context).strip()
    return subject[:250], body


def strip_diacritics(text: str) -> str:
    """Return the text without Vietnamese diacritics (đ → d), as SMS operators require."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def sms_text(template: str, context: dict, *, fallback: str = "") -> str:
    """Return the SMS of a message: no diacritics, ASCII only, at most 160 characters."""
    spec = MESSAGES.get(template)
    with translation.override("vi"):
        text = str(spec.sms) % _SafeDict(context) if spec else fallback
    text = " ".join(strip_diacritics(text).split())
    text = text.encode("ascii", "ignore").decode()
    if len(text) > SMS_MAX_LENGTH:
        text = text[: SMS_MAX_LENGTH - 3].rstrip() + "..."
    return text
