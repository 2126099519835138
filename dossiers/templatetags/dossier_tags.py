"""Display helpers of the dossier pages (no logic beyond display)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template
from django.forms import CheckboxInput, RadioSelect
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import workflow
from dossiers.constants import (
    CLOCK_RUNNING_STATUSES,
    WAITING_STATUSES,
    DossierAction,
    DossierStatus,
    EventAction,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

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
def status_label(value: str) -> StrOrPromise:
    try:
        return DossierStatus(value).label
    except ValueError:
        return value or ""


@register.filter
def action_label(value: str) -> StrOrPromise:
    spec = workflow.ACTIONS.get(value)
    if spec is not None:  # a registered action names itself (ActionSpec.label)
        return spec.label
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


@register.simple_tag
def time_left(dossier, now=None) -> dict:
    """Describe the time left before the due date in words, with a tone for the colour."""
    from dvctt import workdays

    if dossier.status == DossierStatus.RESULT_ISSUED:
        return {"text": _("Đã có kết quả"), "tone": "done"}
    if dossier.status in WAITING_STATUSES:
        # Paused time is not the agency's (NĐ 61/2018 Điều 19.4).
        return {"text": _("Tạm dừng, chờ công dân"), "tone": "none"}
    if not dossier.due_at or dossier.status not in CLOCK_RUNNING_STATUSES:
        return {"text": "—", "tone": "none"}
    now = now or timezone.now()
    if dossier.due_at < now:
        hours = workdays.working_hours_between(dossier.due_at, now)
        days = int(hours // workdays.hours_per_day())
        if days:
            text = _("Quá hạn %(n)s ngày làm việc") % {"n": days}
        else:
            text = _("Quá hạn %(n)s giờ làm việc") % {"n": max(int(hours), 1)}
        return {"text": text, "tone": "late"}
    hours = workdays.working_hours_between(now, dossier.due_at)
    if hours <= workdays.hours_per_day():
        return {"text": _("Còn %(n)s giờ làm việc") % {"n": max(int(hours), 0)}, "tone": "soon"}
    days = int(hours // workdays.hours_per_day())
    return {"text": _("Còn %(n)s ngày làm việc") % {"n": days}, "tone": "ok"}
