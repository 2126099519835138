"""HTML forms of the dossier pages; the e-form is generated from the snapshot's form_schema."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from procedures.eform import (  # noqa: F401 — the wizard's e-form, re-exported
    SchemaForm,
    apply_row_command,
    display_value,
)

from .constants import DossierStatus


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
        help_text=_("Khi nộp thay: của người được nộp thay. Tổ chức: 4 số cuối mã số thuế."),
        regex=r"^\d{4}$",
        max_length=4,
        error_messages={"invalid": _("Nhập đúng 4 chữ số.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label=_("Lý do rút hồ sơ (không bắt buộc)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả")), *DossierStatus.choices],
    )


class MyDossiersFilterForm(StatusFilterForm):
    q = forms.CharField(
        label=_("Tìm theo mã hồ sơ hoặc tên thủ tục"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


def form_answers(dossier: Any) -> list[Any]:
    """Return the e-form answers grouped and titled as the schema lays them out."""
    schema = dossier.snapshot.get("form_schema") or {}
    return SchemaForm(schema, dossier.form_data).answer_sections()
