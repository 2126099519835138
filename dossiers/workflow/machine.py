"""The one state machine of a dossier: statuses, actions, guards and who may fire them.

Every action of API.md §4 is declared once in ACTIONS; DossierWorkflow turns each into a
django-fsm-2 transition on the protected `Dossier.status` field, so nothing can change the
status except through these methods. This module does no I/O beyond reading the actor's roles;
services lock the row, call `fire()`, save and write the event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import GET_STATE, State, can_proceed, transition

from accounts.models import Agency, User
from accounts.selectors import role_pairs_for_official, user_holds_role
from procedures.fees import fee_quote

from ..constants import (
    ACTIVE_STATUSES,
    TERMINAL_STATUSES,
    WAITING_STATUSES,
    ActorRole,
    Channel,
    DossierAction,
    DossierStatus,
)
from . import deadlines

if TYPE_CHECKING:  # the model inherits DossierWorkflow from this module
    from django.contrib.auth.models import AnonymousUser
    from django_stubs_ext import StrOrPromise

    from ..models import Dossier

S = DossierStatus
A = DossierAction
R = ActorRole

# The processing steps during which officials handle a dossier after reception.
PROCESSING = (S.RECEIVED, S.IN_PROGRESS, S.APPROVED)
# Every status before the result is issued, once filed.
WITHDRAWABLE = (S.SUBMITTED, *PROCESSING, S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT)


def _supplement_target(dossier: Dossier, *args: Any, **kwargs: Any) -> str:
    # Supplement asked at reception (Mẫu 02, NĐ 61/2018 Điều 17) goes back to the desk;
    # asked during appraisal (Điều 19.4) it goes back to processing, the clock restarting.
    return S.IN_PROGRESS if dossier.received_at else S.SUBMITTED


def _no_supplement_yet(dossier: Dossier) -> bool:
    # NĐ 61/2018 Điều 15: guidance is given once, complete and exact — at most one request.
    return bool(dossier.supplement_count == 0)


def _has_next_step(dossier: Dossier) -> bool:
    # No process (older versions): forward only moves the status, as before.
    if dossier.current_step is None:
        return True
    return dossier.current_step < len(dossier.snapshot.get("steps") or [])


def _has_previous_step(dossier: Dossier) -> bool:
    return dossier.current_step is None or dossier.current_step > 1


def _appraised(dossier: Dossier) -> bool:
    # A leader approves on a recorded appraisal: the specialist's proposal and opinion
    # (NĐ 61/2018 Điều 19.1–19.3); dossiers without a process keep the old rule.
    return dossier.current_step is None or bool(dossier.appraisal_proposal)


def _no_apology_yet(dossier: Dossier) -> bool:
    # NĐ 61/2018 Điều 19.9 / 12.5: the return date may be rescheduled at most once.
    return bool(dossier.apology_count == 0)


def _has_due_date(dossier: Dossier) -> bool:
    # Mẫu 04 moves the appointed return date: there is none before reception (a supplement
    # or a fee asked for at the desk), so there is nothing to apologise for yet.
    return dossier.due_at is not None


def _fee_settled(dossier: Dossier) -> bool:
    # Luật Phí và lệ phí 2015 Điều 6 / NĐ 61/2018 Điều 22: the result is handed over only once
    # the fee due has been paid (online, or in cash at the desk through confirm_payment).
    return not dossier.payment_due


def _fee_to_request(dossier: Dossier) -> bool:
    # Nothing to ask for once the fee is paid, nor for a procedure without a fee (issue 17.1);
    # a fee left to the provincial council (no amount in the catalogue) is still to be stated.
    if dossier.payment_due:
        return True
    if dossier.fee_amount > 0:  # asked for and paid
        return False
    return fee_quote(
        snapshot=dossier.snapshot or {},
        case_id=dossier.case_id,
        online=dossier.channel == Channel.ONLINE,
    ).undetermined


Guard = Callable[["Dossier"], bool]
# What a refused action tells the user, for the guards whose refusal needs words.
GUARD_REASONS: dict[Guard, StrOrPromise] = {
    _fee_settled: _("Chưa thể trả kết quả: phí, lệ phí của hồ sơ chưa được nộp."),
    _fee_to_request: _("Hồ sơ không có khoản phí, lệ phí nào phải nộp."),
    _has_due_date: _("Hồ sơ chưa có ngày hẹn trả kết quả để hẹn lại."),
}


@dataclass(frozen=True)
class ActionSpec:
    """One workflow action: where it may start, where it leads, who may fire it."""

    name: str
    sources: tuple[str, ...]
    target: str | State | None  # a status, None (status unchanged) or a django-fsm GET_STATE
    roles: frozenset[str]
    conditions: tuple[Guard, ...] = ()
    note_required: bool = False  # a `reason` is required (the event's note carries it)
    targets: tuple[str, ...] = field(default=())  # every status the action can lead to
    # Once the dossier is on a process step, only the holder of that step's role may fire it.
    at_step: bool = False

    def possible_targets(self) -> tuple[str, ...]:
        if self.targets:
            return self.targets
        return (self.target,) if isinstance(self.target, str) else self.sources


ACTIONS: dict[str, ActionSpec] = {
    spec.name: spec
    for spec in [
        ActionSpec(A.SUBMIT, (S.DRAFT,), S.SUBMITTED, frozenset({R.OWNER, R.RECEPTION})),
        # DOMAIN.md 9a: the citizen may withdraw until the result is issued; after reception
        # the desk sees it on the dossier's history and lists.
        ActionSpec(A.WITHDRAW, WITHDRAWABLE, S.WITHDRAWN, frozenset({R.OWNER})),
        # NĐ 61/2018 Điều 17: complete → receive (Mẫu 01), incomplete → request supplement
        # (Mẫu 02), outside competence → reject with reasons (Mẫu 03).
        ActionSpec(A.RECEIVE, (S.SUBMITTED,), S.RECEIVED, frozenset({R.RECEPTION})),
        ActionSpec(
            A.REJECT, (S.SUBMITTED,), S.REJECTED, frozenset({R.RECEPTION}), note_required=True
        ),
        ActionSpec(
            A.REQUEST_SUPPLEMENT,
            (S.SUBMITTED, S.RECEIVED, S.IN_PROGRESS),
            S.SUPPLEMENT_REQUESTED,
            frozenset({R.RECEPTION, R.SPECIALIST}),
            conditions=(_no_supplement_yet,),
            note_required=True,
            at_step=True,
        ),
        ActionSpec(
            A.SUPPLEMENT,
            (S.SUPPLEMENT_REQUESTED,),
            GET_STATE(_supplement_target, states=[S.SUBMITTED, S.IN_PROGRESS]),
            frozenset({R.OWNER, R.RECEPTION}),
            targets=(S.SUBMITTED, S.IN_PROGRESS),
        ),
        # NĐ 61/2018 Điều 19.1: the head of the unit assigns an officer (the desk on step 1).
        ActionSpec(
            A.ASSIGN,
            (S.RECEIVED, S.IN_PROGRESS, S.APPROVED),
            None,
            frozenset({R.RECEPTION, R.LEADER}),
            at_step=True,
        ),
        # NĐ 61/2018 Điều 18: the desk hands the dossier over; each step hands it on.
        ActionSpec(
            A.FORWARD,
            (S.RECEIVED, S.IN_PROGRESS),
            S.IN_PROGRESS,
            frozenset({R.RECEPTION, R.SPECIALIST, R.LEADER, R.CLERK}),
            conditions=(_has_next_step,),
            at_step=True,
        ),
        ActionSpec(
            A.SEND_BACK,
            (S.IN_PROGRESS, S.APPROVED),
            S.IN_PROGRESS,
            frozenset({R.SPECIALIST, R.LEADER, R.CLERK}),
            conditions=(_has_previous_step,),
            note_required=True,
            at_step=True,
        ),
        # NĐ 61/2018 Điều 22: fees may be paid online through the portal's payment function.
        ActionSpec(
            A.REQUEST_PAYMENT,
            (S.RECEIVED, S.IN_PROGRESS),
            S.AWAITING_PAYMENT,
            frozenset({R.RECEPTION, R.SPECIALIST}),
            conditions=(_fee_to_request,),
            at_step=True,
        ),
        ActionSpec(
            A.CONFIRM_PAYMENT,
            (S.AWAITING_PAYMENT,),
            S.IN_PROGRESS,
            frozenset({R.SYSTEM, R.RECEPTION}),
        ),
        ActionSpec(
            A.APPROVE,
            (S.IN_PROGRESS,),
            S.APPROVED,
            frozenset({R.LEADER}),
            conditions=(_appraised,),
            at_step=True,
        ),
        ActionSpec(A.ISSUE_RESULT, (S.APPROVED,), S.RESULT_ISSUED, frozenset({R.CLERK})),
        ActionSpec(
            A.RETURN_RESULT,
            (S.RESULT_ISSUED,),
            S.RETURNED,
            frozenset({R.RECEPTION, R.CLERK}),
            conditions=(_fee_settled,),
        ),
        # NĐ 61/2018 Điều 19.8: processing stopped with reasons — the leader's decision (the
        # notice carries the leader's name); a specialist proposes it through
        # `forward {proposal: "refuse"}` (DOMAIN.md "Desk realities": Decisions).
        ActionSpec(
            A.STOP,
            (S.RECEIVED, S.IN_PROGRESS, S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT),
            S.STOPPED,
            frozenset({R.LEADER}),
            note_required=True,
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
        ),
    ]
}


# --- what each action changes besides the status (no I/O) ----------------------------------


def _effects(name: str, dossier: Dossier, now: dt.datetime) -> None:
    if name == A.SUBMIT:
        dossier.submitted_at = now
    elif name == A.RECEIVE:
        dossier.received_at = now
        deadlines.start_clock(dossier, now=now)
    elif name == A.REQUEST_SUPPLEMENT:
        dossier.supplement_count += 1
        dossier.supplement_requested_at = now
        deadlines.start_wait(dossier, now=now)
    elif name == A.REQUEST_PAYMENT:
        deadlines.start_wait(dossier, now=now)
    elif name == A.SUPPLEMENT and dossier.received_at and not dossier.supplement_late:
        # NĐ 61/2018 Điều 19.4: the processing time restarts once the dossier is complete —
        # only after a request made in time; a late one merely paused the clock (end_wait).
        deadlines.start_clock(dossier, now=now)
    elif name == A.APOLOGIZE:
        dossier.apology_count += 1
    elif name == A.ISSUE_RESULT:
        dossier.completed_at = now
        deadlines.decide_on_time(dossier, now=now)
    elif name == A.RETURN_RESULT:
        # completed_at stays the issue time (the on-time mark); the return has its own time.
        dossier.returned_at = now
    elif name == A.CONFIRM_PAYMENT:
        dossier.payment_due = False


def _make_transition(spec: ActionSpec) -> Callable[..., None]:
    def method(self: Dossier, *, now: dt.datetime | None = None) -> None:
        now = now or timezone.now()
        if self.status in WAITING_STATUSES and spec.target is not None:
            # Leaving the wait for the citizen (supplied, paid, withdrawn or stopped): the time
            # spent waiting is not the agency's (NĐ 61/2018 Điều 19.4).
            deadlines.end_wait(self, now=now)
        _effects(spec.name, self, now)
        if spec.target in TERMINAL_STATUSES and spec.target != S.RETURNED:
            self.completed_at = now

    method.__name__ = str(spec.name)
    method.__qualname__ = f"DossierWorkflow.{spec.name}"
    method.__doc__ = f"Fire the '{spec.name}' action."
    decorated: Callable[..., None] = transition(
        field="status",
        source=list(spec.sources),
        target=spec.target,
        conditions=list[Any](spec.conditions),
    )(method)
    return decorated


class DossierWorkflow:
    """Transitions of the dossier status (see ACTIONS)."""


# The model inherits this: one transition method per action, named like the action.
for _name, _spec in ACTIONS.items():
    setattr(DossierWorkflow, _name, _make_transition(_spec))


# --- who may do what -----------------------------------------------------------------------


# Marks an official of another agency holding an inter-agency step (liên thông): they may
# only do their step's part and hand the dossier on or back (NĐ 61/2018 Điều 19.5–19.7).
GUEST = "guest"
GUEST_ACTIONS = frozenset({A.ASSIGN, A.FORWARD, A.SEND_BACK})
# Marks an official of the filing (lead) agency while another agency holds the dossier for its
# step: they see it and wait — no action until it is handed back (DOMAIN.md "Desk realities").
WAITING = "waiting"


def held_by_other_agency(dossier: Dossier) -> bool:
    """Tell whether another agency than the filing one holds the dossier for a step now.

    The same rule as models.INTER_AGENCY_Q (the "Liên thông đến" queue), on one instance.
    """
    return (
        dossier.status in ACTIVE_STATUSES
        and dossier.handling_agency_id is not None
        and dossier.handling_agency_id != dossier.agency_id
    )


def actor_roles(dossier: Dossier, user: User | AnonymousUser | None) -> frozenset[str]:
    """Return the roles `user` holds towards `dossier` (owner, reception, ...)."""
    if not isinstance(user, User):  # nobody signed in
        return frozenset()
    cache: dict[tuple[Any, ...], frozenset[str]] = dossier.__dict__.setdefault("_actor_roles", {})
    key = (user.pk, dossier.handling_agency_id, dossier.current_role, dossier.status)
    if key not in cache:
        roles: set[str] = set()
        if dossier.applicant_id == user.pk:
            roles.add(R.OWNER)
        if user.is_official:
            agencies = {a for a in (dossier.agency_id, dossier.handling_agency_id) if a}
            held = role_pairs_for_official(user=user, agency_ids=agencies)
            if held_by_other_agency(dossier):
                # Liên thông: only the agency holding the step acts on the dossier (NĐ 61/2018
                # Điều 19.6, each agency its own task); the lead agency sees it and waits.
                here = dossier.handling_agency_id
                guest = {role for agency_id, role in held if agency_id == here}
                if guest:
                    roles.update(guest | {GUEST})
                elif held:
                    roles.add(WAITING)
            else:
                roles.update(role for agency_id, role in held if agency_id == dossier.agency_id)
        cache[key] = frozenset(roles)
    return cache[key]


def roles_may_fire(dossier: Dossier, action: str, roles: Iterable[str]) -> bool:
    """Tell whether an actor with `roles` may fire `action` at the dossier's current step."""
    spec = ACTIONS[action]
    held = spec.roles & set(roles)
    if not held:  # WAITING holds no role of any action: the lead agency waits (403)
        return False
    if GUEST in roles and action not in GUEST_ACTIONS:
        return False
    if not spec.at_step or dossier.current_step is None or not dossier.current_role:
        return True
    if action == A.ASSIGN:
        # The unit's leader assigns; the desk may assign among itself on the first step.
        return R.LEADER in held or (dossier.current_role in held and dossier.current_step == 1)
    return dossier.current_role in held


