"""A notification channel plug-in written for the tests: one class, in this module alone."""

from __future__ import annotations

from typing import Any

from notifications.channels import BaseChannel
from notifications.models import Notification

# What the channel delivered: (address, subject).
OUTBOX: list[tuple[str, str]] = []


class PigeonChannel(BaseChannel):
    code = "pigeon"
    label = "Nhận thông báo qua bồ câu đưa thư"
    help_text = "Bồ câu bay tới tài khoản của ông/bà."

    def address(self, *, recipient_id: int | None, email: str, phone: str) -> str:
        return f"loft-{recipient_id}" if recipient_id else ""

    def unavailable(self, user: Any) -> str:
        return ""

    def send(self, notification: Notification) -> None:
        OUTBOX.append((notification.address, notification.subject))
