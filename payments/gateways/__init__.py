"""Payment gateways behind one interface, chosen by name or by settings (DESIGN.md §3.4).

Every gateway speaks VNPay 2.1.0 (API.md §5): `redirect_url`, `verify_callback`, `query`
(querydr) and `refund`. VNPAY_PAYMENT_URL set selects VNPay itself; unset, the built-in
sandbox serves the payment page and sends the IPN.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings

from . import sandbox, vnpay
from .vnpay import GatewayResult, GatewayUnavailable, RefundResult, VnpayGateway

REGISTRY: dict[str, Callable[[], VnpayGateway]] = {
    "vnpay": vnpay.gateway_from_settings,
    "sandbox": sandbox.gateway_from_settings,
}


def default_gateway_name() -> str:
    """Return the gateway new payments use: VNPay when configured, else the sandbox."""
    return "vnpay" if settings.VNPAY_PAYMENT_URL else "sandbox"


def get_gateway(name: str | None = None) -> VnpayGateway:
    """Return the gateway registered under `name` (default: the configured one)."""
    return REGISTRY[name or default_gateway_name()]()


__all__ = [
    "GatewayResult",
    "GatewayUnavailable",
    "RefundResult",
    "VnpayGateway",
    "default_gateway_name",
    "get_gateway",
]
