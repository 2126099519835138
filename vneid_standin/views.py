"""The stand-in identity provider's endpoints (OpenID Connect Core 1.0, RFC 7636 PKCE)."""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dvctt.middleware import gateway_origin

from . import keys
from .identities import IDENTITIES
from .models import Grant

CODE_SECONDS = 120
ACCESS_TOKEN_SECONDS = 300
# Where the portal (the one client the stand-in knows) receives the code.
CALLBACK_PATH = "/accounts/oidc/vneid/login/callback/"
_AUTH_PARAMS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
)


def _serving() -> None:
    # A real VNEID_ISSUER, or production: the stand-in does not exist.
    if settings.VNEID_ISSUER or not settings.VNEID_STANDIN_ALLOWED:
        raise Http404


def _endpoint(name: str) -> str:
    return f"{keys.issuer()}/{name}/"


@require_GET
def discovery(request: HttpRequest) -> JsonResponse:
    _serving()
    return JsonResponse(
        {
            "issuer": keys.issuer(),
            "authorization_endpoint": _endpoint("authorize"),
            "token_endpoint": _endpoint("token"),
            "userinfo_endpoint": _endpoint("userinfo"),
            "jwks_uri": _endpoint("jwks"),
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "profile", "email"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": [
                "sub",
                "iss",
                "aud",
                "exp",
                "iat",
                "nonce",
                "SoDinhDanh",
                "HoVaTen",
                "NgayThangNamSinh",
                "SoDienThoai",
                "ThuDienTu",
                "ial",
            ],
        }
    )


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    _serving()
    key = keys.current_key()  # made by the first sign-in: a GET never writes
    return JsonResponse({"keys": [keys.public_jwk(key)] if key else []})


def _authorize_error(request: HttpRequest, message: str) -> HttpResponse:
    # A bad client or redirect address is shown here, never sent back to an unknown address.
    return render(request, "vneid_standin/error.html", {"message": message}, status=400)


def _redirect_back(redirect_uri: str, params: dict[str, str]) -> HttpResponse:
    sep = "&" if urlsplit(redirect_uri).query else "?"
    return redirect(f"{redirect_uri}{sep}{urlencode(params)}")


@never_cache
@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest) -> HttpResponse:
    _serving()
    source = request.GET if request.method == "GET" else request.POST
    params = {name: source.get(name, "") for name in _AUTH_PARAMS}
    if params["client_id"] != settings.VNEID_CLIENT_ID:
        return _authorize_error(request, _("Ứng dụng yêu cầu đăng nhập không được đăng ký."))
    if urlsplit(params["redirect_uri"]).path != CALLBACK_PATH:
        return _authorize_error(request, _("Địa chỉ quay về không được đăng ký."))
    back = {"state": params["state"]} if params["state"] else {}
    if params["response_type"] != "code" or "openid" not in params["scope"].split():
        return _redirect_back(
            params["redirect_uri"], {"error": "unsupported_response_type", **back}
        )
    if not params["code_challenge"] or params["code_challenge_method"] != "S256":
        return _redirect_back(
            params["redirect_uri"],
            {"error": "invalid_request", "error_description": "PKCE S256 required", **back},
        )
    if request.method == "GET":
        page = render(
            request,
            "vneid_standin/authorize.html",
            {"params": params, "identities": IDENTITIES.values()},
        )
        # The picker's form redirects to the client's callback, which may be another origin
        # than the stand-in's (127.0.0.1 vs localhost): the CSP's form-action must allow it.
        origin = gateway_origin(params["redirect_uri"])
        if origin:
            page._csp_update = {"form-action": [origin]}  # type: ignore[attr-defined]
        return page
    if "cancel" in request.POST:
        return _redirect_back(params["redirect_uri"], {"error": "access_denied", **back})
    identity = IDENTITIES.get(request.POST.get("identity", ""))
    if identity is None:
        return render(
            request,
            "vneid_standin/authorize.html",
            {
                "params": params,
                "identities": IDENTITIES.values(),
                "error": _("Hãy chọn một danh tính."),
            },
            status=400,
        )
    keys.ensure_key()
    grant = Grant.objects.create(
        code=secrets.token_urlsafe(32),
        client_id=params["client_id"],
        redirect_uri=params["redirect_uri"],
        code_challenge=params["code_challenge"],
        nonce=params["nonce"][:255],
        scope=params["scope"][:255],
        identity=identity.so_dinh_danh,
        created_at=timezone.now(),
    )
    return _redirect_back(params["redirect_uri"], {"code": grant.code, **back})


def _token_error(error: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": error}, status=status)


def _client_credentials(request: HttpRequest) -> tuple[str, str]:
    header = request.headers.get("Authorization", "")
    if header.startswith("Basic "):
        try:
            decoded = base64.b64decode(header[6:]).decode()
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
        client_id, _sep, secret = decoded.partition(":")
        return client_id, secret
    return request.POST.get("client_id", ""), request.POST.get("client_secret", "")


@csrf_exempt  # called server to server by the client, authenticated by its secret
@require_POST
def token(request: HttpRequest) -> JsonResponse:
    _serving()
    client_id, secret = _client_credentials(request)
    if client_id != settings.VNEID_CLIENT_ID or not hmac.compare_digest(
        secret.encode(), str(settings.VNEID_CLIENT_SECRET).encode()
    ):
        return _token_error("invalid_client", 401)
    if request.POST.get("grant_type") != "authorization_code":
        return _token_error("unsupported_grant_type")
    fresh_since = timezone.now() - timedelta(seconds=CODE_SECONDS)
    with transaction.atomic():
        grant = (
            Grant.objects.select_for_update()
            .filter(code=request.POST.get("code", ""), redeemed_at__isnull=True)
            .first()
        )
        if (
            grant is None
            or grant.created_at < fresh_since
            or grant.client_id != client_id
            or grant.redirect_uri != request.POST.get("redirect_uri", "")
            or not keys.pkce_matches(request.POST.get("code_verifier", ""), grant.code_challenge)
        ):
            return _token_error("invalid_grant")
        grant.redeemed_at = timezone.now()
        grant.access_token = secrets.token_urlsafe(32)
        grant.save(update_fields=["redeemed_at", "access_token"])
    identity = IDENTITIES[grant.identity]
    key = keys.ensure_key()
    body: dict[str, Any] = {
        "access_token": grant.access_token,
        "token_type": "Bearer",
        "expires_in": ACCESS_TOKEN_SECONDS,
        "scope": grant.scope,
        "id_token": keys.sign(keys.id_token_claims(grant, identity), key),
    }
    return JsonResponse(body, headers={"Cache-Control": "no-store"})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def userinfo(request: HttpRequest) -> JsonResponse:
    _serving()
    header = request.headers.get("Authorization", "")
    access_token = header[7:] if header.startswith("Bearer ") else ""
    fresh_since = timezone.now() - timedelta(seconds=ACCESS_TOKEN_SECONDS)
    grant = Grant.objects.filter(
        access_token=access_token or None, redeemed_at__gte=fresh_since
    ).first()
    if grant is None:
        return JsonResponse(
            {"error": "invalid_token"},
            status=401,
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    return JsonResponse(IDENTITIES[grant.identity].claims())
