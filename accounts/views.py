"""Account pages: the profile at /tai-khoan/, officials' second-factor enrolment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from dvctt.errors import ApplicationError

from . import services
from .forms import ContactForm, EnrolmentCodeForm
from .http import AuthenticatedHttpRequest
from .middleware import enrolment_grant_give, official_needs_enrolment
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


def _masked_email(email: str) -> str:
    """Show enough of the address for the owner to recognise it, not enough to harvest it."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def _enrolment_page(
    request: AuthenticatedHttpRequest, *, form: EnrolmentCodeForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "accounts/mfa_enrol.html",
        {"form": form, "masked_email": _masked_email(request.user.email)},
        status=status,
    )


def _enrolment_applies(request: AuthenticatedHttpRequest) -> bool:
    if not request.user.is_official:
        raise PermissionDenied(_("Trang này dành cho cán bộ, công chức."))
    return official_needs_enrolment(request.user)


def _use_token(request: AuthenticatedHttpRequest, token: str) -> None:
    services.mfa_enrolment_consume(user=request.user, token=token)
    enrolment_grant_give(request, request.user)
    messages.success(
        request,
        _("Đã xác nhận. Hãy quét mã QR bằng ứng dụng xác thực và nhập mã 6 chữ số để hoàn tất."),
    )


@never_cache
@login_required
def mfa_enrol(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Let an official without a second factor ask for an enrolment link, or type a code."""
    if not _enrolment_applies(request):  # enrolled already, or free to use allauth's pages
        return redirect("mfa_index")
    form = EnrolmentCodeForm(request.POST if "code" in request.POST else None)
    if request.method == "POST" and "send" in request.POST:
        sent = services.mfa_enrolment_send_link(user=request.user)
        if sent:
            messages.success(
                request,
                _(
                    "Đã gửi liên kết đăng ký đến %(email)s. Hãy mở thư và bấm vào liên kết "
                    "trong trình duyệt này."
                )
                % {"email": _masked_email(request.user.email)},
            )
        else:
            messages.info(
                request, _("Liên kết vừa được gửi. Vui lòng kiểm tra hộp thư, kể cả thư rác.")
            )
        return redirect("accounts:mfa_enrol")
    if request.method == "POST":
        if not form.is_valid():
            return _enrolment_page(request, form=form, status=400)
        try:
            _use_token(request, form.cleaned_data["code"])
        except ApplicationError as exc:
            form.add_error("code", exc.message)
            return _enrolment_page(request, form=form, status=exc.status_code)
        return redirect("mfa_activate_totp")
    return _enrolment_page(request, form=form)


@never_cache
@login_required
def mfa_enrol_link(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    """Open the e-mailed enrolment link: confirm with a button (GET changes nothing)."""
    if not _enrolment_applies(request):  # enrolled already, or free to use allauth's pages
        return redirect("mfa_index")
    if request.method == "POST":
        try:
            _use_token(request, token)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return _enrolment_page(request, form=EnrolmentCodeForm(), status=exc.status_code)
        return redirect("mfa_activate_totp")
    return render(request, "accounts/mfa_enrol_link.html")
