"""Form fields every app shares."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

# Vietnamese dates are written day first (dd/mm/yyyy); ISO yyyy-mm-dd is read too, as a pasted
# or pre-filled value may carry it. A browser's `type=date` picker would follow the browser's
# language instead (an English browser shows 12/01/2026 for 1 December), so it is not used.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
DATE_DISPLAY_FORMAT = "%d/%m/%Y"
DATE_PATTERN = r"\s*([0-9]{1,2}[/\-][0-9]{1,2}[/\-][0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2})\s*"


class DayFirstDateInput(forms.DateInput):
    """A text box for a date written dd/mm/yyyy (numeric keypad on phones)."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {"inputmode": "numeric", "placeholder": "dd/mm/yyyy", "pattern": DATE_PATTERN}
        super().__init__(attrs={**base, **(attrs or {})}, format=DATE_DISPLAY_FORMAT)


class DayFirstDateField(forms.DateField):
    """A date typed dd/mm/yyyy (or yyyy-mm-dd), shown dd/mm/yyyy, with a hint by default."""

    widget = DayFirstDateInput
    input_formats = DATE_INPUT_FORMATS
    default_error_messages = {
        "invalid": _("Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm, ví dụ 12/05/1990."),
    }

    def __init__(self, *, help_text: Any = None, **kwargs: Any) -> None:
        if help_text is None:
            help_text = _("Ngày/tháng/năm, ví dụ 12/05/1990.")
        super().__init__(help_text=help_text, **kwargs)
