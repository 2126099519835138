"""The built-in sandbox gateway: VNPay's protocol, served by the portal itself.

With VNPAY_PAYMENT_URL unset (docs/api.md §7) the payer is sent to /payments/sandbox/, chooses to
pay, cancel or fail, and comes back to the return URL while a Celery task delivers the IPN
server to server, retrying as VNPay does. Its merchant API (querydr, refund) answers the same
signed JSON as VNPay's, in-process, from the sandbox's own ledger (SandboxTransaction).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import SandboxTransaction
from . import vnpay

# What each button of the sandbox page makes the gateway report (VNPay's codes).
OUTCOMES: dict[str, tuple[str, str]] = {
    "pay": ("00", "00"),  # success
    "cancel": ("24", "02"),  # the customer cancelled
    "fail": ("51", "02"),  # insufficient funds
}


def enabled() -> bool:
    """Tell whether the sandbox serves payments: VNPAY_PAYMENT_URL unset, never in production."""
    return bool(settings.PAYMENT_SANDBOX_ALLOWED) and not settings.VNPAY_PAYMENT_URL


class SandboxGateway(vnpay.VnpayGateway):
    """VNPay's protocol against the portal's own stand-in."""

    name = "sandbox"

    def _post_api(self, payload: dict[str, str]) -> dict[str, Any]:
        if not enabled():  # its ledger says "paid" for money that never moved
            raise vnpay.GatewayUnavailable("the sandbox gateway is disabled")
        return merchant_api_answer(payload)


def gateway_from_settings() -> SandboxGateway:
    return SandboxGateway(
        tmn_code=settings.VNPAY_TMN_CODE,
        hash_secret=settings.VNPAY_HASH_SECRET,
        payment_url=f"{settings.PUBLIC_BASE_URL}/payments/sandbox/",
        api_url="",
        timeout=settings.OUTSIDE_CALL_TIMEOUT_SECONDS,
    )


def payment_request(params: Mapping[str, Any]) -> dict[str, Any] | None:
    """Return the payment redirect's fields from a query or form, or None if not valid."""
    fields = {k: v for k, v in params.items() if k.startswith("vnp_")}
    return fields if valid_payment_request(fields) else None


