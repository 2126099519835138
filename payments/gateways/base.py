"""What every payment gateway offers the portal (docs/design.md rule 4): the PaymentGateway
protocol.

A gateway is one class: `start` builds the redirect that sends the payer to it, `read_callback`
verifies and reads what it sends back (its IPN, server to server, and the payer's return),
`query` asks what became of a payment (reconciliation) and `refund` gives money back. Nothing
outside a gateway's own module knows its protocol's field names or codes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class GatewayResult:
    """The outcome of one payment as the gateway reports it (callback or query).

    `response_code` and `transaction_status` hold docs/api.md §7's codes: "00" and "00" is paid,
    response "24" a cancel by the payer, status "" or "01" not finished yet; a gateway with
    other codes maps its own to these.
    """

    txn_ref: str
    amount: int  # đồng
    response_code: str
    transaction_status: str
    transaction_no: str = ""
    bank_code: str = ""
    pay_date: str = ""
    found: bool = True
    # Whether the reported amount was a whole number of đồng written exactly as the gateway's
    # protocol writes one (an amount checked against ours must be exact, not rounded).
    exact_amount: bool = True
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def succeeded(self) -> bool:
        # docs/api.md §7: paid only when both the response code and the transaction status are 00.
        return self.found and self.response_code == "00" and self.transaction_status == "00"

    @property
    def reports_outcome(self) -> bool:
        """Whether a callback states an outcome (our own payment redirect does not)."""
        return bool(self.response_code and self.transaction_status and self.transaction_no)

    @property
    def cancelled(self) -> bool:
        return self.found and self.response_code == "24"

    @property
    def final(self) -> bool:
        """Whether the payer has finished (paid, cancelled or failed) at the gateway."""
        return self.found and self.transaction_status not in ("", "01")

    def amount_matches(self, amount: int) -> bool:
        """Compare the reported amount with ours exactly."""
        return self.exact_amount and self.amount == amount


@dataclass(frozen=True)
class RefundResult:
    ok: bool
    response_code: str
    transaction_no: str = ""
    message: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


class GatewayUnavailable(Exception):
    """The gateway did not answer in time, or answered something we cannot trust."""


class PaymentGateway(Protocol):
    """A payment gateway, as the payments services and views use it."""

    # Its name in the registry and in Payment.gateway.
    name: str
    # The <gateway> of its callback URLs, /payments/<gateway>/return/ and …/ipn/ (gateways
    # speaking one protocol share them: the sandbox answers on VNPay's, docs/api.md §7).
    callback_slug: str
    # Where it sends payers: its origin is the one outside address forms may post to (CSP).
    payment_url: str
    # How long its payment page stays open: a pending payment older than this is not reused.
    pay_window: dt.timedelta

    def start(
        self,
        *,
        txn_ref: str,
        amount: int,
        order_info: str,
        return_url: str,
        ip: str,
        created_at: dt.datetime,
    ) -> str:
        """Return the gateway URL the payer's browser is sent to."""
        ...

    def read_callback(self, params: Mapping[str, Any]) -> GatewayResult | None:
        """Verify and read a callback's query (IPN or return); None if not signed for us."""
        ...

    def ipn_answer(self, code: str, message: str) -> dict[str, str]:
        """Return the JSON body that answers an IPN with one of IpnCode's outcomes."""
        ...

    def query(self, *, txn_ref: str, created_at: dt.datetime, ip: str = "") -> GatewayResult:
        """Ask what became of one payment (reconciliation); raise GatewayUnavailable."""
        ...

    def refund(
        self,
        *,
        txn_ref: str,
        amount: int,
        full: bool,
        transaction_no: str,
        created_at: dt.datetime,
        by: str,
        ip: str = "",
    ) -> RefundResult:
        """Ask the gateway to give back `amount` đồng of a paid payment (all or part)."""
        ...
