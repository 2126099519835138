"""Forms of the notification pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PreferenceForm(forms.Form):
    email = forms.BooleanField(
        label=_("Nhận thông báo qua thư điện tử"),
        required=False,
        help_text=_("Gửi tới địa chỉ thư điện tử của tài khoản."),
    )
    sms = forms.BooleanField(
        label=_("Nhận thông báo qua tin nhắn SMS"),
        required=False,
        help_text=_("Tin nhắn ngắn, không dấu, gửi tới số điện thoại trong hồ sơ."),
    )

    def __init__(self, *args, has_phone: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.has_phone = has_phone

    def clean_sms(self) -> bool:
        sms = self.cleaned_data["sms"]
        if sms and not self.has_phone:
            raise forms.ValidationError(
                _("Tài khoản chưa có số điện thoại, nên chưa nhận được tin nhắn SMS.")
            )
        return sms
