"""Whole-page cache and conditional GET for the public catalogue pages.

Home, the search results and a procedure's page are the same for every anonymous visitor
with the same language and display preferences, and change only when the catalogue does. An
anonymous request (no session cookie, so no account and no pending message) is answered from
the cache: the page is rendered once per catalogue version, with the CSRF token of its forms
(language switch, display preferences) cut out and put back per request, since that token
belongs to each visitor's cookie. The catalogue version (`catalogue_changed`, called by the
procedures' signals on commit) is part of every key, so a change reaches every web process
within VERSION_MEMO_SECONDS; entries also expire after PAGE_CACHE_SECONDS as a backstop.

Conditional GET: the ETag names the catalogue version, the page and the visitor's CSRF
cookie, so a browser revalidating gets 304 without any rendering; the answer is private
(it carries the visitor's token) and varies on Cookie.
"""

from __future__ import annotations

import functools
import hashlib
import re
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils.cache import patch_cache_control, patch_vary_headers

from .context_processors import portal

VERSION_KEY = "page-cache:catalogue-version"
PAGE_CACHE_SECONDS = 600
_TOKEN_RE = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
_HOLE = b"__DVCTT_CSRF_TOKEN__"

View = Callable[..., HttpResponse]


# Each process keeps the version it read for VERSION_MEMO_SECONDS: one Redis round trip less
# per page; a change made through another process reaches this one within that time.
VERSION_MEMO_SECONDS = 1.0
_memo: dict[str, tuple[float, str]] = {}


def catalogue_version() -> str:
    """Return the current catalogue version (a new one if the cache lost it)."""
    now = time.monotonic()
    memo = _memo.get(VERSION_KEY)
    if memo is not None and now - memo[0] < VERSION_MEMO_SECONDS:
        return memo[1]
    version = cache.get(VERSION_KEY)
    if version is None:
        # add, not set: two processes starting at once agree on one version
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY) or uuid.uuid4().hex
    _memo[VERSION_KEY] = (now, str(version))
    return str(version)


def catalogue_changed() -> None:
    """Retire every cached public page (the catalogue changed)."""
    version = uuid.uuid4().hex
    cache.set(VERSION_KEY, version, None)
    _memo[VERSION_KEY] = (time.monotonic(), version)


def anonymous_get(request: HttpRequest) -> bool:
    """Whether a cached page may answer this request (the same for every such visitor)."""
    # No session cookie: no account, no messages kept in the session; no messages cookie.
    return (
        settings.PUBLIC_PAGE_CACHE
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


@functools.cache
def _release() -> str:
    """Name this deployment's static files: a new release never serves pages naming old ones."""
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    try:
        return hashlib.sha256(manifest.read_bytes()).hexdigest()[:16]
    except OSError:
        return ""


def display_parts(request: HttpRequest) -> list[str]:
    """What, besides the address, makes two anonymous visitors' pages differ."""
    prefs = portal(request)  # the display preferences the layout shows (validated)
    return [
        catalogue_version(),
        _release(),
        getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
        prefs["text_size"],
        prefs["contrast"],
        "htmx" if request.headers.get("HX-Request") else "page",
    ]


def _page_key(request: HttpRequest) -> str:
    parts = [*display_parts(request), request.get_full_path()]
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def page_template(response: HttpResponse) -> tuple[str, bytes]:
    """Return what the cache keeps of a rendered page: its type and body, the token cut out."""
    body = response.content
    token = _TOKEN_RE.search(body)
    return response["Content-Type"], body.replace(token.group(1), _HOLE) if token else body


def page_from_template(request: HttpRequest, cached: tuple[str, bytes]) -> HttpResponse:
    """Return the page kept by page_template, with this visitor's CSRF token put back."""
    content_type, template = cached
    response = HttpResponse(content_type=content_type)
    if _HOLE in template:
        response.content = template.replace(_HOLE, get_token(request).encode())
    else:
        response.content = template
    return response


def public_page(view: View) -> View:
    """Serve an anonymous GET of `view` from the page cache, with conditional GET."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not anonymous_get(request):
            return view(request, *args, **kwargs)
        key = _page_key(request)
        csrf_cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
        etag = '"{}"'.format(hashlib.sha256(f"{key}:{csrf_cookie}".encode()).hexdigest()[:32])
        if csrf_cookie and etag in request.headers.get("If-None-Match", ""):
            response: HttpResponse = HttpResponseNotModified()
        else:
            cached = cache.get(f"page-cache:{key}")
            if cached is None:
                response = view(request, *args, **kwargs)
                if response.status_code != 200 or response.streaming:
                    return response
                cache.set(f"page-cache:{key}", page_template(response), PAGE_CACHE_SECONDS)
            else:
                response = page_from_template(request, cached)
        response["ETag"] = etag
        patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ("Cookie", "HX-Request"))
        return response

    return wrapped
