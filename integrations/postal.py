"""Postal-service adapter for results sent by post (NĐ 61/2018 Điều 20): the interface, the
HTTP client, the built-in stand-in, and the signature of the service's delivery callbacks.

The portal hands an item over (`hand_over`, an outside call made only after the commit, from a
Celery task: integrations/postal_items.py) and gets an item number back; the service later
reports the item's progress by POSTing to /integrations/postal/callback/ a JSON body
`{"event_id","item_number","status","occurred_at","note"?}` with the header
`X-Postal-Signature`: hex HMAC-SHA256 of the raw body with POSTAL_SHARED_SECRET
(docs/api.md "Results by post"). An unset POSTAL_SERVICE_URL selects the stand-in.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

import requests
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

SIGNATURE_HEADER = "X-Postal-Signature"


class PostalError(Exception):
    """The postal service did not take the item (it is retried later)."""


@dataclass(frozen=True)
class Handover:
    """What the postal service needs to carry one result."""

    reference: str  # the portal's id for the item (the dossier's id): the idempotency key
    dossier_code: str
    recipient_name: str
    recipient_phone: str
    address: str


class PostalService(Protocol):
    def hand_over(self, item: Handover) -> str:
        """Hand one item over; return its item number (the same one for a repeated reference)."""


def sign(body: bytes, secret: str | None = None) -> str:
    """Return the signature of a callback body (hex HMAC-SHA256 with the shared secret)."""
    key = (secret if secret is not None else settings.POSTAL_SHARED_SECRET).encode()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def signature_valid(body: bytes, signature: str) -> bool:
    """Whether a callback carries the signature of its body (constant-time comparison)."""
    return bool(signature) and hmac.compare_digest(sign(body), signature.strip().lower())


def callback_url() -> str:
    """The portal's address the postal service reports to."""
    return str(settings.PUBLIC_BASE_URL) + reverse("postal_callback")


# UPU S10 check digit: weights over the 8 serial digits, 11 minus the sum modulo 11.
_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def s10_item_number(serial: int, *, prefix: str = "RR", country: str = "VN") -> str:
    """Return an item number in the UPU S10 format, e.g. RR123456785VN."""
    digits = f"{serial % 100_000_000:08d}"
    check = 11 - sum(int(d) * w for d, w in zip(digits, _S10_WEIGHTS, strict=True)) % 11
    check = {10: 0, 11: 5}.get(check, check)
    return f"{prefix}{digits}{check}{country}"


class HttpPostalService:
    """POST {base}/items with the bearer secret and the reference as Idempotency-Key."""

    def __init__(self, base_url: str, *, secret: str, timeout: float) -> None:
        self.url = f"{base_url.rstrip('/')}/items"
        self.secret = secret
        self.timeout = timeout

    def hand_over(self, item: Handover) -> str:
        """Hand the item over and return the number the service gave it."""
        try:
            response = requests.post(
                self.url,
                json={
                    "reference": item.reference,
                    "dossier_code": item.dossier_code,
                    "recipient_name": item.recipient_name,
                    "recipient_phone": item.recipient_phone,
                    "address": item.address,
                    "callback_url": callback_url(),
                },
                headers={
                    "Authorization": f"Bearer {self.secret}",
                    "Idempotency-Key": item.reference,
                },
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise PostalError(f"{type(exc).__name__}: {exc}"[:2000]) from exc
        if not 200 <= response.status_code < 300:
            raise PostalError(f"HTTP {response.status_code} {response.text[:500]}")
        try:
            number = str(response.json()["item_number"]).strip()
        except (ValueError, KeyError, TypeError) as exc:
            raise PostalError("answer without item_number") from exc
        if not number or len(number) > 20:
            raise PostalError("invalid item_number")
        return number


class StandInPostalService:
    """The built-in postal service: issues S10 item numbers and reports delivery by callback.

    The number is derived from the reference, so a repeated handover gets the same number.
    With POSTAL_STANDIN_REPORT_SECONDS > 0 it reports "in transit" and then "delivered" by
    itself, each after that delay (a Celery task calling `report`).
    """

    def hand_over(self, item: Handover) -> str:
        """Return the item's number; schedule the stand-in's own reports if configured."""
        serial = int(hashlib.sha256(item.reference.encode()).hexdigest(), 16)
        number = s10_item_number(serial)
        delay = settings.POSTAL_STANDIN_REPORT_SECONDS
        if delay > 0:
            from dvctt.background import enqueue

            from .tasks import postal_standin_report

            enqueue(
                postal_standin_report,
                args=(number, "in_transit"),
                countdown=min(delay, settings.CELERY_MAX_COUNTDOWN_SECONDS),
            )
        return number

    @staticmethod
    def report_body(item_number: str, status: str, *, note: str = "") -> bytes:
        """The JSON body of one report (a fresh event id each time)."""
        payload: dict[str, Any] = {
            "event_id": str(uuid.uuid4()),
            "item_number": item_number,
            "status": status,
            "occurred_at": timezone.now().isoformat(),
            "note": note,
        }
        return json.dumps(payload).encode()

    def report(
        self, item_number: str, status: str, *, url: str | None = None, body: bytes | None = None
    ) -> int:
        """POST one signed report to the portal's callback; return the HTTP status."""
        body = body or self.report_body(item_number, status)
        response = requests.post(
            url or callback_url(),
            data=body,
            headers={"Content-Type": "application/json", SIGNATURE_HEADER: sign(body)},
            timeout=settings.OUTSIDE_CALL_TIMEOUT_SECONDS,
        )
        return response.status_code


def get_postal_service() -> PostalService:
    """Return the postal service chosen by settings (unset POSTAL_SERVICE_URL = the stand-in)."""
    if settings.POSTAL_SERVICE_URL:
        return HttpPostalService(
            settings.POSTAL_SERVICE_URL,
            secret=settings.POSTAL_SHARED_SECRET,
            timeout=settings.OUTSIDE_CALL_TIMEOUT_SECONDS,
        )
    return StandInPostalService()
