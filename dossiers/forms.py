"""HTML forms of the dossier pages; the e-form is generated from the snapshot's form_schema."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .constants import DossierStatus

SEP = "__"
MAX_ARRAY_ROWS = 10


@dataclass
class FieldSpec:
    path: tuple  # e.g. ("cha", "ho_ten") or ("con", 0, "ten")
    schema: dict
    required: bool

    @property
    def name(self) -> str:
        return "f" + SEP + SEP.join(str(p) for p in self.path)

    @property
    def error_key(self) -> str:
        return ".".join(str(p) for p in self.path)


@dataclass
class Group:
    legend: str
    specs: list[FieldSpec] = field(default_factory=list)
    fields: list = field(default_factory=list)  # bound fields, filled by the form


def _get(data: Any, path: tuple) -> Any:
    for part in path:
        if isinstance(part, int):
            data = data[part] if isinstance(data, list) and len(data) > part else None
        else:
            data = data.get(part) if isinstance(data, dict) else None
        if data is None:
            return None
    return data


def _walk(schema: dict, data: dict, prefix: tuple, legend: str, groups: list[Group]) -> None:
    group = Group(legend=legend)
    groups.append(group)
    required = set(schema.get("required", []))
    for name, prop in schema.get("properties", {}).items():
        path = (*prefix, name)
        kind = prop.get("type")
        if kind == "object":
            _walk(prop, data, path, prop.get("title", name), groups)
        elif kind == "array":
            existing = _get(data, path)
            count = len(existing) if isinstance(existing, list) else 0
            rows = max(count + 1, prop.get("minItems", 1) or 1)
            rows = min(rows, prop.get("maxItems", MAX_ARRAY_ROWS), MAX_ARRAY_ROWS)
            for index in range(rows):
                _walk(
                    prop.get("items", {}),
                    data,
                    (*path, index),
                    _("%(title)s — mục %(n)s") % {"title": prop.get("title", name), "n": index + 1},
                    groups,
                )
        else:
            group.specs.append(FieldSpec(path=path, schema=prop, required=name in required))


def _django_field(spec: FieldSpec) -> forms.Field:
    prop = spec.schema
    kind, fmt = prop.get("type"), prop.get("format")
    common = {
        "label": prop.get("title") or spec.path[-1],
        "help_text": prop.get("description", ""),
        # Required-ness is checked by the schema validator so that a draft can be saved half
        # filled; the label still shows the asterisk and aria-required.
        "required": False,
    }
    attrs = {"aria-required": "true"} if spec.required else {}
    if "enum" in prop:
        choices = [("", "—")] + [(str(v), str(v)) for v in prop["enum"]]
        return forms.ChoiceField(choices=choices, widget=forms.Select(attrs=attrs), **common)
    if kind == "boolean":
        return forms.BooleanField(widget=forms.CheckboxInput(attrs=attrs), **common)
    if kind == "integer":
        return forms.IntegerField(widget=forms.NumberInput(attrs=attrs), **common)
    if kind == "number":
        return forms.FloatField(widget=forms.NumberInput(attrs=attrs), **common)
    if fmt == "date":
        return forms.DateField(
            widget=forms.DateInput(attrs={**attrs, "type": "date"}, format="%Y-%m-%d"), **common
        )
    if fmt == "email":
        return forms.EmailField(widget=forms.EmailInput(attrs=attrs), **common)
    max_length = prop.get("maxLength")
    widget = (
        forms.Textarea(attrs={**attrs, "rows": 3})
        if (max_length or 0) > 200 or prop.get("x-widget") == "textarea"
        else forms.TextInput(attrs={**attrs, "autocomplete": "off"})
    )
    return forms.CharField(max_length=max_length, widget=widget, **common)


class SchemaForm(forms.Form):
    """The e-form of a procedure, built from its JSON Schema; cleans to nested JSON data."""

    def __init__(self, schema: dict, initial_data: dict | None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.schema = schema or {}
        self.groups: list[Group] = []
        if self.schema.get("properties"):
            _walk(self.schema, initial_data or {}, (), str(_("Thông tin tờ khai")), self.groups)
        self.specs: dict[str, FieldSpec] = {}
        for group in self.groups:
            for spec in group.specs:
                self.fields[spec.name] = _django_field(spec)
                self.specs[spec.name] = spec
                value = _get(initial_data or {}, spec.path)
                if value is not None:
                    self.initial[spec.name] = value
        self.groups = [g for g in self.groups if g.specs]
        for group in self.groups:
            group.fields = [self[spec.name] for spec in group.specs]

    def required_names(self) -> set[str]:
        return {name for name, spec in self.specs.items() if spec.required}

    def to_data(self) -> dict:
        """Return the cleaned values as the nested JSON the schema describes."""
        data: dict = {}
        for name, spec in self.specs.items():
            value = self.cleaned_data.get(name)
            if value in (None, "") or (value is False and not spec.required):
                continue
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif "enum" in spec.schema:
                value = next((v for v in spec.schema["enum"] if str(v) == value), value)
            node = data
            for part, nxt in zip(spec.path, spec.path[1:], strict=False):
                default: Any = [] if isinstance(nxt, int) else {}
                if isinstance(part, int):
                    while len(node) <= part:
                        node.append({})
                    node = node[part]
                else:
                    node = node.setdefault(part, default)
            node[spec.path[-1]] = value
        return _drop_empty_rows(data)

    def add_schema_errors(self, errors: dict[str, list[str]]) -> None:
        by_key = {spec.error_key: name for name, spec in self.specs.items()}
        for key, messages in errors.items():
            name = by_key.get(key)
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


def _drop_empty_rows(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_empty_rows(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_drop_empty_rows(v) for v in value if v not in ({}, None)]
    return value


class StartForm(forms.Form):
    """Step 1: the agency and the case."""

    agency = forms.ChoiceField(label=_("Cơ quan giải quyết"), widget=forms.RadioSelect)
    case = forms.ChoiceField(label=_("Trường hợp"), widget=forms.RadioSelect)

    def __init__(self, snapshot: dict, *args, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = snapshot.get("agencies", [])
        cases = snapshot.get("cases", [])
        self.fields["agency"].choices = [(a["code"], a["name"]) for a in agencies]
        self.fields["case"].choices = [(str(c["id"]), c["name"]) for c in cases]
        if len(agencies) == 1:
            self.fields["agency"].initial = agencies[0]["code"]
            self.fields["agency"].widget = forms.HiddenInput()
        if len(cases) == 1:
            self.fields["case"].initial = str(cases[0]["id"])
            self.fields["case"].widget = forms.HiddenInput()


class ApplicantForm(forms.Form):
    """Step 2: the applicant, prefilled from the profile and the citizen registry."""

    applicant_name = forms.CharField(
        label=_("Họ và tên"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    applicant_id_number = forms.CharField(
        label=_("Số định danh cá nhân"),
        max_length=12,
        min_length=12,
        help_text=_("12 chữ số trên thẻ căn cước."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    applicant_phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=15,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
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


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Lý do"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class TrackingForm(forms.Form):
    code = forms.CharField(
        label=_("Mã hồ sơ"),
        max_length=40,
        help_text=_("Ví dụ: 000.00.01.H99-261123-0001"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    id_last4 = forms.RegexField(
        label=_("4 số cuối số định danh cá nhân của người nộp"),
        regex=r"^\d{4}$",
        max_length=4,
        error_messages={"invalid": _("Nhập đúng 4 chữ số.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả")), *DossierStatus.choices],
    )


class QueueFilterForm(forms.Form):
    """The officials' workspace: which queue, search and filters (all optional, GET)."""

    queue = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    q = forms.CharField(
        label=_("Tìm kiếm"),
        required=False,
        max_length=100,
        help_text=_("Mã hồ sơ, họ tên hoặc số định danh cá nhân của người nộp."),
    )
    procedure = forms.CharField(label=_("Mã thủ tục"), required=False, max_length=30)
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả")), *DossierStatus.choices],
    )
    date_from = forms.DateField(
        label=_("Nộp từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class CounterLookupForm(forms.Form):
    """Counter filing, first step: which procedure, for whom."""

    case = forms.TypedChoiceField(
        label=_("Thủ tục và trường hợp"),
        coerce=int,
        help_text=_("Các thủ tục mà cơ quan của bạn tiếp nhận, nhóm theo thủ tục."),
    )
    applicant_id_number = forms.CharField(
        label=_("Số định danh cá nhân của người nộp"),
        max_length=12,
        min_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    applicant_name = forms.CharField(
        label=_("Họ và tên"),
        max_length=200,
        required=False,
        help_text=_("Để trống để lấy từ Cơ sở dữ liệu quốc gia về dân cư."),
    )
    applicant_phone = forms.CharField(label=_("Số điện thoại"), max_length=15, required=False)
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
