"""The citizen's account pages: the profile at /tai-khoan/."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import services
from .forms import ContactForm
from .http import AuthenticatedHttpRequest
from .models import User


def identity_state(user: User) -> dict:
    """Return how the user's identity was verified, or that it was not (yet)."""
    # The fields come with identity verification (issue 11); without them, "not verified".
    verified_at = getattr(user, "identity_verified_at", None)
    via = getattr(user, "identity_verified_via", "") or ""
    via_label = ""
    if via:
        display = getattr(user, "get_identity_verified_via_display", None)
        via_label = display() if callable(display) else via
    return {"verified": bool(verified_at), "at": verified_at, "via": via_label}


@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Show the user's personal data and identity state; let them change contact details."""
    user = request.user
    form = ContactForm(request.POST or None, initial={"phone": user.phone, "address": user.address})
    if request.method == "POST" and form.is_valid():
        services.user_update_contact(actor=user, **form.cleaned_data)
        messages.success(request, _("Đã lưu thông tin liên hệ."))
        return redirect("accounts:profile")
    return render(
        request,
        "account/profile.html",
        {"profile_user": user, "identity": identity_state(user), "form": form},
        status=400 if form.is_bound else 200,
    )
