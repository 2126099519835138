"""The citizen's identity verification page: /tai-khoan/xac-thuc-danh-tinh/."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dvctt import ratelimit
from dvctt.errors import ApplicationError
from dvctt.forms import DayFirstDateField, DayFirstDateInput

from .forms import IdNumberField
from .http import AuthenticatedHttpRequest
from .identity import user_verify_identity_by_registry


class IdentityVerifyForm(forms.Form):
    id_number = IdNumberField()
    full_name = forms.CharField(
        label=gettext_lazy("Họ và tên (như trên thẻ)"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    date_of_birth = DayFirstDateField(
        label=gettext_lazy("Ngày sinh"),
        widget=DayFirstDateInput(attrs={"autocomplete": "bday"}),
    )


@login_required
def identity_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Verify the account's identity by the citizen registry (number + name + date of birth)."""
    user = request.user
    initial = {"id_number": user.id_number, "full_name": user.full_name}
    form = IdentityVerifyForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and not user.identity_verified:
        if form.is_valid():
            try:
                # Each try may reveal whether a name and birthday fit a number: few per hour.
                ratelimit.check(request, "identity", account=str(user.pk))
                user_verify_identity_by_registry(actor=user, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                messages.success(request, _("Đã xác thực danh tính qua Cơ sở dữ liệu dân cư."))
                return redirect("identity_verify")
        else:
            status = 400
    return render(
        request,
        "accounts/identity_verify.html",
        {"form": form, "verified_user": user},
        status=status,
    )
