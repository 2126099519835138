"""Writes of the workflow: running an action on a dossier (dossier_run_action, the one entry
point of the state machine for officials and the API), the citizen's withdrawal, settling and
logging the fee, and the primitives every dossier write shares: the row lock (`_lock`) and the
event (`_event`).

Each service is one transaction: it changes the dossier, appends its DossierEvent and enqueues
its notifications with transaction.on_commit (docs/design.md rule 1).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import ForeignKey
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from dvctt.errors import Forbidden, NotFound
from dvctt.formats import format_dong
from dvctt.queries import one_or_none
from procedures.fees import FeeQuote, fee_quote

from .. import workflow
from ..constants import Channel, DossierAction
from ..errors import InvalidTransition
from ..events import event_listeners_call
from ..hub_sync import dossier_hub_event
from ..models import Dossier, DossierEvent, DossierId
from ..notify import (
    dossier_notify_applicant,
    dossier_notify_change,
)
from ..papers import documents_schedule
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


# What every dossier write reads with the dossier (select_related).
_LOADED_WITH_DOSSIER = ("procedure", "procedure_version", "agency")


def _lock(
    dossier_id: DossierId, *, for_update: bool = True, held: Dossier | None = None
) -> Dossier:
    # Concurrent actions on one dossier: the row lock makes the second one wait and then see
    # the new status, so only one of two conflicting actions wins (docs/design.md rule 2).
    # (for_update=False: the same dossier for a look before the locked transaction.)
    # held: the same dossier as the caller has just read it through the access gate; only its
    # own row is read again (under the lock), and the procedure, version and agency it carries
    # are kept while the row still points at them: one narrow read instead of a second join.
    if held is not None and str(held.pk) != str(dossier_id):
        held = None
    queryset = Dossier.objects.all()
    if held is None:
        queryset = queryset.select_related(*_LOADED_WITH_DOSSIER)
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    dossier = one_or_none(queryset.filter(pk=dossier_id))
    if dossier is None:
        raise NotFound(_("Không tìm thấy hồ sơ."))
    if held is not None:
        for name in _LOADED_WITH_DOSSIER:
            field = Dossier._meta.get_field(name)
            if (
                isinstance(field, ForeignKey)
                and field.is_cached(held)
                and getattr(held, field.attname) == getattr(dossier, field.attname)
            ):
                field.set_cached_value(dossier, field.get_cached_value(held))
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
    dossier = _lock(_pk_of(dossier_id, dossier), held=dossier)
    roles = workflow.actor_roles(dossier, actor)
    if not roles:
        raise NotFound(_("Không tìm thấy hồ sơ."))
    if not workflow.roles_may_fire(dossier, action, roles):
        raise Forbidden(_("Vai trò của bạn không được thực hiện thao tác này."))
    if not workflow.is_legal_now(dossier, action):
        raise InvalidTransition(workflow.refusal_reason(dossier, action))
    now = timezone.now()
    # One body (docs/api.md §4): the keyword inputs join what the API or form sent.
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
    body, reason = action_rules.parse_action_body(action, note=(note or "").strip(), data=inputs)
    spec = workflow.ACTIONS[action]
    run = action_rules.ActionRun(
        dossier=dossier,
        action=action,
        actor=actor,
        inputs=inputs,
        body=body,
        reason=reason,
        now=now,
        result_file=result_file,
    )
    # The action's own inputs, checked (and any hand-over planned) before anything changes, so
    # a bad input writes nothing; then the transition with its effects, then what the inputs
    # change (dossiers/workflow/actions.py).
    if spec.check is not None:
        spec.check(run)
    from_status = dossier.status
    workflow.fire(dossier, action, now=now)
    if spec.body is not None:
        spec.body(run)
    handover = None
    if run.move is not None:
        handover = process.apply_move(dossier, run.move, actor=actor, now=now)
    dossier.save()
    _event(
        dossier,
        action=action,
        actor=actor,
        from_status=from_status,
        to_status=dossier.status,
        note=body.note,
        data={**body.data, **process.move_summary(handover, run.move)},
        at=now,
    )
    if spec.after is not None:
        spec.after(run)
    documents_schedule(dossier)  # Mẫu 01–05 and the result, after the commit
    dossier_notify_change(
        dossier, action=action, from_status=from_status, note=body.note, data=body.data, at=now
    )
    return dossier


def dossier_withdraw(*, actor: User, dossier_id: DossierId, note: str = "") -> Dossier:
    """Withdraw the applicant's own dossier until its result is issued (reason optional)."""
    return dossier_run_action(
        actor=actor, dossier_id=dossier_id, action=DossierAction.WITHDRAW, note=note
    )
