"""The one function that says which address a request came from (every rate limit uses it).

X-Forwarded-For is written by whoever sends the request, so it is believed only for the hops
added by proxies we run ourselves (TRUSTED_PROXIES, addresses or networks). With none
configured — the default — the address is the socket's REMOTE_ADDR, whatever the headers say.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _trusted(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = (value or "").strip()
    if value.startswith("[") and "]" in value:  # "[::1]:port"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "1.2.3.4:port"
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def ip_in(address: str, networks: list[str] | tuple[str, ...]) -> bool:
    """Tell whether an address belongs to one of the given addresses or networks."""
    ip = _parse(address)
    return ip is not None and any(ip in net for net in _trusted(tuple(networks or ())))


def is_trusted_proxy(address: str) -> bool:
    """Tell whether an address belongs to one of the configured trusted proxies."""
    return ip_in(address, getattr(settings, "TRUSTED_PROXIES", ()))


def client_ip(request: HttpRequest) -> str:
    """Return the client's address: REMOTE_ADDR, or the first hop left of our own proxies."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if not is_trusted_proxy(remote):
        return str(_parse(remote) or remote)
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    # Walk from the nearest hop outwards; the first address not ours is the client's.
    for hop in reversed(hops):
        ip = _parse(hop)
        if ip is None:
            break  # a forged or broken entry: trust nothing further out
        if not is_trusted_proxy(str(ip)):
            return str(ip)
    return str(_parse(remote) or remote)


def _clear(*, setting: str, **kwargs) -> None:
    if setting in ("TRUSTED_PROXIES", "METRICS_ALLOWED_ADDRESSES"):
        _trusted.cache_clear()


setting_changed.connect(_clear)
