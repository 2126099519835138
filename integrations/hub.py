"""National hub adapter (docs/api.md §8): the interface, the HTTP client and the built-in stand-in.

An unset NATIONAL_HUB_URL selects the stand-in, which records what it receives in
HubReceivedEvent (shown in the admin) and accepts repeats of an event id as the real hub does.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol

import requests
from django.conf import settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryResult:
    """The hub's answer to one event."""

    ok: bool
    permanent: bool = False  # a 4xx other than 429: retrying the same request cannot help
    status_code: int | None = None
    error: str = ""


class NationalHub(Protocol):
    def deliver(self, events: list[dict[str, Any]]) -> list[DeliveryResult]:
        """Deliver events in the given order; return one result per event."""


def classify(status_code: int, text: str = "") -> DeliveryResult:
    """Map an HTTP status to a result: 2xx accepted, 429/5xx retry, other 4xx permanent."""
    if 200 <= status_code < 300:
        return DeliveryResult(ok=True, status_code=status_code)
    permanent = 400 <= status_code < 500 and status_code != 429
    return DeliveryResult(
        ok=False, permanent=permanent, status_code=status_code, error=f"HTTP {status_code} {text}"
    )


class HttpNationalHub:
    """POST {base}/dossier-events with the bearer token and the event id as Idempotency-Key."""

    def __init__(self, base_url: str, *, token: str, timeout: float) -> None:
        self.url = f"{base_url.rstrip('/')}/dossier-events"
        self.timeout = timeout
        # A claim must outlive its batch even if every call times out; otherwise another
        # worker could re-claim an event still in flight and a repeat could overtake order.
        self.max_batch = max(1, int(settings.HUB_CLAIM_SECONDS // (2 * timeout)))
        self.session = requests.Session()  # keep-alive: one connection for the whole batch
        self.session.headers["Authorization"] = f"Bearer {token}"

    def deliver(self, events: list[dict[str, Any]]) -> list[DeliveryResult]:
        """Deliver events one by one; a failed one stops later events of the same dossier."""
        results: list[DeliveryResult] = []
        blocked: set[str] = set()
        for event in events:
            if event["dossier_code"] in blocked:
                results.append(DeliveryResult(ok=False, error="earlier event not delivered"))
                continue
            result = self._post(event)
            if not result.ok:
                blocked.add(event["dossier_code"])
            results.append(result)
        return results

    def _post(self, event: dict[str, Any]) -> DeliveryResult:
        try:
            response = self.session.post(
                self.url,
                json=event,
                headers={"Idempotency-Key": str(event["event_id"])},
                timeout=self.timeout,
            )
        except requests.RequestException as exc:  # timeouts and refused connections: retry
            return DeliveryResult(ok=False, error=f"{type(exc).__name__}: {exc}"[:2000])
        return classify(response.status_code, response.text[:500])


class StandInNationalHub:
    """The built-in hub: stores each event once by its id and accepts repeats (2xx)."""

    def deliver(self, events: list[dict[str, Any]]) -> list[DeliveryResult]:
        """Record the events in one insert; a repeated event id is accepted and ignored."""
        from .models import HubReceivedEvent

        HubReceivedEvent.objects.bulk_create(
            [
                HubReceivedEvent(
                    event_id=event["event_id"],
                    dossier_code=event["dossier_code"],
                    sequence=event["sequence"],
                    status=event["status"],
                    national_status=event.get("national_status"),
                    payload=event,
                )
                for event in events
            ],
            ignore_conflicts=True,
        )
        return [DeliveryResult(ok=True, status_code=201) for _ in events]


def get_national_hub() -> NationalHub:
    """Return the hub chosen by settings (unset NATIONAL_HUB_URL = the stand-in)."""
    if settings.NATIONAL_HUB_URL:
        return HttpNationalHub(
            settings.NATIONAL_HUB_URL,
            token=settings.NATIONAL_HUB_TOKEN,
            timeout=settings.OUTSIDE_CALL_TIMEOUT_SECONDS,
        )
    return StandInNationalHub()
