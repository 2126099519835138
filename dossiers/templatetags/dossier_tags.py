"""Display helpers of the dossier pages (no logic beyond display)."""

from __future__ import annotations

from django import template
from django.forms import CheckboxInput, RadioSelect

from dossiers.constants import DossierAction, DossierStatus, EventAction

register = template.Library()


@register.filter
def a11y(bound_field, autofocus=False):
    """Render a widget tied to its help text and errors (aria-describedby, aria-invalid)."""
    ids = []
    if bound_field.help_text:
        ids.append(f"{bound_field.auto_id}_helptext")
    if bound_field.errors:
        ids.append(f"{bound_field.auto_id}_error")
    attrs = {"aria-describedby": " ".join(ids)} if ids else {}
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
    if autofocus:
        attrs["autofocus"] = True
    return bound_field.as_widget(attrs=attrs)


@register.filter
def is_in(value, collection) -> bool:
    return value in (collection or ())


@register.filter
def startswith(value, prefix) -> bool:
    return bool(prefix) and str(value).startswith(str(prefix))


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


@register.simple_tag
def dossier_guide(dossier, user):
    """Return the citizen's status guide (words and the one button) for a list row."""
    from dossiers import workflow
    from dossiers.status_texts import citizen_guide

    return citizen_guide(dossier, workflow.available_actions(dossier, user))
