"""Payment gateways as plug-ins: one class each, registered by name (docs/design.md rule 4).

A gateway implements PaymentGateway (base.py) in its own module and is registered here with
`register_gateway(name, factory)`. Settings choose the active one: PAYMENT_GATEWAY if set,
otherwise VNPay when VNPAY_PAYMENT_URL is set, else the built-in sandbox (never in production).
Callbacks come to /payments/<callback_slug>/return/ and …/ipn/ (see callback_gateway).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from . import sandbox, vnpay
from .base import GatewayResult, GatewayUnavailable, PaymentGateway, RefundResult

REGISTRY: dict[str, Callable[[], PaymentGateway]] = {}


def register_gateway(name: str, factory: Callable[[], PaymentGateway]) -> None:
    """Make a gateway available under `name` (the factory builds it from settings)."""
    REGISTRY[name] = factory


register_gateway("vnpay", vnpay.gateway_from_settings)
register_gateway("sandbox", sandbox.gateway_from_settings)


def default_gateway_name() -> str:
    """Return the gateway new payments use: as set, else VNPay when configured, else the sandbox."""
    if settings.PAYMENT_GATEWAY:
        return str(settings.PAYMENT_GATEWAY)
    return "vnpay" if settings.VNPAY_PAYMENT_URL else "sandbox"


def get_gateway(name: str | None = None) -> PaymentGateway:
    """Return the gateway registered under `name` (default: the configured one)."""
    name = name or default_gateway_name()
    try:
        factory = REGISTRY[name]
    except KeyError:
        raise ImproperlyConfigured(f"no payment gateway registered as {name!r}") from None
    return factory()


def callback_gateway(slug: str) -> PaymentGateway | None:
    """Return the gateway whose callbacks come to /payments/<slug>/…, or None.

    The active gateway first (the sandbox answers on VNPay's URLs, as it did before), then
    the gateway registered under that name.
    """
    active = get_gateway()
    if active.callback_slug == slug:
        return active
    factory = REGISTRY.get(slug)
    if factory is not None and (gateway := factory()).callback_slug == slug:
        return gateway
    return None


__all__ = [
    "REGISTRY",
    "GatewayResult",
    "GatewayUnavailable",
    "PaymentGateway",
    "RefundResult",
    "callback_gateway",
    "default_gateway_name",
    "get_gateway",
    "register_gateway",
]
