"""Ask officials for a second factor before they reach anything but the MFA pages."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.shortcuts import redirect

_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz", "/metrics", "/i18n/")


class OfficialMfaRequiredMiddleware:
    """In production an official without TOTP is sent to set it up (MFA_REQUIRED_FOR_OFFICIALS)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.MFA_REQUIRED_FOR_OFFICIALS
            and user is not None
            and user.is_authenticated
            and user.is_official
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            return redirect("mfa_activate_totp")
        return self.get_response(request)
