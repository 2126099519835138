"""The form of the officials' workspace: which queue, search and filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dvctt.forms import DayFirstDateField

from ..constants import DossierStatus


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
    date_from = DayFirstDateField(label=_("Nộp từ ngày"), required=False)
    date_to = DayFirstDateField(label=_("đến ngày"), required=False)
