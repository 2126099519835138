"""Writes of notifications. Callers pass plain data (ids, texts), never domain objects.

A notification row is the outbox of its message (docs/design.md rule 1): it is written in the
caller's transaction as `queued`, a delivery task is enqueued after the commit, and the beat
sweeper re-enqueues whatever is still queued and due (Redis down, a crashed worker, a backoff).
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from dvctt.background import enqueue, enqueue_on_commit
from dvctt.queries import one_or_none

from .channels import always_on_channels, get_channel, optional_channels
from .constants import NotificationChannel, NotificationStatus
from .messages import render_message
from .models import ChannelPreference, Notification
from .selectors import unread_cache_bump, unread_cache_forget

log = logging.getLogger(__name__)


def _new_row(
    *,
    key: str,
    recipient_id: int | None,
    address: str,
    subject: str,
    body: str,
    link: str,
    channel: str,
    template: str,
    context: dict[str, Any],
    now: dt.datetime,
) -> Notification:
    """Build (unsaved) a notification row in the state it starts in."""
    row = Notification(
        key=key[:200],
        recipient_id=recipient_id,
        address=address,
        subject=subject[:250],
        body=body,
        link=link,
        channel=channel,
        template=template,
        context=context,
    )
    if channel == NotificationChannel.IN_APP:
        # In-app messages are delivered by being stored.
        row.status, row.sent_at, row.attempts = NotificationStatus.SENT, now, 1
    elif not address:
        row.status, row.last_error = NotificationStatus.FAILED, "no address"
    return row


def _after_commit(rows: list[Notification]) -> None:
    """Wake what each newly stored row needs once the transaction commits."""
    from .tasks import deliver_notification

    for row in rows:
        if row.channel == NotificationChannel.IN_APP:
            if row.recipient_id:
                transaction.on_commit(partial(unread_cache_bump, user_id=row.recipient_id))
        elif row.status == NotificationStatus.QUEUED:
            enqueue_on_commit(deliver_notification, args=(row.pk,))


@transaction.atomic
def notification_send(
    *,
    key: str,
    recipient_id: int | None,
    address: str,
    subject: str = "",
    body: str = "",
    link: str = "",
    channel: str = NotificationChannel.EMAIL,
    template: str = "",
    context: dict[str, Any] | None = None,
) -> Notification:
    """Record a notification once per `key` and deliver it after the transaction commits."""
    return _send(
        [(key, channel, address)],
        recipient_id=recipient_id,
        subject=subject,
        body=body,
        link=link,
        template=template,
        context=context,
    )[0]


def _send(
    deliveries: list[tuple[str, str, str]],
    *,
    recipient_id: int | None,
    subject: str,
    body: str,
    link: str,
    template: str,
    context: dict[str, Any] | None,
) -> list[Notification]:
    """Store one message per (key, channel, address) in one statement; return each stored row."""
    context = context or {}
    if template:
        subject, body = render_message(template, context)
    now = timezone.now()
    return _store(
        [
            _new_row(
                key=key,
                recipient_id=recipient_id,
                address=address,
                subject=subject,
                body=body,
                link=link,
                channel=channel,
                template=template,
                context=context,
                now=now,
            )
            for key, channel, address in deliveries
        ]
    )


def _store(rows: list[Notification]) -> list[Notification]:
    """Insert the rows whose key is new (one statement); return each key's stored row."""
    stored = {n.key: n for n in Notification.objects.filter(key__in=[r.key for r in rows])}
    new = [r for r in rows if r.key not in stored]
    if new:
        try:
            with transaction.atomic():
                Notification.objects.bulk_create(new)
        except IntegrityError:
            # Another transaction stored one of the keys meanwhile: keep its row, store the rest.
            new = []
            for row in rows:
                if row.key in stored:
                    continue
                try:
                    with transaction.atomic():
                        row.save(force_insert=True)
                    new.append(row)
                except IntegrityError:
                    stored[row.key] = Notification.objects.get(key=row.key)
        _after_commit(new)
    return [stored.get(r.key, r) for r in rows]


def notification_preference_get(*, user_id: int) -> dict[str, bool]:
    """Return the person's choice for each optional channel (its default when never chosen)."""
    chosen = dict(
        ChannelPreference.objects.filter(user_id=user_id).values_list("channel", "enabled")
    )
    return {c.code: chosen.get(c.code, c.default_enabled) for c in optional_channels()}


@transaction.atomic
def notification_preference_update(*, user_id: int, choices: dict[str, bool]) -> None:
    """Store which optional channels the person wants besides the always-on inbox."""
    for channel in optional_channels():
        if channel.code in choices:
            ChannelPreference.objects.update_or_create(
                user_id=user_id,
                channel=channel.code,
                defaults={"enabled": bool(choices[channel.code])},
            )


