"""The VNPay payment protocol, version 2.1.0 (docs/api.md §7), and its HTTP client.

Signing: hex HMAC-SHA512 with the hash secret over the vnp_* parameters (the hash fields left
out), sorted by name, URL-encoded (quote_plus) and joined as k=v&k=v. The merchant API
(querydr, refund) signs a "|"-joined list of fields in a fixed order instead.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote_plus

import requests
from django.conf import settings
from django.utils import timezone

from dvctt import workdays

from .base import GatewayResult, GatewayUnavailable, RefundResult

__all__ = ["GatewayResult", "GatewayUnavailable", "RefundResult", "VnpayGateway"]

VERSION = "2.1.0"
HASH_FIELDS = ("vnp_SecureHash", "vnp_SecureHashType")
# The payment page expires after this long (vnp_ExpireDate).
PAY_WINDOW = dt.timedelta(minutes=15)

# Field order of the merchant API's signatures (querydr and refund, requests and answers).
QUERY_REQUEST_FIELDS = (
    "vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TxnRef",
    "vnp_TransactionDate", "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo",
)  # fmt: skip
QUERY_RESPONSE_FIELDS = (
    "vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode",
    "vnp_TxnRef", "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo",
    "vnp_TransactionType", "vnp_TransactionStatus", "vnp_OrderInfo", "vnp_PromotionCode",
    "vnp_PromotionAmount",
)  # fmt: skip
REFUND_REQUEST_FIELDS = (
    "vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TransactionType",
    "vnp_TxnRef", "vnp_Amount", "vnp_TransactionNo", "vnp_TransactionDate", "vnp_CreateBy",
    "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo",
)  # fmt: skip
REFUND_RESPONSE_FIELDS = (
    "vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode",
    "vnp_TxnRef", "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo",
    "vnp_TransactionType", "vnp_TransactionStatus", "vnp_OrderInfo",
)  # fmt: skip


# --- signatures ---------------------------------------------------------------------------------


def hash_data(params: Mapping[str, Any]) -> str:
    """Return the string VNPay signs: sorted vnp_* parameters, URL-encoded, k=v&k=v."""
    items = sorted(
        (k, str(v))
        for k, v in params.items()
        if k.startswith("vnp_") and k not in HASH_FIELDS and v not in (None, "")
    )
    return "&".join(f"{quote_plus(k)}={quote_plus(v)}" for k, v in items)


def _hmac(secret: str, data: str) -> str:
    return hmac.new(secret.encode(), data.encode(), hashlib.sha512).hexdigest()


def sign(params: Mapping[str, Any], secret: str) -> str:
    """Return vnp_SecureHash of the parameters (hex HMAC-SHA512)."""
    return _hmac(secret, hash_data(params))


def verify(params: Mapping[str, Any], secret: str) -> bool:
    """Tell whether the parameters carry a valid vnp_SecureHash (constant-time compare)."""
    given = str(params.get("vnp_SecureHash") or "").lower()
    return bool(given) and hmac.compare_digest(given, sign(params, secret))


def sign_fields(data: Mapping[str, Any], order: tuple[str, ...], secret: str) -> str:
    """Return the merchant API signature: HMAC-SHA512 of the fields joined by "|"."""
    return _hmac(secret, "|".join(str(data.get(k, "") or "") for k in order))


def verify_fields(data: Mapping[str, Any], order: tuple[str, ...], secret: str) -> bool:
    given = str(data.get("vnp_SecureHash") or "").lower()
    return bool(given) and hmac.compare_digest(given, sign_fields(data, order, secret))


def vn_stamp(when: dt.datetime) -> str:
    """Format a time as VNPay wants it: yyyyMMddHHmmss in Vietnam time."""
    return timezone.localtime(when, workdays.VN_TZ).strftime("%Y%m%d%H%M%S")


# --- what the gateway tells us --------------------------------------------------------------


def _amount(value: Any) -> tuple[int, bool]:
    """Read vnp_Amount (đồng × 100): the amount in đồng, and whether it was written exactly."""
    text = str(value or "0")
    if not text.isdigit():
        return -1, False
    return int(text) // 100, text == str(int(text)) and int(text) % 100 == 0


def result_from_callback(params: Mapping[str, Any]) -> GatewayResult:
    """Read an IPN or return-URL query (already verified)."""
    amount, exact = _amount(params.get("vnp_Amount"))
    return GatewayResult(
        txn_ref=str(params.get("vnp_TxnRef") or ""),
        amount=amount,
        response_code=str(params.get("vnp_ResponseCode") or ""),
        transaction_status=str(params.get("vnp_TransactionStatus") or ""),
        transaction_no=str(params.get("vnp_TransactionNo") or ""),
        bank_code=str(params.get("vnp_BankCode") or ""),
        pay_date=str(params.get("vnp_PayDate") or ""),
        exact_amount=exact,
        raw={k: str(v) for k, v in params.items()},
    )


# --- the gateway -------------------------------------------------------------------------------


class VnpayGateway:
    """VNPay: the payment redirect, and the merchant API (querydr, refund) over HTTPS."""

    name = "vnpay"
    callback_slug = "vnpay"  # docs/api.md §7: /payments/vnpay/return/ and /payments/vnpay/ipn/
    pay_window = PAY_WINDOW

    def __init__(
        self,
        *,
        tmn_code: str,
        hash_secret: str,
        payment_url: str,
        api_url: str,
        timeout: float,
    ) -> None:
        self.tmn_code = tmn_code
        self.hash_secret = hash_secret
        self.payment_url = payment_url
        self.api_url = api_url
        self.timeout = timeout

    # The browser leg ------------------------------------------------------------------------

    def payment_params(
        self,
        *,
        txn_ref: str,
        amount: int,
        order_info: str,
        return_url: str,
        ip: str,
        created_at: dt.datetime,
    ) -> dict[str, str]:
        """Return the signed parameters of the payment redirect (docs/api.md §7)."""
        params = {
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self.tmn_code,
            "vnp_Amount": str(amount * 100),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": txn_ref,
            "vnp_OrderInfo": order_info,
            "vnp_OrderType": "other",
            "vnp_Locale": "vn",
            "vnp_ReturnUrl": return_url,
            "vnp_IpAddr": ip or "127.0.0.1",
            "vnp_CreateDate": vn_stamp(created_at),
            "vnp_ExpireDate": vn_stamp(created_at + PAY_WINDOW),
        }
        params["vnp_SecureHash"] = sign(params, self.hash_secret)
        return params

    def redirect_url(self, **order: Any) -> str:
        """Return the gateway URL the payer's browser is sent to (`order` as payment_params)."""
        params = self.payment_params(**order)
        query = hash_data(params) + "&vnp_SecureHash=" + params["vnp_SecureHash"]
        return f"{self.payment_url}?{query}"

    start = redirect_url

    def verify_callback(self, params: Mapping[str, Any]) -> bool:
        """Tell whether an IPN / return query was signed with our secret for our terminal."""
        return verify(params, self.hash_secret) and params.get("vnp_TmnCode") == self.tmn_code

    def read_callback(self, params: Mapping[str, Any]) -> GatewayResult | None:
        """Verify an IPN / return query and read it; None if not signed for our terminal."""
        return result_from_callback(params) if self.verify_callback(params) else None

    def ipn_answer(self, code: str, message: str) -> dict[str, str]:
        """Answer VNPay's IPN: {"RspCode", "Message"} (docs/api.md §7)."""
        return {"RspCode": code, "Message": message}

    # The merchant API ------------------------------------------------------------------------

    def _post_api(self, payload: dict[str, str]) -> dict[str, Any]:
        try:
            resp = requests.post(self.api_url, json=payload, timeout=self.timeout)
            resp.raise_for_status()
            answer = resp.json()
        except (requests.RequestException, ValueError) as exc:
            raise GatewayUnavailable(str(exc)) from exc
        if not isinstance(answer, dict):  # JSON, but not the object VNPay answers with
            raise GatewayUnavailable(f"merchant API answered a {type(answer).__name__}")
        return answer

    def _base(self, command: str, ip: str) -> dict[str, str]:
        return {
            "vnp_RequestId": secrets.token_hex(16),
            "vnp_Version": VERSION,
            "vnp_Command": command,
            "vnp_TmnCode": self.tmn_code,
            "vnp_CreateDate": vn_stamp(timezone.now()),
            "vnp_IpAddr": ip or "127.0.0.1",
        }

    def query(self, *, txn_ref: str, created_at: dt.datetime, ip: str = "") -> GatewayResult:
        """Ask the gateway what became of one payment (querydr)."""
        payload = self._base("querydr", ip) | {
            "vnp_TxnRef": txn_ref,
            "vnp_OrderInfo": f"Truy van giao dich {txn_ref}",
            "vnp_TransactionDate": vn_stamp(created_at),
        }
        payload["vnp_SecureHash"] = sign_fields(payload, QUERY_REQUEST_FIELDS, self.hash_secret)
        answer = self._post_api(payload)
        if not verify_fields(answer, QUERY_RESPONSE_FIELDS, self.hash_secret):
            raise GatewayUnavailable("querydr answer with an invalid signature")
        code = str(answer.get("vnp_ResponseCode") or "")
        if code == "91":  # no such transaction at the gateway
            return GatewayResult(txn_ref, 0, "", "", found=False, raw=answer)
        if code != "00":
            raise GatewayUnavailable(f"querydr answered {code}")
        return GatewayResult(
            txn_ref=txn_ref,
            amount=int(str(answer.get("vnp_Amount") or "0")) // 100,
            # querydr's own code says the query worked; the payment's outcome is the status.
            response_code=str(answer.get("vnp_TransactionStatus") or ""),
            transaction_status=str(answer.get("vnp_TransactionStatus") or ""),
            transaction_no=str(answer.get("vnp_TransactionNo") or ""),
            bank_code=str(answer.get("vnp_BankCode") or ""),
            pay_date=str(answer.get("vnp_PayDate") or ""),
            raw=answer,
        )

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
        payload = self._base("refund", ip) | {
            "vnp_TransactionType": "02" if full else "03",
            "vnp_TxnRef": txn_ref,
            "vnp_Amount": str(amount * 100),
            "vnp_TransactionNo": transaction_no,
            "vnp_TransactionDate": vn_stamp(created_at),
            "vnp_CreateBy": by[:250],
            "vnp_OrderInfo": f"Hoan tien giao dich {txn_ref}",
        }
        payload["vnp_SecureHash"] = sign_fields(payload, REFUND_REQUEST_FIELDS, self.hash_secret)
        answer = self._post_api(payload)
        if not verify_fields(answer, REFUND_RESPONSE_FIELDS, self.hash_secret):
            raise GatewayUnavailable("refund answer with an invalid signature")
        code = str(answer.get("vnp_ResponseCode") or "")
        return RefundResult(
            ok=code == "00",
            response_code=code,
            transaction_no=str(answer.get("vnp_TransactionNo") or ""),
            message=str(answer.get("vnp_Message") or ""),
            raw=answer,
        )


def gateway_from_settings() -> VnpayGateway:
    return VnpayGateway(
        tmn_code=settings.VNPAY_TMN_CODE,
        hash_secret=settings.VNPAY_HASH_SECRET,
        payment_url=settings.VNPAY_PAYMENT_URL,
        api_url=settings.VNPAY_API_URL,
        timeout=settings.OUTSIDE_CALL_TIMEOUT_SECONDS,
    )
