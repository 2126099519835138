"""Delivery channels. E-mail goes through Django's mail backend (EMAIL_URL picks SMTP)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage


class EmailChannel:
    """Send one notification by e-mail."""

    def send(self, *, address: str, subject: str, body: str) -> None:
        """Send the message; raise on failure so the task retries."""
        message = EmailMessage(
            subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[address]
        )
        message.send(fail_silently=False)


CHANNELS = {"email": EmailChannel}
