"""Template context every page needs."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from .views import CONTRASTS, TEXT_SIZES


def portal(request: HttpRequest) -> dict:
    """Give templates the portal's name and the signed-in user's role flags."""
    user = getattr(request, "user", None)
    text_size = request.COOKIES.get("text_size", "normal")
    contrast = request.COOKIES.get("contrast", "normal")
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "text_size": text_size if text_size in TEXT_SIZES else "normal",
        "contrast": contrast if contrast in CONTRASTS else "normal",
        "is_official": bool(user and user.is_authenticated and user.is_official),
    }
