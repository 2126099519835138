"""Ask officials for a second factor before they reach anything but the enrolment pages.

Where MFA_REQUIRED_FOR_OFFICIALS is on (production), an official without TOTP reaches only
the enrolment page, logout and the static assets. The password alone must not be enough to
enrol an authenticator (a password thief would enrol their own): allauth's TOTP activation —
and the password re-check before it — open only after the official used a single-use
enrolment token sent to their e-mail address or handed over by an administrator
(accounts/services.py), which leaves a short grant in the session.
"""

from __future__ import annotations

import time

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from dvctt.errors import error_body

from .models import User

_OPEN_PREFIXES = ("/static/", "/healthz", "/metrics", "/i18n/")
_ALWAYS_OPEN = {"account_logout", "accounts:mfa_enrol", "accounts:mfa_enrol_link"}
_OPEN_WITH_GRANT = {"mfa_activate_totp", "account_reauthenticate"}
_GRANT_KEY = "accounts.mfa_enrolment_grant"
# Long enough to scan the QR code and type the first code; short enough to be of no use later.
GRANT_SECONDS = 15 * 60


def enrolment_grant_give(request: HttpRequest, user: User) -> None:
    """Let this session (and only this user in it) open the TOTP activation for a while."""
    request.session[_GRANT_KEY] = {"user": user.pk, "until": time.time() + GRANT_SECONDS}


def enrolment_grant_held(request: HttpRequest, user: User) -> bool:
    """Tell whether the session holds a live enrolment grant for this user."""
    grant = request.session.get(_GRANT_KEY) or {}
    return grant.get("user") == user.pk and float(grant.get("until") or 0) > time.time()


def official_needs_enrolment(user) -> bool:
    """Tell whether the user is an official who must enrol a second factor before working."""
    return bool(
        settings.MFA_REQUIRED_FOR_OFFICIALS
        and user is not None
        and user.is_authenticated
        and user.is_official
        and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    )


def _view_name(path: str) -> str:
    try:
        return resolve(path).view_name
    except Resolver404:
        return ""


class OfficialMfaRequiredMiddleware:
    """In production an official without TOTP is sent to enrol one (MFA_REQUIRED_FOR_OFFICIALS)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            isinstance(user, User)
            and not request.path.startswith(_OPEN_PREFIXES)
            and official_needs_enrolment(user)
        ):
            name = _view_name(request.path_info)
            allowed = name in _ALWAYS_OPEN or (
                name in _OPEN_WITH_GRANT and enrolment_grant_held(request, user)
            )
            if not allowed:
                if request.path_info.startswith("/api/"):
                    message = _(
                        "Tài khoản cán bộ phải đăng ký xác thực hai lớp trên cổng trước khi "
                        "dùng API."
                    )
                    return JsonResponse(error_body("mfa_setup_required", message), status=403)
                return redirect("accounts:mfa_enrol")
        return self.get_response(request)
