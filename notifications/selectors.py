"""Reads of notifications: the inbox and its unread count."""

from __future__ import annotations

import contextlib

from django.core.cache import cache
from django.db.models import QuerySet

from .constants import NotificationChannel
from .models import Notification

UNREAD_TTL = 600


def _unread_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def notification_inbox(*, user_id: int) -> QuerySet[Notification]:
    """Return the person's in-app messages, newest first."""
    return Notification.objects.filter(
        recipient_id=user_id, channel=NotificationChannel.IN_APP
    ).order_by("-created_at", "-id")


def notification_unread_count(*, user_id: int) -> int:
    """Return how many in-app messages the person has not read (cached for the header)."""
    # The header shows this on every page: the cache keeps it off the database, and the
    # writers keep it current (bump on a new message, forget on a read).
    count = cache.get(_unread_key(user_id))
    if count is None:
        count = notification_inbox(user_id=user_id).filter(read_at__isnull=True).count()
        cache.set(_unread_key(user_id), count, UNREAD_TTL)
    return int(count)


def unread_cache_bump(*, user_id: int) -> None:
    """Count one more unread message if the count is cached (a miss recounts anyway)."""
    with contextlib.suppress(ValueError):
        cache.incr(_unread_key(user_id))


def unread_cache_forget(*, user_id: int) -> None:
    """Drop the cached count so the next page recounts."""
    cache.delete(_unread_key(user_id))
