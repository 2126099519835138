"""Listeners of the dossier log: other apps (the statistics of `reports`) register a function
here and it runs for every DossierEvent inside the transaction that writes the event, so a
figure kept from the log commits with the action or not at all (docs/design.md, apps and
arrows: the app that must be told registers a callback; dossiers imports nothing of it).

A listener takes plain arguments, must not call outside systems (it runs inside the
transaction) and must be idempotent per event id.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Dossier, DossierEvent

EventListener = Callable[["Dossier", "DossierEvent"], None]

_listeners: list[EventListener] = []


def event_listener_register(listener: EventListener) -> EventListener:
    """Adds a listener once (AppConfig.ready may run twice in tests); usable as a decorator."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def event_listener_unregister(listener: EventListener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def event_listeners_call(dossier: Dossier, event: DossierEvent) -> None:
    for listener in list(_listeners):
        listener(dossier, event)