@transaction.atomic
def notification_send_to_person(
    *,
    key: str,
    recipient_id: int | None,
    email: str = "",
    phone: str = "",
    template: str = "",
    context: dict[str, Any] | None = None,
    subject: str = "",
    body: str = "",
    link: str = "",
) -> list[Notification]:
    """Notify one person in the inbox and on each channel they chose (e-mail, SMS, …)."""
    chosen = notification_preference_get(user_id=recipient_id) if recipient_id else {}
    channels: list[tuple[str, str]] = []
    if recipient_id:
        channels.extend((channel.code, "") for channel in always_on_channels())
    for channel in optional_channels():
        address = channel.address(recipient_id=recipient_id, email=email, phone=phone)
        # Someone without an account gets what a person who never chose gets.
        if address and chosen.get(channel.code, channel.default_enabled):
            channels.append((channel.code, address))
    # Every channel's row in one statement (a dossier action notifies on two or three).
    return _send(
        [(f"{key}:{channel}", channel, address) for channel, address in channels],
        recipient_id=recipient_id,
        subject=subject,
        body=body,
        link=link,
        template=template,
        context=context,
    )


@transaction.atomic
def notification_mark_read(*, user_id: int, notification_id: int | None = None) -> int:
    """Mark one of the person's in-app messages (or all of them) as read."""
    unread = Notification.objects.filter(
        recipient_id=user_id, channel=NotificationChannel.IN_APP, read_at__isnull=True
    )
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    count = unread.update(read_at=timezone.now())
    transaction.on_commit(lambda: unread_cache_forget(user_id=user_id))
    return count


def _backoff(attempts: int) -> dt.timedelta:
    seconds = settings.NOTIFICATION_RETRY_BASE_SECONDS * (2 ** max(attempts - 1, 0))
    return dt.timedelta(seconds=min(seconds, settings.NOTIFICATION_RETRY_MAX_SECONDS))


def _claim(notification_id: int) -> Notification | str:
    now = timezone.now()
    with transaction.atomic():
        notification = one_or_none(
            Notification.objects.select_for_update(skip_locked=True).filter(pk=notification_id)
        )
        if notification is None:
            exists = Notification.objects.filter(pk=notification_id).exists()
            return "busy" if exists else "missing"
        if notification.status == NotificationStatus.SENT:
            return "already-sent"
        if notification.status == NotificationStatus.FAILED:
            return "failed"
        if notification.next_attempt_at > now:
            return "not-due"
        # The claim: another task for the same row waits for the lease to run out, so one
        # message is sent once even when the sweeper and a retry enqueue it together.
        Notification.objects.filter(pk=notification.pk).update(
            next_attempt_at=now + dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
        )
    return notification


def notification_deliver(*, notification_id: int) -> str:
    """Send one queued notification through its channel and record the outcome."""
    claimed = _claim(notification_id)
    if isinstance(claimed, str):
        return claimed
    notification = claimed
    try:
        get_channel(notification.channel).send(notification)  # outside any transaction
    except Exception as exc:  # any channel failure is recorded and retried with backoff
        attempts = notification.attempts + 1
        failed = attempts >= settings.NOTIFICATION_MAX_ATTEMPTS
        delay = _backoff(attempts)
        # Its own committed UPDATE: the failure record survives whatever happens next.
        Notification.objects.filter(pk=notification.pk).update(
            attempts=attempts,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            status=NotificationStatus.FAILED if failed else NotificationStatus.QUEUED,
            next_attempt_at=timezone.now() + delay,
        )
        log.warning("notification %s failed (attempt %s): %s", notification.pk, attempts, exc)
        if failed:
            return "failed"
        if delay.total_seconds() <= settings.CELERY_MAX_COUNTDOWN_SECONDS:
            from .tasks import deliver_notification

            enqueue(deliver_notification, args=(notification.pk,), countdown=delay.total_seconds())
        return "retry"
    Notification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1
    )
    return "sent"


@transaction.atomic
def notification_retry(*, notification_ids: list[int]) -> int:
    """Queue failed notifications again (the admin's retry button)."""
    ids = list(
        Notification.objects.filter(
            pk__in=notification_ids, status=NotificationStatus.FAILED
        ).values_list("pk", flat=True)
    )
    Notification.objects.filter(pk__in=ids).update(
        status=NotificationStatus.QUEUED, next_attempt_at=timezone.now(), attempts=0
    )
    from .tasks import deliver_notification

    for pk in ids:
        enqueue_on_commit(deliver_notification, args=(pk,))
    return len(ids)


def notifications_due(*, limit: int = 1000) -> list[int]:
    """Return ids of queued notifications whose next attempt is due (for the sweeper)."""
    return list(
        Notification.objects.filter(
            status=NotificationStatus.QUEUED, next_attempt_at__lte=timezone.now()
        )
        .exclude(address="")
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
