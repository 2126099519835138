"""Notification pages: channel preferences (/tai-khoan/thong-bao/) and the in-app inbox."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest

from .forms import PreferenceForm
from .selectors import notification_inbox
from .services import (
    notification_mark_read,
    notification_preference_get,
    notification_preference_update,
)

INBOX_PAGE_SIZE = 20


@login_required
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Show and store which channels the person wants besides the inbox."""
    has_phone = bool(getattr(request.user, "phone", ""))
    current = notification_preference_get(user_id=request.user.pk)
    if request.method == "POST":
        form = PreferenceForm(request.POST, has_phone=has_phone)
        if form.is_valid():
            notification_preference_update(user_id=request.user.pk, **form.cleaned_data)
            messages.success(request, _("Đã lưu cách nhận thông báo."))
            return redirect("notifications:preferences")
        status = 400
    else:
        form = PreferenceForm(
            initial={"email": current.email, "sms": current.sms}, has_phone=has_phone
        )
        status = 200
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "has_phone": has_phone},
        status=status,
    )


@login_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List the person's in-app messages, newest first, 20 a page."""
    page = Paginator(notification_inbox(user_id=request.user.pk), INBOX_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def mark_read(
    request: AuthenticatedHttpRequest, notification_id: int | None = None
) -> HttpResponse:
    """Mark one message (then open its link) or all messages as read."""
    notification_mark_read(user_id=request.user.pk, notification_id=notification_id)
    target = request.POST.get("next") or ""
    if notification_id is not None and url_has_allowed_host_and_scheme(
        target, {request.get_host()}
    ):
        return redirect(target)
    return redirect("notifications:inbox")
