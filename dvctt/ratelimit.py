"""Rate limits and lockouts: counters in the cache, keyed by client address and by account.

Every limit of the portal goes through `check` with a named rate from settings.RATE_LIMITS
("20/m", "5/15m", "30/h"). Addresses come from dvctt.client_ip only. A cache that does not
answer never turns a request into an error: the limit is then not applied (docs/design.md rule 11).

The window slides: "5/15m" means at most 5 accepted tries in any 15 minutes, not 5 per clock
quarter-hour (a fixed window lets 5 pass at the end of one quarter and 5 more at the start of
the next). Each period is counted in SLICES slices, one cache counter each; a try is refused
when the current slice and the SLICES before it — which together cover at least the last
period — already hold the limit. Tries are counted whether accepted or not, so hammering
keeps a client out.

Why not django-ratelimit: it could take the address from client_ip (RATELIMIT_IP_META_KEY
accepts a callable) and fail open (RATELIMIT_FAIL_OPEN), but its window is fixed — one counter
per period, staggered per key — so "5/15m" lets up to 10 tries through around a window's edge,
which the lockout of sign-in and the tests of this module refuse. Keeping the counters here
costs one small module; the limits themselves are settings either way.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from rest_framework import status

from .cache import window_count
from .client_ip import client_ip
from .errors import ApplicationError

log = logging.getLogger(__name__)
_RATE_RE = re.compile(r"^(\d+)/(\d*)([smhd])$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class RateLimited(ApplicationError):
    code = "throttled"
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_message = _("Quá nhiều yêu cầu, vui lòng thử lại sau.")


def parse_rate(rate: str) -> tuple[int, int]:
    """Return (count, seconds) of a rate such as "20/m" or "5/15m"."""
    match = _RATE_RE.match(rate.strip())
    if not match:
        raise ValueError(f"bad rate {rate!r}")
    count, mult, unit = match.groups()
    return int(count), int(mult or 1) * _UNIT[unit]


# Slices per period: the counted span is one period plus at most one slice — never less, so
# the limit holds in every period; a client waits at most period/SLICES longer than needed.
SLICES = 10


def _keys(scope: str, ident: str, *, period: int, now: float) -> list[str]:
    """Return the counters covering the last `period` seconds, the current slice last."""
    digest = hashlib.sha256(ident.lower().encode()).hexdigest()[:32]
    current = math.floor(now * SLICES / period)
    return [f"rl:{scope}:{digest}:{period}:{n}" for n in range(current - SLICES, current + 1)]


def _count(scope: str, ident: str, *, period: int, add: int) -> int:
    """Add `add` tries to the current slice; return the tries of the last period."""
    *earlier, current = _keys(scope, ident, period=period, now=time.time())
    # A slice is read for one period after it ends: it lives that long, and a bit more.
    timeout = period + math.ceil(period / SLICES) + 5
    counter = getattr(cache, "window_count", None)  # FallbackRedisCache: one round trip
    try:
        if counter is not None:
            return int(counter(current, earlier, add=add, timeout=timeout))
        return window_count(cache, current, earlier, add=add, timeout=timeout)
    except Exception:
        log.warning("rate-limit cache unavailable for %s", scope, exc_info=True)
        return 0


def is_over(scope: str, ident: str, *, record: bool = True) -> bool:
    """Count one hit of `ident` under `scope` (unless record=False) and tell if over the rate."""
    rate = settings.RATE_LIMITS.get(scope)
    if not rate or not ident:
        return False
    limit, period = parse_rate(rate)
    return _count(scope, ident, period=period, add=1 if record else 0) > limit - (
        0 if record else 1
    )


def check(
    request: HttpRequest,
    scope: str,
    *,
    account: str | None = None,
    record: bool = True,
    message: str | None = None,
) -> None:
    """Raise RateLimited when the client address (scope) or the account (scope_account) is over.

    With record=False only look (for lockouts counted on failures); count with `record_failure`.
    """
    over = is_over(scope, client_ip(request), record=record)
    if account:
        over = is_over(f"{scope}_account", account, record=record) or over
    if over:
        raise RateLimited(message)


def record_failure(request: HttpRequest, scope: str, *, account: str | None = None) -> None:
    """Count one failed attempt against the client address and the account."""
    is_over(scope, client_ip(request))
    if account:
        is_over(f"{scope}_account", account)