def user_is_reception(user: User | AnonymousUser, agency: Agency) -> bool:
    """Tell whether `user` works at the one-stop desk (reception) of `agency`."""
    return bool(
        isinstance(user, User)
        and user.is_official
        and user_holds_role(user=user, role=R.RECEPTION, agency=agency)
    )


def user_is_reception_anywhere(user: User | AnonymousUser) -> bool:
    """Tell whether `user` works at the one-stop desk of any agency."""
    return bool(
        isinstance(user, User) and user.is_official and user_holds_role(user=user, role=R.RECEPTION)
    )


def actions_for_roles(dossier: Dossier, roles: Iterable[str]) -> list[str]:
    """Return the actions that may run now on `dossier` for an actor with `roles`."""
    roles = set(roles)
    return [
        name
        for name in ACTIONS
        if roles_may_fire(dossier, name, roles) and can_proceed(getattr(dossier, name))
    ]


def available_actions(dossier: Dossier, user: User | AnonymousUser | None) -> list[str]:
    """Return the action names `user` may run now on `dossier`."""
    return actions_for_roles(dossier, actor_roles(dossier, user))


def is_legal_now(dossier: Dossier, action: str) -> bool:
    """Tell whether `action` may run in the dossier's current status (guards included)."""
    return action in ACTIONS and can_proceed(getattr(dossier, action))


