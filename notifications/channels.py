"""Delivery channels as plug-ins: one class each, in a registry (docs/design.md rule 4).

A channel says who it can reach (`address`), whether a person may turn it on (`unavailable`),
how the preferences page names it (`label`, `help_text`) and sends (`send`). The preferences
page and notification_send_to_person are built from the registered channels; a person's
choices are ChannelPreference rows (person, channel), the channel's default when absent.
E-mail goes through Django's mail backend (EMAIL_URL picks SMTP); SMS through an HTTP gateway
(SMS_GATEWAY_URL) or the built-in stand-in; the in-app inbox is delivered by being stored.
"""

from __future__ import annotations

from typing import Any, Protocol

import requests
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .constants import NotificationChannel
from .messages import sms_text
from .models import Notification, SmsMessage


class ChannelError(Exception):
    """The channel could not deliver now; the notification is retried with backoff."""


class Channel(Protocol):
    code: str  # at most 10 characters (Notification.channel, ChannelPreference.channel)
    label: Any  # the preferences page's checkbox label
    help_text: Any
    # Always on (the inbox): shown checked and disabled, never stored as a preference.
    always_on: bool
    # Whether a person who never chose gets it (and anyone without an account).
    default_enabled: bool

    def address(self, *, recipient_id: int | None, email: str, phone: str) -> str:
        """Return where this person is reached on the channel, or "" if nowhere."""

    def unavailable(self, user: Any) -> str:
        """Return why the person cannot turn the channel on ("" when they can)."""

    def send(self, notification: Notification) -> None:
        """Deliver the notification; raise on failure so it is retried."""


class BaseChannel:
    """Defaults of an optional channel: off unless chosen, open to everyone."""

    code: str = ""
    label: Any = ""
    help_text: Any = ""
    always_on = False
    default_enabled = False

    def unavailable(self, user: Any) -> str:
        return ""


def _deliverable_email(address: str) -> bool:
    # Walk-in profiles carry a reserved .invalid address (RFC 2606) that can never receive mail.
    return bool(address) and "@" in address and not address.endswith(".invalid")


class EmailChannel(BaseChannel):
    """Send one notification by e-mail: a text part and an HTML part."""

    code: str = NotificationChannel.EMAIL
    label = _("Nhận thông báo qua thư điện tử")
    help_text = _("Gửi tới địa chỉ thư điện tử của tài khoản.")
    default_enabled = True

    def address(self, *, recipient_id: int | None, email: str, phone: str) -> str:
        return email if _deliverable_email(email) else ""

    def send(self, notification: Notification) -> None:
        """Send the message through Django's mail backend; raise on failure."""
        link = f"{settings.PUBLIC_BASE_URL}{notification.link}" if notification.link else ""
        text = notification.body + (f"\n\n{link}" if link else "")
        with translation.override("vi"):
            html = render_to_string(
                "notifications/email/layout.html",
                {
                    "subject": notification.subject,
                    "body": notification.body,
                    "link": link,
                    "PORTAL_NAME": settings.PORTAL_NAME,
                },
            )
        message = EmailMultiAlternatives(
            subject=notification.subject,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notification.address],
        )
        message.attach_alternative(html, "text/html")
        message.send(fail_silently=False)


class SmsGateway(Protocol):
    def send(self, *, to: str, text: str) -> None:
        """Hand one SMS to the operator; raise ChannelError on failure."""


class HttpSmsGateway:
    """POST {SMS_GATEWAY_URL} {"to","text"}; any non-2xx answer is a failure."""

    def __init__(self, url: str, *, timeout: float) -> None:
        self.url = url
        self.timeout = timeout

    def send(self, *, to: str, text: str) -> None:
        try:
            response = requests.post(self.url, json={"to": to, "text": text}, timeout=self.timeout)
        except requests.RequestException as exc:
            raise ChannelError(f"SMS gateway: {exc}") from exc
        if not 200 <= response.status_code < 300:
            raise ChannelError(f"SMS gateway: HTTP {response.status_code}")


class StandInSmsGateway:
    """The built-in gateway: keeps each SMS in the database (SmsMessage, shown to admins)."""

    def send(self, *, to: str, text: str) -> None:
        SmsMessage.objects.create(to=to, text=text)


def get_sms_gateway() -> SmsGateway:
    """Return the gateway chosen by settings (unset SMS_GATEWAY_URL = the stand-in)."""
    if settings.SMS_GATEWAY_URL:
        return HttpSmsGateway(
            settings.SMS_GATEWAY_URL, timeout=settings.OUTSIDE_CALL_TIMEOUT_SECONDS
        )
    return StandInSmsGateway()


class SmsChannel(BaseChannel):
    """Send the short form of a notification by SMS, without diacritics, in 160 characters."""

    code: str = NotificationChannel.SMS
    label = _("Nhận thông báo qua tin nhắn SMS")
    help_text = _("Tin nhắn ngắn, không dấu, gửi tới số điện thoại trong hồ sơ.")

    def address(self, *, recipient_id: int | None, email: str, phone: str) -> str:
        return phone

    def unavailable(self, user: Any) -> str:
        if getattr(user, "phone", ""):
            return ""
        return str(_("Tài khoản chưa có số điện thoại, nên chưa nhận được tin nhắn SMS."))

    def send(self, notification: Notification) -> None:
        """Send the SMS through the configured gateway; raise on failure."""
        text = sms_text(notification.template, notification.context, fallback=notification.subject)
        get_sms_gateway().send(to=notification.address, text=text)


class InAppChannel(BaseChannel):
    """The portal inbox: a stored notification is a delivered one."""

    code: str = NotificationChannel.IN_APP
    label = _("Hộp thư trên cổng")
    help_text = _("Luôn bật, để không thông báo nào bị mất.")
    always_on = True
    default_enabled = True

    def address(self, *, recipient_id: int | None, email: str, phone: str) -> str:
        return ""  # the inbox needs no address, only an account

    def send(self, notification: Notification) -> None:
        """Nothing to send: the inbox reads the stored row."""


CHANNELS: dict[str, Channel] = {}


def register_channel(channel: Channel) -> None:
    """Make a channel available under its code."""
    CHANNELS[channel.code] = channel


def get_channel(code: str) -> Channel:
    """Return the channel registered under this code."""
    return CHANNELS[code]


def optional_channels() -> list[Channel]:
    """Return the channels a person may turn on or off, in the order registered."""
    return [channel for channel in CHANNELS.values() if not channel.always_on]


def always_on_channels() -> list[Channel]:
    return [channel for channel in CHANNELS.values() if channel.always_on]


for _channel in (InAppChannel(), EmailChannel(), SmsChannel()):
    register_channel(_channel)
