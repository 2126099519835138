"""Request middleware of the platform."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from .errors import STATUS_ERRORS, ApplicationError, error_body, error_text


class ChosenLanguageMiddleware:
    """Serve Vietnamese unless the visitor chose another language in the footer.

    Django's LocaleMiddleware would follow the browser's Accept-Language, but many citizens'
    phones are set to English while they expect their government portal in Vietnamese; so
    only an explicit choice (the language cookie set by /i18n/setlang/) switches language.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class ApplicationErrorPageMiddleware:
    """The one mapping of application errors to HTML responses (the API has its own, in
    dvctt.errors.api_exception_handler): NotFound → the 404 page, Forbidden → the 403 page,
    each saying what was refused; any other refusal of a submitted form becomes a message on
    the page the view names with `error_back` (or the same page), answered with a 303 so a
    reload does not send the form again. A GET that is refused gets the error page with its
    status instead of a redirect, which would loop.

    Views still catch ApplicationError themselves where the refusal belongs on a form's
    fields; what reaches here is everything else.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, ApplicationError) or request.path.startswith("/api/"):
            return None
        # Raised here, Django's own handlers render them (handler404/handler403).
        if exception.status_code == 404:
            raise Http404(exception.message) from exception
        if exception.status_code == 403:
            raise PermissionDenied(exception.message) from exception
        if request.method in ("GET", "HEAD"):
            context = {"message": error_text(exception)}
            return render(request, "400.html", context, status=exception.status_code)
        messages.error(request, error_text(exception))
        match = request.resolver_match
        back = getattr(match.func, "error_back", None) if match else None
        if back is None:
            target = request.get_full_path()
        else:
            ids = {k: v for k, v in (match.kwargs if match else {}).items() if k == "dossier_id"}
            target = reverse(back, kwargs=ids)
        response = redirect(target)
        response.status_code = 303
        return response


class ApiErrorShapeMiddleware:
    """Answer a 404 or 405 under /api/ as {"code","message","fields"} (docs/api.md §4).

    DRF views already do; this covers what reaches no DRF view: a URL no route matches
    (with DEBUG on Django renders its HTML "Page not found" instead of handler404) and a
    wrong method on a plain Django view. It sits outside CommonMiddleware, so the slash
    redirect (APPEND_SLASH) of /api/v1/dossiers to /api/v1/dossiers/ is kept.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        error = STATUS_ERRORS.get(response.status_code)
        if (
            error is None
            or not request.path_info.startswith("/api/")
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        code, message = error
        shaped = JsonResponse(error_body(code, message), status=response.status_code)
        for header in ("Allow", "Vary"):
            if header in response:
                shaped[header] = response[header]
        return shaped


_HOST = re.compile(r"[a-z0-9.-]+|[0-9a-f:.]+")


def gateway_origin(url: str) -> str:
    """Return the origin (scheme://host[:port]) of an http(s) URL, or "" for anything else."""
    parts = urlsplit(url.strip())
    hostname = parts.hostname or ""
    # Only a plain host name or address: nothing that could smuggle a source list into the
    # header (a ";" or a space would start another directive).
    if parts.scheme not in ("http", "https") or not _HOST.fullmatch(hostname):
        return ""
    try:
        port = parts.port
    except ValueError:
        return ""
    host = f"[{hostname}]" if ":" in hostname else hostname
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")


def payment_gateway_url() -> str:
    """Return where the pay button sends the browser: the gateway's, VNPay's, else the sandbox.

    The sandbox lives at PUBLIC_BASE_URL (payments/gateways/sandbox.py), which may be another
    origin than the one the browser used (127.0.0.1 vs localhost, a proxy's name).
    """
    if settings.PAYMENT_GATEWAY:  # another gateway plug-in: the address it sends payers to
        from payments.gateways import get_gateway

        return str(get_gateway().payment_url)
    if settings.VNPAY_PAYMENT_URL:
        return str(settings.VNPAY_PAYMENT_URL)
    return str(settings.PUBLIC_BASE_URL or "") if settings.PAYMENT_SANDBOX_ALLOWED else ""


class PortalCSPMiddleware(CSPMiddleware):
    """django-csp's policy, plus the payment gateway's and VNeID's origins in form-action.

    "Thanh toán trực tuyến" posts to the portal, which redirects the browser to
    VNPAY_PAYMENT_URL; form-action also governs the redirects that follow a form submission,
    so with 'self' alone the browser silently refuses the gateway (issue 17.1). Exactly that
    one origin is added, read from the settings on each response (nothing wider).
    """

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        # VNeID's origin only where "Đăng nhập bằng VNeID" is (allauth's pages under /accounts/).
        vneid = vneid_origin() if request.path.startswith("/accounts/") else ""
        origins = [gateway_origin(payment_gateway_url()), vneid]
        origins = [o for i, o in enumerate(origins) if o and o not in origins[:i]]
        if origins and not report_only:
            update = dict(parts.update or {})
            update["form-action"] = [*(update.get("form-action") or []), *origins]
            parts.update = update
        return parts


def vneid_origin() -> str:
    """The VNeID identity provider's origin: "Đăng nhập bằng VNeID" posts, then redirects there."""
    from accounts.vneid import issuer_url, vneid_enabled

    return gateway_origin(issuer_url()) if vneid_enabled() else ""
