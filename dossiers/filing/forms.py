"""Forms of filing: the wizard's first steps (agency and case, applicant), an upload, and the
counter's lookup. The e-form itself is procedures.eform.SchemaForm (dossiers/forms.py).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import IdNumberField, PhoneField


class StartForm(forms.Form):
    """Step 1: the agency and the case."""

    agency = forms.ChoiceField(label=_("Cơ quan giải quyết"), widget=forms.RadioSelect)
    case = forms.ChoiceField(label=_("Trường hợp"), widget=forms.RadioSelect)

    def __init__(self, snapshot: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = snapshot.get("agencies", [])
        cases = snapshot.get("cases", [])
        self._choice_field("agency").choices = [(a["code"], a["name"]) for a in agencies]
        self._choice_field("case").choices = [(str(c["id"]), c["name"]) for c in cases]
        if len(agencies) == 1:
            self.fields["agency"].initial = agencies[0]["code"]
            self.fields["agency"].widget = forms.HiddenInput()
        if len(cases) == 1:
            self.fields["case"].initial = str(cases[0]["id"])
            self.fields["case"].widget = forms.HiddenInput()

    def _choice_field(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)  # both are declared as such above
        return field


class CaseForm(StartForm):
    """Back to step 1 of a draft: another case of the same procedure (the agency stays)."""

    def __init__(self, snapshot: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(snapshot, *args, **kwargs)
        del self.fields["agency"]


class ApplicantForm(forms.Form):
    """Step 2: the applicant, prefilled from the profile and the citizen registry."""

    applicant_name = forms.CharField(
        label=_("Họ và tên"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    applicant_id_number = IdNumberField()
    applicant_phone = PhoneField(required=False)
    applicant_email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Để nhận thông báo về hồ sơ."),
    )
    applicant_address = forms.CharField(
        label=_("Địa chỉ"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )


class UploadForm(forms.Form):
    component = forms.IntegerField(widget=forms.HiddenInput)
    file = forms.FileField(label=_("Chọn tệp (PDF, JPEG, PNG)"), allow_empty_file=True)


class CounterLookupForm(forms.Form):
    """Counter filing, first step: which procedure, for whom."""

    case = forms.TypedChoiceField(
        label=_("Thủ tục và trường hợp"),
        coerce=int,
        help_text=_("Các thủ tục mà cơ quan của bạn tiếp nhận, nhóm theo thủ tục."),
    )
    applicant_id_number = IdNumberField(label=_("Số định danh cá nhân của người nộp"))
    applicant_name = forms.CharField(
        label=_("Họ và tên"),
        max_length=200,
        required=False,
        help_text=_("Để trống để lấy từ Cơ sở dữ liệu quốc gia về dân cư."),
    )
    applicant_phone = PhoneField(required=False)
    applicant_email = forms.EmailField(label=_("Thư điện tử"), required=False)
    applicant_address = forms.CharField(label=_("Địa chỉ"), max_length=300, required=False)
    # Desk verification (DESIGN.md §3.12): the dossier attaches to a citizen's account only
    # because an official saw the card; the official confirms it here.
    identity_checked = forms.BooleanField(
        label=_("Tôi đã kiểm tra thẻ căn cước (bản gốc) của người nộp"),
        required=False,
        help_text=_("Bắt buộc: hồ sơ chỉ gắn vào tài khoản đã xác thực đúng số định danh này."),
    )

    def __init__(self, procedures, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].choices = [
            ("", "—"),
            *[
                (f"{p.code} — {p.name[:120]}", [(c.pk, c.name[:160]) for c in p.cases.all()])
                for p in procedures
            ],
        ]
