"""Cache of the public tracking answer (the page /tra-cuu/ and GET /api/v1/tracking/).

People follow their dossier by looking it up again and again; each look-up used to cost two
queries and a full render (the heaviest public page, issue 24). The answer for one code and
id_last4 is the same for everyone, so it is kept in the cache with the dossier's *tracking
version* (one per dossier code), read before the database was: any change to the dossier, its
history, its payments or its posted result retires the version on commit (the receivers
below, and `tracking_changed` for writes that bypass save()), and an entry whose version is
no longer current is not served. Entries also expire after TRACKING_CACHE_SECONDS, and no
later than the dossier's due time, so "Quá hạn" appears when it becomes true.

The post's handover (integrations/postal_items.py) writes with a conditional update that
sends no signal: its new status shows within TRACKING_CACHE_SECONDS. So does any change while
Redis is down (dvctt/cache.py then keeps entries and versions per process).

PUBLIC_PAGE_CACHE turns it off with the catalogue's page cache (dvctt/page_cache.py).

Only found dossiers are kept, so an answer from the cache proves its asker typed a right pair:
the rate limit against guessing id_last4 counts the look-ups that reach the database (every
wrong guess does), and someone following their own dossier is not slowed by it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from dvctt.queries import one_or_none

from .constants import EventAction
from .models import Dossier, DossierEvent

TRACKING_CACHE_SECONDS = 60


def _version_key(code: str) -> str:
    # By code, upper case, as the selector matches it: a look-up knows only the code.
    return f"tracking:version:{code.strip().upper()}"


def _entry_key(kind: str, code: str, id_last4: str, parts: list[str]) -> str:
    # The code as typed: the page shows it back in its form.
    raw = "\x00".join([kind, code.strip(), id_last4.strip(), *parts])
    return "tracking:entry:" + hashlib.sha256(raw.encode()).hexdigest()


def tracking_changed(code: str | None) -> None:
    """Retire the cached tracking answers of dossier `code` once the transaction commits."""
    if code:
        key = _version_key(code)
        transaction.on_commit(lambda: cache.delete(key))


def _expiry(dossier: Dossier, now: dt.datetime) -> int:
    seconds = TRACKING_CACHE_SECONDS
    if dossier.due_at and not dossier.completed_at and dossier.due_at > now:
        seconds = min(seconds, int((dossier.due_at - now).total_seconds()) + 1)
    return max(seconds, 1)


def tracking_cached(
    *,
    kind: str,
    code: str,
    id_last4: str,
    parts: list[str],
    guard: Callable[[], None],
    build: Callable[[], tuple[Dossier, Any]],
) -> Any:
    """Return the cached answer of `kind` for the look-up, or build, keep and return it.

    `guard` runs before the database is asked (the rate limit; it raises to refuse);
    `build` looks the dossier up (raising NotFound when nothing matches, which is never
    kept) and returns it with the answer to keep; `parts` are what else the answer varies
    on (language, display preferences).
    """
    if not settings.PUBLIC_PAGE_CACHE:
        guard()
        return build()[1]
    key, version_key = _entry_key(kind, code, id_last4, parts), _version_key(code)
    found = cache.get_many([key, version_key])  # one round trip
    version = found.get(version_key)
    entry = found.get(key)
    if entry is not None and version is not None and entry[0] == version:
        return entry[1]
    if version is None:
        cache.add(version_key, uuid.uuid4().hex, None)  # add: two renders at once agree
        version = cache.get(version_key)
    guard()
    # The version was read before the database: a change committing after this point
    # retires it, so what is built now is never served once it is out of date.
    dossier, answer = build()
    if version is not None:
        cache.set(key, (version, answer), _expiry(dossier, timezone.now()))
    return answer


def _code_of(instance, field: str = "dossier") -> str | None:
    # The dossier the instance was saved with, if loaded; else one small query.
    loaded = instance._state.fields_cache.get(field)
    if loaded is not None:
        return loaded.code
    dossier_id = getattr(instance, f"{field}_id", None)
    if dossier_id is None:
        return None
    return one_or_none(Dossier.objects.filter(pk=dossier_id).values_list("code", flat=True))


@receiver(post_save, sender=Dossier)
@receiver(post_delete, sender=Dossier)
def _dossier_saved(sender, instance: Dossier, **kwargs) -> None:
    tracking_changed(instance.code)


@receiver(post_save, sender=DossierEvent)
def _event_saved(sender, instance: DossierEvent, **kwargs) -> None:
    if instance.action != EventAction.CREATE:  # a draft has no code and is never tracked
        tracking_changed(_code_of(instance))


def _payment_saved(sender, instance, **kwargs) -> None:
    tracking_changed(_code_of(instance))


def _postal_item_saved(sender, instance, **kwargs) -> None:
    tracking_changed(instance.dossier_code)


def connect_other_apps() -> None:
    """Listen to payments and postal items too (called from DossiersConfig.ready)."""
    from integrations.models import PostalItem
    from payments.models import Payment

    post_save.connect(_payment_saved, sender=Payment, dispatch_uid="tracking-payment")
    post_save.connect(_postal_item_saved, sender=PostalItem, dispatch_uid="tracking-post")
