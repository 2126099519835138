"""Writes of the workflow: running an action on a dossier (dossier_run_action, the one entry
point of the state machine for officials and the API), the citizen's withdrawal, settling and
logging the fee, and the primitives every dossier write shares: the row lock (`_lock`) and the
event (`_event`).

Each service is one transaction: it changes the dossier, appends its DossierEvent and enqueues
its notifications with transaction.on_commit (DESIGN.md §3.1).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import StaffRole, User
from dvctt.errors import Forbidden, InvalidInput, NotFound
from dvctt.formats import format_dong, parse_dong
from notifications.services import notification_send
from procedures.fees import FeeQuote, fee_quote

from .. import workflow
from ..constants import (
    ActorRole,
    Channel,
    DossierAction,
)
from ..errors import InvalidTransition
from ..events import event_listeners_call
from ..hub_sync import dossier_hub_event
from ..models import Dossier, DossierEvent, DossierId
from ..notify import (
    dossier_notify_applicant,
    dossier_notify_change,
)
from ..papers import documents_schedule, result_file_attach
from ..postal import postal_handover_schedule
from . import action_rules, process

# --- shared by every dossier write -------------------------------------------------------------


def _event(
    dossier: Dossier,
    *,
    action: str,
    actor: User | None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> DossierEvent:
    event = DossierEvent.objects.create(
        dossier=dossier,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        actor_name=(actor.get_full_name() if actor else _("Hệ thống"))[:200],
        at=at or timezone.now(),
        note=note,
        data=data or {},
    )
    dossier_hub_event(dossier=dossier, event=event)  # outbox row in the same transaction
    event_listeners_call(dossier, event)  # e.g. the statistics table, in the same transaction
    return event


def _lock(dossier_id: DossierId) -> Dossier:
    # Concurrent actions on one dossier: the row lock makes the second one wait and then see
    # the new status, so only one of two conflicting actions wins (DESIGN.md §3.2).
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("procedure_version", "agency", "procedure")
        .filter(pk=dossier_id)
        .first()
    )
    if dossier is None:
        raise NotFound(_("Không tìm thấy hồ sơ."))
    return dossier


def _pk_of(dossier_id: DossierId | None, dossier: Dossier | None) -> DossierId:
    # Callers name the dossier by its id or hand over the instance they hold.
    if dossier_id:
        return dossier_id
    if dossier is None:
        raise TypeError("dossier_id or dossier is required")
    return dossier.pk


def dossier_fee_quote(dossier: Dossier, *, at: dt.datetime | None = None) -> FeeQuote:
    """Return the fees the dossier owes under the one fee rule (procedures/fees.py)."""
    return fee_quote(
        snapshot=dossier.snapshot,
        case_id=dossier.case_id,
        online=dossier.channel == Channel.ONLINE,
        at=at,
    )


def _set_requested_fee(dossier: Dossier, amount: Any) -> None:
    # The official states the amount when the catalogue does not fix it ("theo quy định của
    # HĐND tỉnh"); otherwise the fee computed at submission is asked for.
    if amount in (None, ""):
        if dossier.fee_amount <= 0 or dossier_fee_quote(dossier).undetermined:
            message = _("Vui lòng nhập số tiền phí, lệ phí phải nộp (đồng).")
            raise InvalidInput(message, fields={"amount": [message]})
        amount = dossier.fee_amount
    # One reader for the API (a JSON number) and the form ("50.000"): issue 18.5.
    value = parse_dong(amount)
    ceiling = settings.FEE_AMOUNT_MAX
    if value is None or not 0 < value <= ceiling:
        message = _(
            "Số tiền phải là một số nguyên dương (đồng), không quá %(max)s, "
            "ví dụ 50000 hoặc 50.000."
        ) % {"max": format_dong(ceiling)}
        raise InvalidInput(message, fields={"amount": [message]})
    dossier.fee_amount = value
    dossier.payment_due = True


@transaction.atomic
def dossier_settle_fee(
    *,
    dossier_id: DossierId,
    amount: int,
    reference: str,
    actor: User | None = None,
    note: str = "",
) -> Dossier:
    """Record that the dossier's fee was paid: online (as the system) or at the desk (`actor`)."""
    dossier = _lock(dossier_id)
    now = timezone.now()
    from_status = dossier.status
    if amount >= dossier.fee_amount:
        if workflow.is_legal_now(dossier, DossierAction.CONFIRM_PAYMENT):
            workflow.fire(dossier, DossierAction.CONFIRM_PAYMENT, now=now)
        else:  # paid at submission, before reception: the status stays, the fee is settled
            dossier.payment_due = False
        dossier.save()
    _event(
        dossier,
        action=DossierAction.CONFIRM_PAYMENT,
        actor=actor,
        from_status=from_status,
        to_status=dossier.status,
        note=note
        or _("Đã nộp trực tuyến %(amount)s (giao dịch %(ref)s).")
        % {"amount": format_dong(amount), "ref": reference},
        data={"amount": amount, "reference": reference},
        at=now,
    )
    _notify_applicant(
        dossier,
        key=f"dossier:{dossier.pk}:paid:{reference}",
        subject=_("Hồ sơ %(code)s: đã nhận phí, lệ phí") % {"code": dossier.code},
        body=_(
            "Cổng đã nhận khoản nộp %(amount)s cho hồ sơ %(code)s (giao dịch %(ref)s). "
            "Biên lai điện tử có trên trang hồ sơ."
        )
        % {"amount": format_dong(amount), "code": dossier.code, "ref": reference},
    )
    return dossier


