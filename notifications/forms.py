"""Forms of the notification pages."""

from __future__ import annotations

from typing import Any

from django import forms

from .channels import optional_channels


class PreferenceForm(forms.Form):
    """One checkbox per optional channel registered (notifications/channels.py)."""

    def __init__(self, *args, user: Any, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        for channel in optional_channels():
            self.fields[channel.code] = forms.BooleanField(
                label=channel.label, required=False, help_text=channel.help_text
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for channel in optional_channels():
            reason = channel.unavailable(self.user)
            if cleaned.get(channel.code) and reason:
                self.add_error(channel.code, reason)
        return cleaned
