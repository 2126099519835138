"""What each change of a dossier tells its applicant (inbox, e-mail, SMS by preference)."""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from dvctt import workdays
from dvctt.formats import format_dong
from notifications.services import notification_send_to_person

from . import workflow
from .constants import DossierStatus
from .models import Dossier

# Thông tư 01/2018/TT-VPCP Điều 21: the applicant is told of every step that concerns them —
# by the action's own message when its spec names one (ActionSpec.notification), otherwise by
# the status it leads to.
TEMPLATE_BY_STATUS = {
    DossierStatus.SUBMITTED: "dossier_submitted",
    DossierStatus.RECEIVED: "dossier_received",
    DossierStatus.SUPPLEMENT_REQUESTED: "supplement_requested",
    DossierStatus.AWAITING_PAYMENT: "payment_requested",
    DossierStatus.RESULT_ISSUED: "result_ready",
    DossierStatus.REJECTED: "dossier_rejected",
    DossierStatus.STOPPED: "dossier_stopped",
}

RATABLE_STATUSES = frozenset({DossierStatus.RESULT_ISSUED, DossierStatus.RETURNED})

# Internal steps of the agency's work: the applicant sees them on the tracking page, but a
# message for each would only be noise (the hub still gets every change).
SILENT_STATUSES = frozenset({DossierStatus.IN_PROGRESS, DossierStatus.APPROVED})


def format_local(value: dt.datetime | None) -> str:
    """Return a time as Vietnamese readers write it, in Vietnam time."""
    if not value:
        return ""
    return timezone.localtime(value, workdays.VN_TZ).strftime("%H:%M ngày %d/%m/%Y")


def _items(dossier: Dossier, raw) -> list[str]:
    """Return the names of what a supplement request asks for (components or free texts)."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raw = [part for part in raw.replace(";", "\n").splitlines() if part.strip()]
    if not isinstance(raw, list):
        return []
    names = {str(c["id"]): c["name"] for c in dossier.case_components()}
    labels = []
    for item in raw:
        if isinstance(item, dict):  # action_rules: {"component", "name"} or {"text"}
            label = item.get("name") or item.get("text") or names.get(str(item.get("component")))
        else:
            label = names.get(str(item), str(item))
        if label and str(label).strip():
            labels.append(str(label).strip()[:300])
    return labels


def applicant_context(dossier: Dossier, **extra) -> dict:
    """Return the plain data every message about the dossier may show."""
    with translation.override("vi"):
        status = str(dossier.get_status_display())
    return {
        "name": dossier.applicant_name,
        "code": dossier.code or "",
        "procedure": dossier.procedure.name,
        "agency": dossier.agency.name,
        "status": status,
        "due_at": format_local(dossier.due_at),
        # Only a fee still owed: a paid dossier sent back after a supplement is not told
        # again "Phí, lệ phí phải nộp" (issue 17.1: the fee is announced once per payment).
        "fee": format_dong(dossier.fee_amount)
        if dossier.fee_amount and dossier.payment_due
        else "",
        "site": settings.PUBLIC_BASE_URL,
        **extra,
    }


def dossier_notify_applicant(
    dossier: Dossier,
    *,
    key: str,
    template: str = "",
    context: dict | None = None,
    subject: str = "",
    body: str = "",
) -> None:
    """Queue the applicant's messages (inbox always; e-mail and SMS as they chose)."""
    notification_send_to_person(
        key=key,
        recipient_id=dossier.applicant_id,
        email=dossier.applicant_email,
        phone=dossier.applicant_phone,
        template=template,
        context=context,
        subject=subject,
        body=body,
        link=f"/ho-so-cua-toi/{dossier.pk}/",
    )


def dossier_notify_change(
    dossier: Dossier,
    *,
    action: str,
    from_status: str,
    note: str = "",
    data: dict | None = None,
    at: dt.datetime,
) -> None:
    """Queue the message of one workflow action, if it matters to the applicant."""
    spec = workflow.ACTIONS.get(action)
    template = (spec.notification if spec else "") or None
    if template is None and dossier.status != from_status:
        if dossier.status in SILENT_STATUSES:
            return
        template = TEMPLATE_BY_STATUS.get(dossier.status, "status_changed")
    if template is None:
        return
    data = data or {}
    context = applicant_context(
        dossier,
        note=note,
        reason=str(data.get("reason") or note),
        items=_items(dossier, data.get("items")),
        at=format_local(at),
    )
    if dossier.status in RATABLE_STATUSES and dossier.status != from_status:
        # The result exists: invite the applicant to rate the handling (TT 01/2018 Điều 13).
        # By URL name: the rating page belongs to `reports`, which dossiers never imports.
        context["rating_url"] = settings.PUBLIC_BASE_URL + reverse(
            "reports:rate", args=[dossier.pk]
        )
    dossier_notify_applicant(
        dossier,
        key=f"dossier:{dossier.pk}:{action}:{at.isoformat()}",
        template=template,
        context=context,
    )