def dossier_log_event(
    *,
    dossier_id: DossierId,
    action: str,
    actor: User | None,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    """Append a history entry that changes no status (a refund, for instance)."""
    dossier = Dossier.objects.only("pk", "status").get(pk=dossier_id)
    _event(
        dossier,
        action=action,
        actor=actor,
        from_status=dossier.status,
        to_status=dossier.status,
        note=note[:4000],
        data=data or {},
    )


def _notify_applicant(
    dossier: Dossier,
    *,
    key: str,
    subject: str = "",
    body: str = "",
    template: str = "",
    context: dict[str, Any] | None = None,
) -> None:
    # One seam for every message to the applicant (inbox, e-mail, SMS: dossiers/notify.py).
    dossier_notify_applicant(
        dossier, key=key, subject=subject, body=body, template=template, context=context
    )


@transaction.atomic
def dossier_run_action(
    *,
    actor: User,
    dossier_id: DossierId | None = None,
    action: str,
    note: str = "",
    data: dict[str, Any] | None = None,
    dossier: Dossier | None = None,
    result_file: UploadedFile | None = None,
    reason: str = "",
    to_step: Any = None,
    to_agency: str = "",
    to_user: Any = None,
    proposal: str = "",
) -> Dossier:
    """Run one workflow action on a dossier, if the actor's role and the status allow it."""
    if action not in workflow.ACTIONS or action == DossierAction.SUBMIT:
        raise NotFound(_("Thao tác không tồn tại."))
    dossier = _lock(_pk_of(dossier_id, dossier))
    roles = workflow.actor_roles(dossier, actor)
    if not roles:
        raise NotFound(_("Không tìm thấy hồ sơ."))
    if not workflow.roles_may_fire(dossier, action, roles):
        raise Forbidden(_("Vai trò của bạn không được thực hiện thao tác này."))
    if not workflow.is_legal_now(dossier, action):
        raise InvalidTransition(workflow.refusal_reason(dossier, action))
    now = timezone.now()
    # One body (API.md §4): the keyword inputs join what the API or form sent.
    inputs = dict(data or {})
    for key, value in (
        ("reason", reason),
        ("to_step", to_step),
        ("to_agency", to_agency),
        ("to_user", to_user),
        ("proposal", proposal),
    ):
        if value not in (None, ""):
            inputs.setdefault(key, value)
    body = action_rules.parse_action_body(
        dossier, action, note=(note or "").strip(), data=inputs, now=now
    )
    note = body.note
    if action == DossierAction.REQUEST_PAYMENT:
        _set_requested_fee(dossier, (data or {}).get("amount"))
        body.data["amount"] = dossier.fee_amount
    if action == DossierAction.ISSUE_RESULT:
        result_file_attach(dossier=dossier, actor=actor, upload=result_file)
    move = _plan_move(
        dossier,
        action,
        note=note,
        to_step=inputs.get("to_step"),
        to_agency=str(inputs.get("to_agency") or "").strip(),
        to_user=inputs.get("to_user"),
        proposal=str(inputs.get("proposal") or ""),
    )
    from_status = dossier.status
    workflow.fire(dossier, action, now=now)
    action_rules.apply_action_body(dossier, action, body)
    handover = None
    if action == DossierAction.RECEIVE:
        process.start(dossier, actor=actor, now=now)
    elif action == DossierAction.RETURN_RESULT:
        process.record_return(dossier, actor=actor, now=now)
        dossier.current_handler = None
        postal_handover_schedule(dossier)  # a result by post: the handover after the commit
    if move is not None:
        handover = process.apply_move(dossier, move, actor=actor, now=now)
    dossier.save()
    _event(
        dossier,
        action=action,
        actor=actor,
        from_status=from_status,
        to_status=dossier.status,
        note=note,
        data={**body.data, **process.move_summary(handover, move)},
        at=now,
    )
    if action == DossierAction.WITHDRAW and dossier.received_at:
        _notify_desk_of_withdrawal(dossier, note=note)
    documents_schedule(dossier)  # Mẫu 01–05 and the result, after the commit
    dossier_notify_change(
        dossier, action=action, from_status=from_status, note=note, data=body.data, at=now
    )
    return dossier


def _notify_desk_of_withdrawal(dossier: Dossier, *, note: str) -> None:
    # DOMAIN.md 9a: a withdrawal after reception stops the dossier where it is; the one-stop
    # desk of the agency is told in its inbox so nobody keeps working on it.
    desk = StaffRole.objects.filter(
        agency_id=dossier.agency_id, role=ActorRole.RECEPTION
    ).values_list("user_id", flat=True)
    for user_id in sorted(set(desk)):
        notification_send(
            key=f"dossier:{dossier.pk}:withdrawn:desk:{user_id}",
            recipient_id=user_id,
            address="",
            subject=_("Công dân đã rút hồ sơ %(code)s") % {"code": dossier.code},
            body=_("Hồ sơ %(code)s đã được công dân rút.%(note)s")
            % {"code": dossier.code, "note": f"\n\n{note}" if note else ""},
            link=f"/can-bo/ho-so/{dossier.pk}/",
            channel="in_app",
        )


def _plan_move(dossier: Dossier, action: str, *, note: str, **inputs: Any) -> process.Move | None:
    # Validate the hand-over before anything changes, so a bad input writes nothing.
    if action == DossierAction.FORWARD:
        return process.plan_forward(dossier, note=note, **inputs)
    if action == DossierAction.SEND_BACK:
        return process.plan_send_back(dossier, note=note)
    if action == DossierAction.ASSIGN:
        return process.plan_assign(dossier, to_user=inputs["to_user"])
    if action == DossierAction.APPROVE:
        return process.plan_next(dossier, action, note=note)
    return None


def dossier_withdraw(*, actor: User, dossier_id: DossierId, note: str = "") -> Dossier:
    """Withdraw the applicant's own dossier until its result is issued (reason optional)."""
    return dossier_run_action(
        actor=actor, dossier_id=dossier_id, action=DossierAction.WITHDRAW, note=note
    )
