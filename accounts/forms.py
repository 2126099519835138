"""Forms of the accounts app."""

from __future__ import annotations

from allauth.account.forms import SignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from .validators import validate_id_number, validate_phone


class IdNumberField(forms.CharField):
    """The 12-digit personal identification number of the ID card (căn cước), checked."""

    default_validators = [validate_id_number]

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Số định danh cá nhân"))
        kwargs.setdefault("help_text", _("12 chữ số trên thẻ căn cước."))
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
        )
        super().__init__(min_length=12, max_length=12, **kwargs)


class PhoneField(forms.CharField):
    """A Vietnamese phone number as the account stores it (User.phone), checked."""

    default_validators = [validate_phone]

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Số điện thoại"))
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})
        )
        super().__init__(max_length=15, **kwargs)


class CitizenSignupForm(SignupForm):
    """Sign-up for citizens: e-mail and password plus the data every dossier needs."""

    full_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    id_number = IdNumberField()
    phone = PhoneField()

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

    phone = PhoneField(required=False)
    address = forms.CharField(
        label=_("Địa chỉ liên hệ"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )


class EnrolmentCodeForm(forms.Form):
    """The enrolment code an administrator handed to an official (or copied from the e-mail)."""

    code = forms.CharField(
        label=_("Mã đăng ký do quản trị viên cấp"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )
