"""Forms of filing: the wizard's first steps (agency and case, applicant), an upload, and the
counter's lookup. The e-form itself is procedures.eform.SchemaForm (dossiers/forms.py).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import IdNumberField, PhoneField
from procedures.constants import ApplicantType

from ..constants import ApplicantKind, Channel, RepresentativeRelation, ResultDelivery


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
    """Step 2: for whom, the applicant (prefilled from the profile and the citizen registry),
    the representative who files on their behalf, and how the result is received.

    Which fields a choice needs is the service's rule (completeness.filing_party_errors): the
    form checks each value's shape, the service the whole.
    """

    applicant_kind = forms.ChoiceField(
        label=_("Bạn nộp hồ sơ này cho ai?"),
        choices=ApplicantKind.choices,
        initial=ApplicantKind.SELF,
        required=False,
        widget=forms.RadioSelect,
    )
    applicant_name = forms.CharField(
        label=_("Họ và tên (hoặc tên tổ chức)"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    applicant_id_number = IdNumberField(
        required=False, help_text=_("12 chữ số trên thẻ căn cước; tổ chức để trống.")
    )
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
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    applicant_tax_code = forms.CharField(
        label=_("Mã số thuế của tổ chức"),
        max_length=14,
        required=False,
        help_text=_("10 hoặc 13 chữ số."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    organisation_legal_rep = forms.CharField(
        label=_("Người đại diện theo pháp luật của tổ chức"), max_length=200, required=False
    )
    representative_name = forms.CharField(
        label=_("Họ và tên người nộp thay"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    representative_id_number = IdNumberField(
        label=_("Số định danh (căn cước) của người nộp thay"), required=False
    )
    representative_relation = forms.ChoiceField(
        label=_("Quan hệ với người có hồ sơ"),
        choices=[("", "—"), *RepresentativeRelation.choices],
        required=False,
        help_text=_(
            "Cha, mẹ, người giám hộ và người đại diện theo pháp luật không cần văn bản ủy quyền; "
            "người được ủy quyền phải đính kèm văn bản ủy quyền ở bước Giấy tờ."
        ),
    )
    result_delivery = forms.ChoiceField(
        label=_("Hình thức nhận kết quả"),
        choices=ResultDelivery.choices,
        initial=ResultDelivery.DESK,
        required=False,
        widget=forms.RadioSelect,
    )
    postal_address = forms.CharField(
        label=_("Địa chỉ nhận kết quả qua bưu chính"),
        max_length=300,
        required=False,
        help_text=_("Bắt buộc khi nhận kết quả qua bưu chính."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )

    # The groups of the page, in order (each a fieldset with its legend).
    GROUPS = (
        ("applicant_kind",),
        (
            "applicant_name",
            "applicant_id_number",
            "applicant_phone",
            "applicant_email",
            "applicant_address",
        ),
        ("applicant_tax_code", "organisation_legal_rep"),
        ("representative_name", "representative_id_number", "representative_relation"),
        ("result_delivery", "postal_address"),
    )

    def __init__(self, *args: Any, applicant_types: list[str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.allows_organisation = ApplicantType.ORGANISATION in (applicant_types or [])
        if not self.allows_organisation:
            # The catalogue lists people only: no organisation choice, no organisation fields.
            kind = self.fields["applicant_kind"]
            assert isinstance(kind, forms.ChoiceField)
            kind.choices = [c for c in ApplicantKind.choices if c[0] != ApplicantKind.ORGANISATION]
            del self.fields["applicant_tax_code"], self.fields["organisation_legal_rep"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # Radios left unticked keep what the draft has (a page of an older release posts none).
        for name in ("applicant_kind", "result_delivery"):
            if not cleaned.get(name):
                cleaned.pop(name, None)
        return cleaned

    def groups(self) -> list[list[forms.BoundField]]:
        """The bound fields of each group the form has."""
        return [[self[name] for name in group if name in self.fields] for group in self.GROUPS]


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
    # Desk verification (docs/design.md rule 12): the dossier attaches to a citizen's account only
    # because an official saw the card; the official confirms it here.
    channel = forms.ChoiceField(
        label=_("Hồ sơ đến"),
        choices=[
            (Channel.COUNTER, _("Công dân nộp trực tiếp tại Bộ phận Một cửa")),
            (Channel.POST, _("Qua dịch vụ bưu chính công ích")),
        ],
        initial=Channel.COUNTER,
        required=False,  # unticked: in person, as before the post channel existed
        widget=forms.RadioSelect,
    )
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
