"""Delivery channels behind one interface, chosen through a registry (DESIGN.md §3.4).

E-mail goes through Django's mail backend (EMAIL_URL picks SMTP); SMS through an HTTP gateway
(SMS_GATEWAY_URL) or the built-in stand-in; the in-app inbox is delivered by being stored.
"""

from __future__ import annotations

from typing import Protocol

import requests
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from .constants import NotificationChannel
from .messages import sms_text
from .models import Notification, SmsMessage


class ChannelError(Exception):
    """The channel could not deliver now; the notification is retried with backoff."""


class Channel(Protocol):
    code: str

    def send(self, notification: Notification) -> None:
        """Deliver the notification; raise on failure so it is retried."""


class EmailChannel:
    """Send one notification by e-mail: a text part and an HTML part."""

    code: str = NotificationChannel.EMAIL

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


class SmsChannel:
    """Send the short form of a notification by SMS, without diacritics, in 160 characters."""

    code: str = NotificationChannel.SMS

    def send(self, notification: Notification) -> None:
        """Send the SMS through the configured gateway; raise on failure."""
        text = sms_text(notification.template, notification.context, fallback=notification.subject)
        get_sms_gateway().send(to=notification.address, text=text)


class InAppChannel:
    """The portal inbox: a stored notification is a delivered one."""

    code: str = NotificationChannel.IN_APP

    def send(self, notification: Notification) -> None:
        """Nothing to send: the inbox reads the stored row."""


CHANNELS: dict[str, Channel] = {}


def register_channel(channel: Channel) -> None:
    """Make a channel available under its code."""
    CHANNELS[channel.code] = channel


def get_channel(code: str) -> Channel:
    """Return the channel registered under this code."""
    return CHANNELS[code]


for _channel in (EmailChannel(), SmsChannel(), InAppChannel()):
    register_channel(_channel)