def refusal_reason(dossier: Dossier, action: str) -> str | None:
    """Return why a guard of `action` refuses it now (a guard's `reason`), if one says so."""
    spec = ACTIONS.get(action)
    if spec is None or dossier.status not in spec.sources:
        return None
    for condition in spec.conditions:
        if not condition(dossier) and condition in GUARD_REASONS:
            return str(GUARD_REASONS[condition])
    return None


def fire(dossier: Dossier, action: str, *, now: dt.datetime | None = None) -> None:
    """Run `action`'s transition on the in-memory dossier (the caller saves)."""
    getattr(dossier, action)(now=now)


def graph_lines() -> list[str]:
    """Return the whole graph, one line per (action, source → target), with roles and guards."""
    lines = []
    for name, spec in ACTIONS.items():
        guards = [c.__name__.lstrip("_") for c in spec.conditions]
        if spec.note_required:
            guards.append("note_required")
        if spec.at_step:
            guards.append("at_step")
        for source in spec.sources:
            targets = "|".join(spec.possible_targets()) if spec.target else source
            lines.append(
                f"{source:22} --{name}--> {targets:24} roles={','.join(sorted(spec.roles))}"
                + (f" guards={','.join(guards)}" if guards else "")
            )
    return lines


def graph_dot() -> str:
    """Return the graph in Graphviz DOT."""
    edges = []
    for name, spec in ACTIONS.items():
        for source in spec.sources:
            for target in spec.possible_targets() if spec.target else (source,):
                edges.append(f'  "{source}" -> "{target}" [label="{name}"];')
    return "digraph dossier {\n" + "\n".join(edges) + "\n}\n"
