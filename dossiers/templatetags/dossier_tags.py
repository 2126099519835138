"""Display helpers of the dossier pages (no logic beyond display)."""

from __future__ import annotations

from django import template
from django.forms import CheckboxInput, RadioSelect

from dossiers.constants import DossierAction, DossierStatus, EventAction

register = template.Library()


@register.filter
def a11y(bound_field):
    """Render a widget tied to its help text and errors (aria-describedby, aria-invalid)."""
    ids = []
    if bound_field.help_text:
        ids.append(f"{bound_field.auto_id}_helptext")
    if bound_field.errors:
        ids.append(f"{bound_field.auto_id}_error")
    attrs = {"aria-describedby": " ".join(ids)} if ids else {}
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
    return bound_field.as_widget(attrs=attrs)


@register.filter
def is_radio(bound_field) -> bool:
    return isinstance(bound_field.field.widget, RadioSelect)


@register.filter
def is_checkbox(bound_field) -> bool:
    return isinstance(bound_field.field.widget, CheckboxInput)


@register.filter
def status_label(value: str) -> str:
    try:
        return DossierStatus(value).label
    except ValueError:
        return value or ""


@register.filter
def action_label(value: str) -> str:
    for choices in (DossierAction, EventAction):
        try:
            return choices(value).label
        except ValueError:
            continue
    return value


@register.filter
def is_overdue(dossier) -> bool:
    return dossier.is_overdue
