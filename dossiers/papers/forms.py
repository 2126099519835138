"""The form of papers: the register's period."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dvctt.forms import DayFirstDateField


class RegisterPeriodForm(forms.Form):
    """The period of the register (Mẫu 06) an official downloads from the workspace."""

    date_from = DayFirstDateField(label=_("Từ ngày"))
    date_to = DayFirstDateField(label=_("Đến ngày"))
    format = forms.ChoiceField(
        label=_("Định dạng"), choices=[("xlsx", "Excel (XLSX)"), ("csv", "CSV")], initial="xlsx"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."))
        return data
