"""The one fee rule: what a dossier of a procedure version owes, from the snapshot's fee items.

Used at submission (dossiers), on the wizard's review page and by the payments app, so the
citizen is shown exactly the amount the portal later asks for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from dvctt import workdays

from .constants import FeePaymentStage


@dataclass(frozen=True)
class FeeLine:
    """One fee item as it applies to one dossier."""

    name: str
    amount: int | None  # None: not fixed by the catalogue (left to the provincial council)
    online_rate: bool  # the reduced online amount applies
    note: str = ""


@dataclass(frozen=True)
class FeeQuote:
    """What a dossier owes: a total of the fixed amounts, and whether some are still unknown."""

    lines: tuple[FeeLine, ...]

    @property
    def total(self) -> int:
        return sum(line.amount or 0 for line in self.lines)

    @property
    def undetermined(self) -> bool:
        # "Theo quy định của HĐND tỉnh": the source gives no amount; the official sets it when
        # asking for payment, so the citizen must not be told the service is free.
        return any(line.amount is None for line in self.lines)

    @property
    def is_free(self) -> bool:
        return not self.undetermined and self.total == 0


def _day(value: Any) -> dt.date | None:
    if not value:
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def online_rate_applies(fee: dict, on: dt.date) -> bool:
    """Tell whether the fee's online amount applies on the Vietnam day `on`."""
    if fee.get("online_amount") is None:
        return False
    start, end = _day(fee.get("online_from")), _day(fee.get("online_until"))
    # A reduction granted "until 31/12/2025" no longer applies from 01/01/2026.
    return (start is None or start <= on) and (end is None or on <= end)


def fee_quote(
    *, snapshot: dict, case_id: Any, online: bool, at: dt.datetime | None = None
) -> FeeQuote:
    """Return the fees a dossier of this snapshot and case owes, filed online or not, at `at`."""
    on = timezone.localtime(at or timezone.now(), workdays.VN_TZ).date()
    lines = []
    for fee in snapshot.get("fees", []):
        if fee.get("case") not in (None, case_id):
            continue
        use_online = online and online_rate_applies(fee, on)
        amount = fee.get("online_amount") if use_online else fee.get("amount")
        lines.append(
            FeeLine(
                name=str(fee.get("name") or ""),
                amount=None if amount is None else int(amount),
                online_rate=use_online,
                note=str(fee.get("note") or ""),
            )
        )
    return FeeQuote(lines=tuple(lines))


def fee_payment_stage(snapshot: dict) -> str:
    """Return when the fee of this procedure version is paid (submission or on request)."""
    return snapshot.get("fee_payment_stage") or FeePaymentStage.SUBMISSION
