"""A payment gateway plug-in written for the tests: its own protocol, in this module alone.

It signs with an HMAC of its own, names its fields `ref`, `sum`, `result` and answers an IPN
with {"ok": …}: nothing of VNPay. Registering it is all it takes to pay through it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from payments.gateways import GatewayResult, GatewayUnavailable, RefundResult

SECRET = b"fake-gateway-secret"
PAY_URL = "https://pay.fake.example/checkout"


def sign(fields: Mapping[str, Any]) -> str:
    data = "&".join(f"{k}={fields[k]}" for k in sorted(fields) if k != "sig")
    return hmac.new(SECRET, data.encode(), hashlib.sha256).hexdigest()


def callback(txn_ref: str, amount: int, result: str = "paid") -> dict[str, str]:
    """What the fake gateway sends back (IPN and return alike), signed."""
    fields = {"ref": txn_ref, "sum": str(amount), "result": result, "txn": "F-" + txn_ref}
    return fields | {"sig": sign(fields)}


class FakeGateway:
    name = "fake"
    callback_slug = "fake"
    pay_window = dt.timedelta(minutes=10)
    payment_url = PAY_URL
    ledger: dict[str, str] = {}  # txn_ref → result, as the gateway itself knows it

    def start(self, *, txn_ref, amount, order_info, return_url, ip, created_at) -> str:
        fields = {"ref": txn_ref, "sum": str(amount), "back": return_url}
        return f"{PAY_URL}?{urlencode(fields | {'sig': sign(fields)})}"

    def read_callback(self, params: Mapping[str, Any]) -> GatewayResult | None:
        if not hmac.compare_digest(str(params.get("sig", "")), sign(params)):
            return None
        paid = params.get("result") == "paid"
        return GatewayResult(
            txn_ref=str(params.get("ref", "")),
            amount=int(params.get("sum", -1)),
            response_code="00" if paid else "24",
            transaction_status="00" if paid else "02",
            transaction_no=str(params.get("txn", "")),
            raw=dict(params),
        )

    def ipn_answer(self, code: str, message: str) -> dict[str, str]:
        return {"ok": str(code in ("00", "02")).lower(), "detail": message}

    def query(self, *, txn_ref: str, created_at: dt.datetime, ip: str = "") -> GatewayResult:
        if txn_ref not in self.ledger:
            return GatewayResult(txn_ref, 0, "", "", found=False)
        raise GatewayUnavailable("the fake gateway answers no query")

    def refund(self, **request: Any) -> RefundResult:
        return RefundResult(ok=True, response_code="00", transaction_no="R-" + request["txn_ref"])
