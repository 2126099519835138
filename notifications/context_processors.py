"""Template context: the unread count shown in the header."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .selectors import notification_unread_count


def inbox(request: HttpRequest) -> dict:
    """Give templates the signed-in person's unread count, computed only if shown."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    return {
        "unread_notifications": SimpleLazyObject(lambda: notification_unread_count(user_id=user.pk))
    }
