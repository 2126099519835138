"""Forms of the accounts app."""

from __future__ import annotations

from allauth.account.forms import SignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from .validators import validate_id_number, validate_phone


class CitizenSignupForm(SignupForm):
    """Sign-up for citizens: e-mail and password plus the data every dossier needs."""

    full_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    id_number = forms.CharField(
        label=_("Số định danh cá nhân"),
        max_length=12,
        min_length=12,
        validators=[validate_id_number],
        help_text=_("12 chữ số trên thẻ căn cước."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=15,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    field_order = ["full_name", "email", "id_number", "phone", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Thư điện tử")
        self.fields["password1"].label = _("Mật khẩu")
        self.fields["password2"].label = _("Nhập lại mật khẩu")
        for name, field in self.fields.items():
            field.widget.attrs.pop("placeholder", None)
            field.widget.attrs.setdefault("id", f"id_{name}")
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"


class ContactForm(forms.Form):
    """The contact details a citizen may change on the profile page."""

    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=15,
        required=False,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    address = forms.CharField(
        label=_("Địa chỉ liên hệ"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
