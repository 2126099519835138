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

from .channels import always_on_channels, optional_channels
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
    if request.method == "POST":
        form = PreferenceForm(request.POST, user=request.user)
        if form.is_valid():
            notification_preference_update(user_id=request.user.pk, choices=form.cleaned_data)
            messages.success(request, _("Đã lưu cách nhận thông báo."))
            return redirect("notifications:preferences")
        status = 400
    else:
        current = notification_preference_get(user_id=request.user.pk)
        form = PreferenceForm(initial=current, user=request.user)
        status = 200
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "always_on": always_on_channels(),
            # Why a channel cannot be turned on yet (an SMS without a phone number).
            "notes": [r for c in optional_channels() if (r := c.unavailable(request.user))],
        },
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