def page_context(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Return what the sandbox's payment page shows of a valid payment redirect."""
    return {
        "fields": sorted(fields.items()),
        "amount": int(fields["vnp_Amount"]) // 100,
        "order_info": fields.get("vnp_OrderInfo", ""),
        "txn_ref": fields["vnp_TxnRef"],
    }


def return_url(txn: SandboxTransaction) -> str:
    """Return where the payer's browser goes back to, with the signed outcome (as VNPay)."""
    params = callback_params(txn)
    return f"{txn.return_url}?{vnpay.hash_data(params)}&vnp_SecureHash={params['vnp_SecureHash']}"


BAD_REQUEST_ANSWER = {"vnp_ResponseCode": "99", "vnp_Message": "Bad request"}


def valid_payment_request(params: Mapping[str, Any]) -> bool:
    """Tell whether a payment redirect is signed by the merchant and complete."""
    required = ("vnp_TxnRef", "vnp_Amount", "vnp_ReturnUrl", "vnp_TmnCode", "vnp_CreateDate")
    return (
        all(params.get(k) for k in required)
        and params.get("vnp_Command") == "pay"
        and params.get("vnp_Version") == vnpay.VERSION
        and params.get("vnp_TmnCode") == settings.VNPAY_TMN_CODE
        and str(params.get("vnp_Amount", "")).isdigit()
        and vnpay.verify(params, settings.VNPAY_HASH_SECRET)
    )


@transaction.atomic
def record_outcome(params: Mapping[str, Any], *, outcome: str, ipn_url: str) -> SandboxTransaction:
    """Record what the payer chose; a second click on the same order changes nothing."""
    code, status = OUTCOMES[outcome]
    txn, _created = SandboxTransaction.objects.get_or_create(
        txn_ref=params["vnp_TxnRef"],
        defaults={
            "transaction_no": str(secrets.randbelow(9 * 10**7) + 10**7),
            "amount": int(params["vnp_Amount"]),
            "order_info": str(params.get("vnp_OrderInfo", ""))[:255],
            "response_code": code,
            "transaction_status": status,
            "pay_date": vnpay.vn_stamp(timezone.now()),
            "return_url": params["vnp_ReturnUrl"],
            "ipn_url": ipn_url,
        },
    )
    return txn


def callback_params(txn: SandboxTransaction) -> dict[str, str]:
    """Return the signed query VNPay sends to the return URL and the IPN URL."""
    params = {
        "vnp_TmnCode": settings.VNPAY_TMN_CODE,
        "vnp_Amount": str(txn.amount),
        "vnp_BankCode": txn.bank_code,
        "vnp_BankTranNo": f"VNP{txn.transaction_no}",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": txn.order_info,
        "vnp_PayDate": txn.pay_date,
        "vnp_ResponseCode": txn.response_code,
        "vnp_TransactionNo": txn.transaction_no,
        "vnp_TransactionStatus": txn.transaction_status,
        "vnp_TxnRef": txn.txn_ref,
        "vnp_SecureHashType": "HmacSHA512",
    }
    params["vnp_SecureHash"] = vnpay.sign(params, settings.VNPAY_HASH_SECRET)
    return params


def _answer(payload: Mapping[str, Any], fields: tuple[str, ...], **values: str) -> dict[str, Any]:
    answer = {
        "vnp_ResponseId": secrets.token_hex(16),
        "vnp_Command": payload.get("vnp_Command", ""),
        "vnp_TmnCode": settings.VNPAY_TMN_CODE,
        "vnp_TxnRef": payload.get("vnp_TxnRef", ""),
        "vnp_OrderInfo": payload.get("vnp_OrderInfo", ""),
        **values,
    }
    answer["vnp_SecureHash"] = vnpay.sign_fields(answer, fields, settings.VNPAY_HASH_SECRET)
    return answer


def merchant_api_answer(payload: Mapping[str, Any]) -> dict[str, Any]:
    """Answer a querydr or refund request as VNPay's merchant API does."""
    command = payload.get("vnp_Command")
    order = vnpay.QUERY_REQUEST_FIELDS if command == "querydr" else vnpay.REFUND_REQUEST_FIELDS
    fields = vnpay.QUERY_RESPONSE_FIELDS if command == "querydr" else vnpay.REFUND_RESPONSE_FIELDS
    if command not in ("querydr", "refund"):
        return _answer(payload, vnpay.QUERY_RESPONSE_FIELDS, vnp_ResponseCode="99")
    if not vnpay.verify_fields(payload, order, settings.VNPAY_HASH_SECRET):
        return _answer(payload, fields, vnp_ResponseCode="97", vnp_Message="Invalid checksum")
    with transaction.atomic():
        txn = (
            SandboxTransaction.objects.select_for_update()
            .filter(txn_ref=payload.get("vnp_TxnRef", ""))
            .first()
        )
        if txn is None:
            return _answer(payload, fields, vnp_ResponseCode="91", vnp_Message="Not found")
        common = {
            "vnp_Amount": str(txn.amount),
            "vnp_BankCode": txn.bank_code,
            "vnp_PayDate": txn.pay_date,
            "vnp_TransactionNo": txn.transaction_no,
        }
        if command == "querydr":
            return _answer(
                payload,
                fields,
                vnp_ResponseCode="00",
                vnp_Message="QueryDR Success",
                vnp_TransactionType="01",
                vnp_TransactionStatus=txn.transaction_status,
                **common,
            )
        amount = int(payload.get("vnp_Amount") or 0)
        if txn.transaction_status != "00" or not 0 < amount <= txn.amount - txn.refunded:
            return _answer(payload, fields, vnp_ResponseCode="94", vnp_Message="Invalid amount")
        txn.refunded += amount
        txn.save(update_fields=["refunded"])
        return _answer(
            payload,
            fields,
            vnp_ResponseCode="00",
            vnp_Message="Refund success",
            vnp_TransactionType=payload.get("vnp_TransactionType", "02"),
            vnp_TransactionStatus="05",
            **(common | {"vnp_Amount": str(amount)}),
        )
