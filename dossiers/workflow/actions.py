"""Every workflow action of docs/api.md §4, one `ActionSpec` each: where it may start and lead, who
may fire it, and what running it does — its inputs, their check, its effects, its body, the
paper it issues and the applicant's message. Adding an action is one spec here (or
`register_action` from a plug-in); dossier_run_action, the official's page, the API, the graph
and the papers follow the registry.

The specs are registered when `dossiers.workflow` is imported, before the model is built (it
inherits the transitions), so this module imports no model at import time: hooks that need the
process steps, the papers or the notifications import them when they run.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext as _
from django_fsm import GET_STATE

from dvctt.errors import InvalidInput
from dvctt.formats import format_dong, parse_dong

from ..constants import ActorRole, DocumentKind, DossierAction, DossierStatus, Proposal
from ..filing.completeness import supplement_changes, supplement_missing
from . import action_rules, deadlines
from .machine import (
    PROCESSING,
    WITHDRAWABLE,
    ActionInput,
    ActionSpec,
    _appraised,
    _fee_settled,
    _fee_to_request,
    _has_due_date,
    _has_next_step,
    _has_previous_step,
    _no_apology_yet,
    _no_supplement_yet,
    _supplement_target,
    register_action,
)

if TYPE_CHECKING:
    from ..models import Dossier
    from .action_rules import ActionRun

S = DossierStatus
A = DossierAction
R = ActorRole
K = DocumentKind


# --- submit, withdraw -------------------------------------------------------------------------


def _submit_effects(dossier: Dossier, now: dt.datetime) -> None:
    dossier.submitted_at = now


def _withdraw_check(run: ActionRun) -> None:
    # docs/domain.md 9a: after reception the desk must see the withdrawal.
    run.body.data["after_reception"] = run.dossier.received_at is not None


def _withdraw_after(run: ActionRun) -> None:
    # docs/domain.md 9a: a withdrawal after reception stops the dossier where it is; the one-stop
    # desk of the agency is told in its inbox so nobody keeps working on it.
    if not run.dossier.received_at:
        return
    from accounts.selectors import staff_roles_filter
    from notifications.services import notification_send

    dossier, note = run.dossier, run.body.note
    desk = staff_roles_filter(agency_ids=[dossier.agency_id], roles=[R.RECEPTION]).values_list(
        "user_id", flat=True
    )
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


# --- reception: receive, reject, supplement ----------------------------------------------------


def _receive_effects(dossier: Dossier, now: dt.datetime) -> None:
    dossier.received_at = now
    deadlines.start_clock(dossier, now=now)


def _receive_body(run: ActionRun) -> None:
    from . import process

    process.start(run.dossier, actor=run.actor, now=run.now)


def _request_supplement_check(run: ActionRun) -> None:
    run.body.items = action_rules.parse_items(run.dossier, run.inputs.get("items"))
    run.body.data["items"] = run.body.items
    # NĐ 61/2018 Điều 19.4: recorded for the desk and the indicators; a late request only
    # pauses the clock (dossiers.deadlines).
    run.body.data["late"] = deadlines.supplement_request_is_late(run.dossier, now=run.now)


def _request_supplement_effects(dossier: Dossier, now: dt.datetime) -> None:
    dossier.supplement_count += 1
    dossier.supplement_requested_at = now
    deadlines.start_wait(dossier, now=now)


def _request_supplement_body(run: ActionRun) -> None:
    run.dossier.supplement_items = run.body.items or []
    run.dossier.supplement_late = bool(run.body.data.get("late"))


def _supplement_check(run: ActionRun) -> None:
    missing = supplement_missing(dossier=run.dossier)
    if missing:
        raise InvalidInput(
            _("Hồ sơ bổ sung chưa đầy đủ, vui lòng bổ sung các mục được nêu."), fields=missing
        )
    # What changed since the request, so the officials see it on the history.
    changes, summary = supplement_changes(run.dossier)
    run.body.data.update(changes)
    run.body.note = "\n\n".join(filter(None, [run.body.note, summary]))[:4000]


def _supplement_effects(dossier: Dossier, now: dt.datetime) -> None:
    if dossier.received_at and not dossier.supplement_late:
        # NĐ 61/2018 Điều 19.4: the processing time restarts once the dossier is complete —
        # only after a request made in time; a late one merely paused the clock (end_wait).
        deadlines.start_clock(dossier, now=now)


# --- hand-overs: assign, forward, send back, approve -------------------------------------------
# Each plans its move before anything changes, so a bad input writes nothing; the service
# applies the planned move after the transition.


def _assign_form(dossier: Dossier) -> dict[str, Any]:
    from . import process

    if not dossier.current_step:
        return {}
    return {
        "assignees": list(process.officials_of_step(dossier=dossier, number=dossier.current_step))
    }


def _assign_check(run: ActionRun) -> None:
    from . import process

    run.move = process.plan_assign(run.dossier, to_user=run.inputs.get("to_user"))


def _forward_form(dossier: Dossier) -> dict[str, Any]:
    from . import process

    if not dossier.current_step:
        return {}
    # Only the steps the rules allow, each with the officials who may hold it: the receiver
    # list follows the chosen step (grouped per step; handover.js filters it).
    return {
        "targets": process.forward_choices(dossier),
        "appraisal": process.is_appraisal(process.step_at(dossier, dossier.current_step)),
    }


def _forward_check(run: ActionRun) -> None:
    from . import process

    run.move = process.plan_forward(
        run.dossier,
        note=run.body.note,
        to_step=run.inputs.get("to_step"),
        to_agency=str(run.inputs.get("to_agency") or "").strip(),
        to_user=run.inputs.get("to_user"),
        proposal=str(run.inputs.get("proposal") or ""),
    )


def _send_back_check(run: ActionRun) -> None:
    from . import process

    run.move = process.plan_send_back(run.dossier, note=run.body.note)


def _approve_form(dossier: Dossier) -> dict[str, Any]:
    # Approving against a proposal to refuse needs the leader's reason (_approve_check).
    departs = dossier.appraisal_proposal == Proposal.REFUSE
    return {
        "reason": departs,
        "reason_help": _(
            "Chuyên viên đề xuất từ chối: phê duyệt khác đề xuất cần ghi rõ lý do của lãnh đạo."
        )
        if departs
        else "",
    }


def _approve_check(run: ActionRun) -> None:
    from . import process

    if run.dossier.appraisal_proposal == Proposal.REFUSE:
        # docs/domain.md "Desk realities" (Decisions): the leader decides; approving against the
        # specialist's proposal to refuse needs the leader's reason, recorded on the event.
        if not run.reason:
            raise InvalidInput(
                _("Chuyên viên đề xuất từ chối: vui lòng nêu lý do phê duyệt khác đề xuất."),
                fields={"reason": [_("Trường này là bắt buộc.")]},
            )
        run.body.data["departs_from_proposal"] = Proposal.REFUSE
    run.move = process.plan_next(run.dossier, A.APPROVE, note=run.body.note)


# --- fees ---------------------------------------------------------------------------------------


def _request_payment_check(run: ActionRun) -> None:
    # The official states the amount when the catalogue does not fix it ("theo quy định của
    # HĐND tỉnh"); otherwise the fee computed at submission is asked for.
    from .services import dossier_fee_quote

    dossier, amount = run.dossier, run.inputs.get("amount")
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
    run.body.data["amount"] = dossier.fee_amount


def _request_payment_effects(dossier: Dossier, now: dt.datetime) -> None:
    deadlines.start_wait(dossier, now=now)


def _confirm_payment_effects(dossier: Dossier, now: dt.datetime) -> None:
    dossier.payment_due = False


# --- the result ---------------------------------------------------------------------------------


def _issue_result_check(run: ActionRun) -> None:
    from ..papers import result_file_attach

    result_file_attach(dossier=run.dossier, actor=run.actor, upload=run.result_file)


def _issue_result_effects(dossier: Dossier, now: dt.datetime) -> None:
    dossier.completed_at = now
    deadlines.decide_on_time(dossier, now=now)


def _return_result_effects(dossier: Dossier, now: dt.datetime) -> None:
    # completed_at stays the issue time (the on-time mark); the return has its own time.
    dossier.returned_at = now


def _return_result_body(run: ActionRun) -> None:
    from ..postal import postal_handover_schedule
    from . import process

    process.record_return(run.dossier, actor=run.actor, now=run.now)
    run.dossier.current_handler = None
    postal_handover_schedule(run.dossier)  # a result by post: the handover after the commit


# --- the apology (Mẫu 04) -----------------------------------------------------------------------


def _apologize_check(run: ActionRun) -> None:
    action_rules.parse_apology(run.dossier, run.body, run.inputs.get("new_due_at"), now=run.now)


def _apologize_effects(dossier: Dossier, now: dt.datetime) -> None:
    dossier.apology_count += 1


def _apologize_body(run: ActionRun) -> None:
    if run.body.new_due_at is not None:
        # Mẫu 04: the new date is the one the citizen sees; original_due_at stays for the
        # on-time indicator.
        run.dossier.due_at = run.body.new_due_at


# --- the registry -------------------------------------------------------------------------------


def _fragment(name: str) -> str:
    return f"officials/actions/_{name}.html"


BUILT_IN: list[ActionSpec] = [
    ActionSpec(
        A.SUBMIT,
        (S.DRAFT,),
        S.SUBMITTED,
        frozenset({R.OWNER, R.RECEPTION}),
        effects=_submit_effects,
    ),
    # docs/domain.md 9a: the citizen may withdraw until the result is issued; after reception
    # the desk sees it on the dossier's history and lists.
    ActionSpec(
        A.WITHDRAW,
        WITHDRAWABLE,
        S.WITHDRAWN,
        frozenset({R.OWNER}),
        check=_withdraw_check,
        after=_withdraw_after,
    ),
    # NĐ 61/2018 Điều 17: complete → receive (Mẫu 01), incomplete → request supplement
    # (Mẫu 02), outside competence → reject with reasons (Mẫu 03).
    ActionSpec(
        A.RECEIVE,
        (S.SUBMITTED,),
        S.RECEIVED,
        frozenset({R.RECEPTION}),
        effects=_receive_effects,
        body=_receive_body,
        paper=K.RECEIPT,
        slip="from_applicant",
    ),
    ActionSpec(
        A.REJECT,
        (S.SUBMITTED,),
        S.REJECTED,
        frozenset({R.RECEPTION}),
        note_required=True,
        paper=K.REJECTION,
        slip="to_applicant",
    ),
    ActionSpec(
        A.REQUEST_SUPPLEMENT,
        (S.SUBMITTED, S.RECEIVED, S.IN_PROGRESS),
        S.SUPPLEMENT_REQUESTED,
        frozenset({R.RECEPTION, R.SPECIALIST}),
        conditions=(_no_supplement_yet,),
        note_required=True,
        at_step=True,
        inputs=(ActionInput("items", _fragment("request_supplement")),),
        check=_request_supplement_check,
        effects=_request_supplement_effects,
        body=_request_supplement_body,
        paper=K.SUPPLEMENT_REQUEST,
        slip="to_applicant",
    ),
    ActionSpec(
        A.SUPPLEMENT,
        (S.SUPPLEMENT_REQUESTED,),
        GET_STATE(_supplement_target, states=[S.SUBMITTED, S.IN_PROGRESS]),
        frozenset({R.OWNER, R.RECEPTION}),
        targets=(S.SUBMITTED, S.IN_PROGRESS),
        check=_supplement_check,
        effects=_supplement_effects,
        slip="from_applicant",
    ),
    # NĐ 61/2018 Điều 19.1: the head of the unit assigns an officer (the desk on step 1).
    ActionSpec(
        A.ASSIGN,
        (S.RECEIVED, S.IN_PROGRESS, S.APPROVED),
        None,
        frozenset({R.RECEPTION, R.LEADER}),
        at_step=True,
        inputs=(ActionInput("to_user", _fragment("assign")),),
        form=_assign_form,
        check=_assign_check,
        guest=True,
        slip="agency",
    ),
    # NĐ 61/2018 Điều 18: the desk hands the dossier over; each step hands it on.
    ActionSpec(
        A.FORWARD,
        (S.RECEIVED, S.IN_PROGRESS),
        S.IN_PROGRESS,
        frozenset({R.RECEPTION, R.SPECIALIST, R.LEADER, R.CLERK}),
        conditions=(_has_next_step,),
        at_step=True,
        inputs=(
            ActionInput("to_step", _fragment("forward")),
            ActionInput("to_agency"),
            ActionInput("to_user"),
            ActionInput("proposal"),
        ),
        form=_forward_form,
        check=_forward_check,
        guest=True,
        slip="agency",
    ),
    ActionSpec(
        A.SEND_BACK,
        (S.IN_PROGRESS, S.APPROVED),
        S.IN_PROGRESS,
        frozenset({R.SPECIALIST, R.LEADER, R.CLERK}),
        conditions=(_has_previous_step,),
        note_required=True,
        at_step=True,
        check=_send_back_check,
        guest=True,
        slip="agency",
    ),
    # NĐ 61/2018 Điều 22: fees may be paid online through the portal's payment function.
    ActionSpec(
        A.REQUEST_PAYMENT,
        (S.RECEIVED, S.IN_PROGRESS),
        S.AWAITING_PAYMENT,
        frozenset({R.RECEPTION, R.SPECIALIST}),
        conditions=(_fee_to_request,),
        at_step=True,
        inputs=(ActionInput("amount", _fragment("request_payment")),),
        check=_request_payment_check,
        effects=_request_payment_effects,
        slip="to_applicant",
    ),
    ActionSpec(
        A.CONFIRM_PAYMENT,
        (S.AWAITING_PAYMENT,),
        S.IN_PROGRESS,
        frozenset({R.SYSTEM, R.RECEPTION}),
        effects=_confirm_payment_effects,
        notification="payment_confirmed",
        slip="from_applicant",
    ),
    ActionSpec(
        A.APPROVE,
        (S.IN_PROGRESS,),
        S.APPROVED,
        frozenset({R.LEADER}),
        conditions=(_appraised,),
        at_step=True,
        form=_approve_form,
        check=_approve_check,
        slip="agency",
    ),
    ActionSpec(
        A.ISSUE_RESULT,
        (S.APPROVED,),
        S.RESULT_ISSUED,
        frozenset({R.CLERK}),
        inputs=(ActionInput("file", _fragment("issue_result"), file=True),),
        check=_issue_result_check,
        effects=_issue_result_effects,
        paper=K.RESULT,
        slip="agency",
    ),
    ActionSpec(
        A.RETURN_RESULT,
        (S.RESULT_ISSUED,),
        S.RETURNED,
        frozenset({R.RECEPTION, R.CLERK}),
        conditions=(_fee_settled,),
        effects=_return_result_effects,
        body=_return_result_body,
        slip="agency",
    ),
    # NĐ 61/2018 Điều 19.8: processing stopped with reasons — the leader's decision (the
    # notice carries the leader's name); a specialist proposes it through
    # `forward {proposal: "refuse"}` (docs/domain.md "Desk realities": Decisions).
    ActionSpec(
        A.STOP,
        (S.RECEIVED, S.IN_PROGRESS, S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT),
        S.STOPPED,
        frozenset({R.LEADER}),
        note_required=True,
        paper=K.REJECTION,
        slip="to_applicant",
    ),
    # NĐ 61/2018 Điều 19.9 / Thông tư 01/2018 Mẫu 04: the apology and the new date are the
    # agency's, signed for its head — the leader decides and signs, not the desk.
    ActionSpec(
        A.APOLOGIZE,
        (*PROCESSING, S.AWAITING_PAYMENT, S.SUPPLEMENT_REQUESTED),
        None,
        frozenset({R.LEADER}),
        conditions=(_has_due_date, _no_apology_yet),
        note_required=True,
        inputs=(ActionInput("new_due_at", _fragment("apologize")),),
        check=_apologize_check,
        effects=_apologize_effects,
        body=_apologize_body,
        notification="dossier_apology",
        paper=K.APOLOGY,
        slip="to_applicant",
    ),
]

for _spec in BUILT_IN:
    register_action(_spec)
