"""The one state machine of a dossier: statuses, actions, guards and who may fire them.

Every action is one `ActionSpec` (its states, roles and guards, and the hooks of what running
it does), declared in dossiers/workflow/actions.py and registered here by `register_action`:
ACTIONS holds them and DossierWorkflow turns each into a django-fsm-2 transition on the
protected `Dossier.status` field, so nothing can change the status except through these
methods. This module does no I/O beyond reading the actor's roles; services lock the row, call
`fire()`, save and write the event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import State, can_proceed, transition

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
    from .action_rules import ActionRun

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


# A hook of an action: it gets the action's run (dossiers/workflow/action_rules.py::ActionRun).
Hook = Callable[["ActionRun"], None]


@dataclass(frozen=True)
class ActionInput:
    """One input an action takes beyond its reason: its key in the API body and the form, and
    the fragment of the official's dossier page that asks for it."""

    name: str
    template: str = ""  # the form fragment (templates/officials/actions/...), "" for none
    file: bool = False  # a file: the page's form is sent as multipart


@dataclass(frozen=True)
class ActionSpec:
    """One workflow action: where it may start, where it leads, who may fire it — and what
    running it does besides moving the status, as hooks dossier_run_action calls in order:
    `check` (read and check the inputs before anything changes), `effects` (inside the
    transition, no I/O), `body` (after it: what the inputs change), `after` (once the event is
    written); then the paper it issues is rendered and the applicant told (`notification`)."""

    name: str
    sources: tuple[str, ...]
    target: str | State | None  # a status, None (status unchanged) or a django-fsm GET_STATE
    roles: frozenset[str]
    conditions: tuple[Guard, ...] = ()
    note_required: bool = False  # a `reason` is required (the event's note carries it)
    targets: tuple[str, ...] = field(default=())  # every status the action can lead to
    # Once the dossier is on a process step, only the holder of that step's role may fire it.
    at_step: bool = False
    # An official of another agency holding an inter-agency step (GUEST) may fire it too.
    guest: bool = False
    # How the control slip (Mẫu 05) shows its event: "" not at all, "agency" a step inside the
    # agencies, "from_applicant" handed in by the applicant, "to_applicant" sent to them.
    slip: str = ""
    label: StrOrPromise = ""  # what its button says (DossierAction's label when not given)
    inputs: tuple[ActionInput, ...] = ()
    # What the official's page needs to ask for the inputs (steps, officials…), per dossier.
    form: Callable[[Dossier], dict[str, Any]] | None = None
    check: Hook | None = None
    effects: Callable[[Dossier, dt.datetime], None] | None = None
    body: Hook | None = None
    after: Hook | None = None
    # The applicant's message template when the action itself decides it; otherwise the new
    # status does (dossiers/notify.py).
    notification: str = ""
    paper: str = ""  # the paper (DocumentKind) the action issues, made from its event

    def __post_init__(self) -> None:
        if not self.label and self.name in A.values:
            object.__setattr__(self, "label", A(self.name).label)

    def possible_targets(self) -> tuple[str, ...]:
        if self.targets:
            return self.targets
        return (self.target,) if isinstance(self.target, str) else self.sources


# Every action, in the order its buttons show; filled by register_action (workflow/actions.py).
ACTIONS: dict[str, ActionSpec] = {}


def _make_transition(spec: ActionSpec) -> Callable[..., None]:
    def method(self: Dossier, *, now: dt.datetime | None = None) -> None:
        now = now or timezone.now()
        if self.status in WAITING_STATUSES and spec.target is not None:
            # Leaving the wait for the citizen (supplied, paid, withdrawn or stopped): the time
            # spent waiting is not the agency's (NĐ 61/2018 Điều 19.4).
            deadlines.end_wait(self, now=now)
        if spec.effects is not None:
            spec.effects(self, now)
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
    """Transitions of the dossier status (see ACTIONS): one method per action, named like it."""


def register_action(spec: ActionSpec) -> None:
    """Declare an action: ACTIONS gains its spec and the model a transition named like it."""
    ACTIONS[spec.name] = spec
    method = _make_transition(spec)
    setattr(DossierWorkflow, spec.name, method)
    model = _loaded_model()
    if model is not None:
        # Registered after the model was built (a plug-in, a test): bind it as django-fsm's
        # class_prepared would have.
        status = model._meta.get_field("status")
        method._django_fsm.field = status  # type: ignore[attr-defined]
        status.transitions.setdefault(model, {})[spec.name] = method


def unregister_action(name: str) -> None:
    """Remove an action registered by register_action (a test's fake action)."""
    ACTIONS.pop(name, None)
    if name in vars(DossierWorkflow):
        delattr(DossierWorkflow, name)
    model = _loaded_model()
    if model is not None:
        model._meta.get_field("status").transitions.get(model, {}).pop(name, None)


def _loaded_model() -> type[Dossier] | None:
    from django.apps import apps

    if not apps.models_ready:
        return None  # the model is being built: django-fsm collects the transitions itself
    from ..models import Dossier

    return Dossier


# --- who may do what -----------------------------------------------------------------------


# Marks an official of another agency holding an inter-agency step (liên thông): they may
# only do their step's part and hand the dossier on or back (NĐ 61/2018 Điều 19.5–19.7).
GUEST = "guest"  # the actions they may fire say so (ActionSpec.guest)
# Marks an official of the filing (lead) agency while another agency holds the dossier for its
# step: they see it and wait — no action until it is handed back (docs/domain.md "Desk realities").
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
    if GUEST in roles and not spec.guest:
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
