"""The one state machine: declared graph, roles, guards, concurrency and Hypothesis walks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_fsm import TransitionNotAllowed
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from accounts.constants import StaffRoleName
from accounts.models import Agency, User
from dossiers import workflow
from dossiers.constants import (
    CLOCK_RUNNING_STATUSES,
    TERMINAL_STATUSES,
    WAITING_STATUSES,
    ActorRole,
    DossierAction,
    DossierStatus,
)
from dossiers.errors import InvalidTransition
from dossiers.filing import services as filing_services
from dossiers.models import Dossier, Handover
from dossiers.workflow import deadlines
from dossiers.workflow import services as workflow_services
from dvctt import workdays
from dvctt.errors import Forbidden, InvalidInput, NotFound
from procedures.models import Procedure, ProcedureVersion
from tests.concurrency import run_at_once
from tests.dossiers.conftest import PDF, PNG, make_submitted, upload
from tests.dossiers.factories import dossier_in
from tests.factories import make_official
from tests.procedures.factories import ProcedureFactory
from tests.properties import examples

API_ACTIONS = {
    "receive", "reject", "stop", "request_supplement", "supplement", "assign", "forward",
    "send_back", "approve", "issue_result", "return_result", "apologize", "withdraw", "submit",
}  # fmt: skip


def test_every_api_action_and_status_is_declared():
    assert set(workflow.ACTIONS) >= API_ACTIONS
    reachable = {DossierStatus.DRAFT}
    for spec in workflow.ACTIONS.values():
        reachable.update(spec.possible_targets())
    assert reachable == set(DossierStatus.values)


def test_graph_command_prints_every_transition():
    out = StringIO()
    call_command("dossier_workflow_graph", stdout=out)
    text = out.getvalue()
    assert "draft                  --submit--> submitted" in text
    assert "--withdraw--> withdrawn" in text
    assert "guards=no_supplement_yet,note_required" in text
    lines = text.strip().splitlines()
    assert len(lines) == sum(len(s.sources) for s in workflow.ACTIONS.values())
    dot = StringIO()
    call_command("dossier_workflow_graph", "--dot", stdout=dot)
    assert dot.getvalue().startswith("digraph dossier {")


def test_status_cannot_be_assigned_directly():
    dossier = Dossier()
    with pytest.raises(AttributeError):
        dossier.status = DossierStatus.APPROVED


def test_illegal_transition_is_refused_in_memory():
    dossier = Dossier()
    with pytest.raises(TransitionNotAllowed):
        dossier.approve()
    assert dossier.status == DossierStatus.DRAFT


# --- Hypothesis: no sequence of actions reaches an illegal state -----------------------------

ALL_ROLES = [r.value for r in ActorRole]


class DossierMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        # An unsaved version: the clock reads the processing time from its snapshot.
        version = ProcedureVersion(number=1, snapshot={"processing_days": 0.5, "cases": []})
        self.dossier = Dossier(case_id=1, procedure_version=version)
        self.trail = [DossierStatus.DRAFT]

    @rule(action=st.sampled_from(sorted(workflow.ACTIONS)))
    def act(self, action):
        before = self.dossier.status
        if workflow.is_legal_now(self.dossier, action):
            workflow.fire(self.dossier, action)
            if self.dossier.status != before:
                self.trail.append(self.dossier.status)
        else:
            with pytest.raises(TransitionNotAllowed):
                workflow.fire(self.dossier, action)
            assert self.dossier.status == before

    @invariant()
    def status_is_known(self):
        assert self.dossier.status in DossierStatus.values

    @invariant()
    def terminal_means_no_way_out(self):
        if self.dossier.status in TERMINAL_STATUSES:
            assert workflow.actions_for_roles(self.dossier, ALL_ROLES) == []

    @invariant()
    def at_most_one_supplement_request_and_one_apology(self):
        assert self.dossier.supplement_count <= 1
        assert self.dossier.apology_count <= 1

    @invariant()
    def timestamps_follow_status(self):
        d = self.dossier
        assert (d.submitted_at is None) == (d.status == DossierStatus.DRAFT)
        finished = d.status in TERMINAL_STATUSES or d.status == DossierStatus.RESULT_ISSUED
        assert (d.completed_at is not None) == finished
        assert (d.paused_since is not None) == (d.status in WAITING_STATUSES)
        assert (d.returned_at is not None) == (d.status == DossierStatus.RETURNED)
        if d.received_at is not None:
            assert d.original_due_at is not None and d.due_at >= d.original_due_at
        issued = d.status in (DossierStatus.RESULT_ISSUED, DossierStatus.RETURNED)
        assert (d.on_time is not None) == issued
        if d.due_at and d.status not in CLOCK_RUNNING_STATUSES:
            # Waiting for the citizen or finished: never overdue, however late it is.
            assert not deadlines.is_overdue(d, now=d.due_at + dt.timedelta(days=400))
        if d.status in (
            DossierStatus.APPROVED,
            DossierStatus.RESULT_ISSUED,
            DossierStatus.RETURNED,
        ):
            assert d.received_at is not None

    @invariant()
    def results_only_after_approval(self):
        trail = self.trail
        for i, status in enumerate(trail):
            if status == DossierStatus.RETURNED:
                assert trail[i - 1] == DossierStatus.RESULT_ISSUED
            if status == DossierStatus.RESULT_ISSUED:
                assert trail[i - 1] == DossierStatus.APPROVED
            if status == DossierStatus.APPROVED:
                assert trail[i - 1] == DossierStatus.IN_PROGRESS


DossierMachine.TestCase.settings = settings(
    max_examples=examples(200), stateful_step_count=40, deadline=None
)
TestDossierMachine = DossierMachine.TestCase


# --- roles, through the service ------------------------------------------------------------


@pytest.mark.django_db
def test_available_actions_per_role(submitted, citizen, reception, specialist, leader, clerk):
    assert workflow.available_actions(submitted, citizen) == ["withdraw"]
    assert set(workflow.available_actions(submitted, reception)) == {
        "receive",
        "reject",
        "request_supplement",
    }
    assert workflow.available_actions(submitted, specialist) == ["request_supplement"]
    assert workflow.available_actions(submitted, leader) == []
    assert workflow.available_actions(submitted, clerk) == []


@pytest.mark.django_db
def test_wrong_role_is_forbidden_and_illegal_is_conflict(submitted, citizen, reception, leader):
    with pytest.raises(Forbidden):
        workflow_services.dossier_run_action(
            actor=leader, dossier_id=submitted.pk, action="receive"
        )
    with pytest.raises(InvalidTransition) as exc:
        workflow_services.dossier_run_action(
            actor=reception, dossier_id=submitted.pk, action="return_result"
        )
    assert exc.value.code == "invalid_transition"
    with pytest.raises(InvalidInput):
        workflow_services.dossier_run_action(
            actor=reception, dossier_id=submitted.pk, action="reject"
        )
    submitted.refresh_from_db()
    assert submitted.status == DossierStatus.SUBMITTED


@pytest.mark.django_db
def test_full_happy_path_and_supplement_restart(
    submitted, citizen, reception, specialist, leader, clerk
):
    run = workflow_services.dossier_run_action
    d = run(actor=reception, dossier_id=submitted.pk, action="receive")
    assert d.status == DossierStatus.RECEIVED and d.due_at is not None
    d = run(actor=reception, dossier_id=d.pk, action="forward")
    d = run(actor=leader, dossier_id=d.pk, action="assign", to_user=specialist.pk)
    assert d.current_handler == specialist
    d = run(actor=specialist, dossier_id=d.pk, action="request_supplement", note="Thiếu bản sao")
    assert d.status == DossierStatus.SUPPLEMENT_REQUESTED
    with pytest.raises(InvalidTransition):  # guidance once (NĐ 61/2018 Điều 15)
        run(actor=specialist, dossier_id=d.pk, action="request_supplement", note="again")
    first_due = d.due_at
    d = run(actor=citizen, dossier_id=d.pk, action="supplement")
    assert d.status == DossierStatus.IN_PROGRESS
    # NĐ 61/2018 Điều 19.4: the processing time restarts from the complete dossier.
    assert d.due_at >= first_due and d.paused_since is None
    with pytest.raises(InvalidTransition):
        run(actor=specialist, dossier_id=d.pk, action="request_supplement", note="again")
    d = run(actor=specialist, dossier_id=d.pk, action="forward", proposal="approve", note="Đủ")
    d = run(actor=leader, dossier_id=d.pk, action="approve")
    d = run(actor=clerk, dossier_id=d.pk, action="issue_result")
    # The 40,000 đ fee is still unpaid: the result is held back until it is settled.
    assert "return_result" not in workflow.available_actions(d, clerk)
    with pytest.raises(InvalidTransition, match="phí, lệ phí"):
        run(actor=clerk, dossier_id=d.pk, action="return_result")
    d.refresh_from_db()
    assert d.status == DossierStatus.RESULT_ISSUED and d.payment_due
    workflow_services.dossier_settle_fee(dossier_id=d.pk, amount=d.fee_amount, reference="TEST1")
    d = run(actor=clerk, dossier_id=d.pk, action="return_result")
    assert d.status == DossierStatus.RETURNED and d.completed_at
    assert list(d.events.values_list("action", flat=True)) == [
        "create", "submit", "receive", "forward", "assign", "request_supplement", "supplement",
        "forward", "approve", "issue_result", "confirm_payment", "return_result",
    ]  # fmt: skip


# What each action may be sent with (docs/api.md §4): valid and invalid bodies, and exactly when
# the service must refuse the body with InvalidInput (400) — only once the role and the status
# allow the action (403 and 409 come first). Every other exception is a failure.

REASON = "Lý do"
Build = Callable[["Walk", Dossier], dict[str, Any]]
Refused = Callable[["Walk", Dossier], bool]


def _never(walk: Walk, d: Dossier) -> bool:
    return False


def _always(walk: Walk, d: Dossier) -> bool:
    return True


@dataclass(frozen=True)
class Body:
    build: Build
    invalid: Refused = _never


def _body(note: str = "", **data: Any) -> Build:
    return lambda walk, d: {"note": note, "data": dict(data)}


@dataclass
class Walk:
    """The world of one walk: the catalogue's choices, the people, what the citizen did."""

    citizen: User
    officials: dict[str, User]
    fee: str  # "fixed" by the catalogue or left to the provincial "council"
    result: str  # "generated" from the dossier or "uploaded" by the clerk
    renewed: bool = False  # the citizen re-uploaded the documents a supplement request names

    @property
    def actors(self) -> list[User]:
        return [self.citizen, *self.officials.values()]


def _on_a_step(d: Dossier) -> bool:
    return d.current_step is not None


def _appraisal(d: Dossier) -> bool:
    # Leaving the specialist's step needs a proposal and an opinion (NĐ 61/2018 Điều 19).
    return d.current_role == StaffRoleName.SPECIALIST


def _due(d: Dossier) -> dt.datetime:
    return d.due_at or dt.datetime(2030, 1, 2, 9, tzinfo=workdays.VN_TZ)


def _later_working_moment(d: Dossier) -> dt.datetime:
    return workdays.add_working_hours(_due(d), 1)


def _after_hours(d: Dossier) -> dt.datetime:
    # 20:00 the day after the due date: after it, and never working time (periods end 17:00).
    local = timezone.localtime(_due(d), workdays.VN_TZ)
    return dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(20), workdays.VN_TZ)


def _apology(moment: Callable[[Dossier], Any], note: str = REASON) -> Build:
    return lambda walk, d: {"note": note, "data": {"new_due_at": moment(d)}}


def _assignee(pick: Callable[[Walk, Dossier], Any]) -> Build:
    return lambda walk, d: {"data": {"to_user": pick(walk, d)}}


def _holder(walk: Walk, d: Dossier) -> int:
    return walk.officials[d.current_role or StaffRoleName.RECEPTION].pk


def _other_official(walk: Walk, d: Dossier) -> int:
    role = next(r for r in walk.officials if r != (d.current_role or StaffRoleName.RECEPTION))
    return walk.officials[role].pk


def _first_component(walk: Walk, d: Dossier) -> dict[str, Any]:
    return {"note": REASON, "data": {"items": [d.case_components()[0]["id"]]}}


def _names_documents(d: Dossier) -> bool:
    return any("component" in item for item in d.supplement_items or [])


def _renew_then_supplement(walk: Walk, d: Dossier) -> dict[str, Any]:
    # The citizen uploads again each document the request names, then sends the supplement.
    if d.status == DossierStatus.SUPPLEMENT_REQUESTED and _names_documents(d):
        for item in d.supplement_items:
            if "component" in item:
                filing_services.attachment_add(
                    actor=walk.citizen,
                    dossier_id=d.pk,
                    component_id=item["component"],
                    upload=upload(),
                )
        walk.renewed = True
    return {}


def _result(name: str, content: bytes, content_type: str) -> Build:
    return lambda walk, d: {"result_file": upload(name, content, content_type)}


REASONED = {
    "note": Body(_body(REASON)),
    "reason": Body(_body(reason=REASON)),
    "reason_and_note": Body(_body("Ghi chú", reason=REASON)),
    "blank_reason": Body(_body("   ", reason="  "), _always),
    "no_reason": Body(_body(), _always),
}
PLAIN = {"empty": Body(_body()), "note": Body(_body(REASON))}

BODIES: dict[str, dict[str, Body]] = {
    "submit": {"note": Body(_body(REASON))},  # never through dossier_run_action: 404
    "receive": PLAIN,
    "withdraw": PLAIN,
    "confirm_payment": PLAIN,
    "approve": PLAIN,
    "return_result": PLAIN,
    "reject": REASONED,
    "stop": REASONED,
    "send_back": REASONED,
    "request_supplement": {
        **REASONED,
        "document": Body(_first_component),
        "free_text": Body(_body(REASON, items=["Bản sao hộ khẩu"])),
        "unknown_document": Body(_body(REASON, items=[999_999]), _always),
        "not_an_item": Body(_body(REASON, items=[True]), _always),
        "too_many_items": Body(_body(REASON, items=["x"] * 31), _always),
    },
    "supplement": {
        # A request naming documents is answered only with those documents uploaded again.
        "as_filed": Body(_body(), lambda walk, d: _names_documents(d) and not walk.renewed),
        "renewed": Body(_renew_then_supplement),
    },
    "assign": {
        "step_holder": Body(_assignee(_holder)),
        "other_role": Body(_assignee(_other_official), lambda walk, d: _on_a_step(d)),
        "citizen": Body(_assignee(lambda walk, d: walk.citizen.pk), _always),
        "nobody": Body(_body(), _always),
        "not_an_id": Body(_assignee(lambda walk, d: "abc"), _always),
    },
    "forward": {
        "next": Body(_body(REASON), lambda walk, d: _appraisal(d)),
        "proposal": Body(_body(REASON, proposal="approve")),
        "refusal_proposal": Body(_body(REASON, proposal="refuse")),
        "bad_proposal": Body(_body(REASON, proposal="maybe"), lambda walk, d: _appraisal(d)),
        "proposal_no_opinion": Body(_body(proposal="approve"), lambda walk, d: _appraisal(d)),
        "explicit_next": Body(
            lambda walk, d: {
                "note": REASON,
                "data": {"proposal": "approve", "to_step": (d.current_step or 0) + 1},
            }
        ),
        "same_step": Body(
            lambda walk, d: {
                "note": REASON,
                "data": {"proposal": "approve", "to_step": d.current_step or 1},
            },
            lambda walk, d: _on_a_step(d),
        ),
        "not_a_step": Body(
            _body(REASON, proposal="approve", to_step="abc"), lambda walk, d: _on_a_step(d)
        ),
    },
    "request_payment": {
        # The official states the amount when the catalogue leaves it to the council.
        "catalogue_amount": Body(_body(), lambda walk, d: walk.fee == "council"),
        "amount": Body(_body(amount="150000")),
        "dotted_amount": Body(_body(amount="150.000")),
        "zero": Body(_body(amount="0"), _always),
        "negative": Body(_body(amount="-5"), _always),
        "not_a_number": Body(_body(amount="một trăm"), _always),
        "too_large": Body(_body(amount=str(10**13)), _always),
    },
    "issue_result": {
        "no_file": Body(_body(), lambda walk, d: walk.result == "uploaded"),
        "pdf": Body(_result("ket-qua.pdf", PDF, "application/pdf")),
        "png": Body(_result("ket-qua.png", PNG, "image/png"), _always),
    },
    "apologize": {
        # NĐ 61/2018 Điều 19.9: a new date after the current one, in working time, once.
        "new_date": Body(
            _apology(lambda d: _later_working_moment(d).isoformat()),
            lambda walk, d: d.due_at is None,
        ),
        "naive_new_date": Body(
            _apology(
                lambda d: (
                    timezone.localtime(_later_working_moment(d), workdays.VN_TZ)
                    .replace(tzinfo=None)
                    .isoformat()
                )
            ),
            lambda walk, d: d.due_at is None,
        ),
        "note_only": Body(_body(REASON), _always),
        "no_reason": Body(_apology(lambda d: _later_working_moment(d).isoformat(), ""), _always),
        "not_a_date": Body(_apology(lambda d: "ngày mai"), _always),
        "before_due": Body(
            _apology(lambda d: (_due(d) - dt.timedelta(hours=1)).isoformat()), _always
        ),
        "after_hours": Body(_apology(lambda d: _after_hours(d).isoformat()), _always),
    },
}

# A step names an action, or an index among the actions someone may run now (so that walks
# reach the later statuses); an actor, or None for one the role allows; and a body, by name
# or by index among the action's bodies.
STEPS = st.lists(
    st.tuples(
        st.one_of(st.sampled_from(sorted(workflow.ACTIONS)), st.integers(0, 15)),
        st.one_of(st.none(), st.integers(0, 4)),
        st.integers(0, 15),
    ),
    max_size=20,
)


def _resolve(walk: Walk, d: Dossier, step: tuple[Any, Any, Any]) -> tuple[str, User, str]:
    action, who, variant = step
    if isinstance(action, int):
        available = sorted({a for u in walk.actors for a in workflow.available_actions(d, u)})
        action = available[action % len(available)] if available else "submit"
    if who is None:
        allowed = [
            u for u in walk.actors if workflow.roles_may_fire(d, action, workflow.actor_roles(d, u))
        ]
        actor = allowed[0] if allowed else walk.citizen
    else:
        actor = walk.actors[who]
    if isinstance(variant, int):
        variant = sorted(BODIES[action])[variant % len(BODIES[action])]
    return action, actor, variant


def _expected(walk: Walk, before: Dossier, action: str, actor: User, body: Body) -> type | None:
    """Return the error the service must raise for this call, or None when it must succeed."""
    if action == DossierAction.SUBMIT:
        return NotFound  # submitting is its own service, never a workflow action here
    if not workflow.roles_may_fire(before, action, workflow.actor_roles(before, actor)):
        return Forbidden
    if not workflow.is_legal_now(before, action):
        return InvalidTransition
    if body.invalid(walk, before):
        return InvalidInput
    return None


def _walk_world(citizen: User, agency: Agency, fee: str, result: str) -> tuple[Walk, Any]:
    procedure = ProcedureFactory(
        agencies=[agency],
        content__fee_amount=50_000 if fee == "fixed" else None,
        content__fee_online_amount=40_000 if fee == "fixed" else None,
        extra={"result_template": "confirmation"} if result == "generated" else {},
    )
    officials: dict[str, User] = {
        role: make_official(agency=agency, role=role)
        for role in (
            StaffRoleName.RECEPTION,
            StaffRoleName.SPECIALIST,
            StaffRoleName.LEADER,
            StaffRoleName.CLERK,
        )
    }
    return Walk(citizen=citizen, officials=officials, fee=fee, result=result), procedure


@pytest.mark.django_db
@settings(max_examples=examples(25), deadline=None, suppress_health_check=list(HealthCheck))
@given(
    steps=STEPS,
    fee=st.sampled_from(["council", "fixed"]),
    result=st.sampled_from(["generated", "uploaded"]),
)
# The seed that failed: an apology sent with only a note (no new_due_at) is a 400, not a crash.
@example(
    steps=[("receive", 1, "empty"), ("apologize", 3, "note_only")], fee="fixed", result="generated"
)
@example(
    steps=[
        ("receive", 1, "empty"),
        ("forward", 1, "next"),
        ("assign", 3, "nobody"),
        ("forward", 2, "next"),
        ("request_payment", 2, "catalogue_amount"),
        ("request_payment", 2, "amount"),
    ],
    fee="council",
    result="uploaded",
)
@example(
    steps=[
        ("request_supplement", 1, "document"),
        ("supplement", 0, "as_filed"),
        ("supplement", 0, "renewed"),
        ("receive", 1, "empty"),
        ("apologize", 3, "after_hours"),
        ("apologize", 3, "new_date"),
        ("forward", 1, "next"),
        ("forward", 2, "proposal_no_opinion"),
        ("forward", 2, "proposal"),
        ("approve", 3, "empty"),
        ("issue_result", 4, "no_file"),
        ("issue_result", 4, "pdf"),
        ("return_result", 4, "empty"),
    ],
    fee="fixed",
    result="uploaded",
)
def test_random_service_calls_never_break_the_rules(steps, fee, result, citizen, agency):
    walk, procedure = _walk_world(citizen, agency, fee, result)
    dossier = make_submitted(citizen, procedure)
    for step in steps:
        before = Dossier.objects.get(pk=dossier.pk)
        action, actor, variant = _resolve(walk, before, step)
        body = BODIES[action][variant]
        expected = _expected(walk, before, action, actor, body)
        event(f"{action}/{variant}: {expected.__name__ if expected else 'done'}")
        events = before.events.count()
        kwargs = body.build(walk, before)
        try:
            after = workflow_services.dossier_run_action(
                actor=actor, dossier_id=dossier.pk, action=action, **kwargs
            )
        except (NotFound, Forbidden, InvalidTransition, InvalidInput) as exc:
            assert type(exc) is expected, (action, variant, exc)
            if isinstance(exc, InvalidInput):
                assert exc.fields, exc  # the 400 names the field at fault
            # Nothing written: neither the status nor the history moved.
            now = Dossier.objects.get(pk=dossier.pk)
            assert (now.status, now.due_at, now.events.count()) == (
                before.status,
                before.due_at,
                events,
            )
        else:
            assert expected is None, (action, variant, expected)
            assert after.events.last().action == action
        now = Dossier.objects.get(pk=dossier.pk)
        assert now.status in DossierStatus.values
        assert now.supplement_count <= 1 and now.apology_count <= 1
        if now.status in TERMINAL_STATUSES:
            # Nothing more can happen to it: the walk goes on with a newly filed dossier.
            dossier = make_submitted(citizen, procedure)
            walk.renewed = False


@pytest.mark.django_db
@pytest.mark.parametrize("new_due_at", [None, "", "ngày mai"])
def test_apologize_without_a_valid_new_date_is_invalid_input(
    submitted, reception, leader, new_due_at
):
    # The seed that broke the walk: an apology with only a note is a 400 naming new_due_at.
    run = workflow_services.dossier_run_action
    received = run(actor=reception, dossier_id=submitted.pk, action="receive")
    data = {} if new_due_at is None else {"new_due_at": new_due_at}
    with pytest.raises(InvalidInput) as exc:
        run(actor=leader, dossier_id=received.pk, action="apologize", note="Lý do", data=data)
    assert set(exc.value.fields) == {"new_due_at"}
    received.refresh_from_db()
    assert received.apology_count == 0 and received.events.last().action == "receive"


# --- concurrency: only one of two conflicting actions wins ----------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_withdraw_and_issue_result_only_one_wins(
    citizen: User, procedure: Procedure, agency: Agency, clerk: User
) -> None:
    # The citizen may withdraw until the result is issued: the two race for the row lock.
    dossier = dossier_in(
        DossierStatus.APPROVED,
        agency=agency,
        citizen=citizen,
        procedure=procedure,
        officials={"clerk": clerk},
    )

    def attempt(actor: User, action: str) -> str:
        try:
            workflow_services.dossier_run_action(actor=actor, dossier_id=dossier.pk, action=action)
        except InvalidTransition:
            return "refused"
        return action

    outcomes = run_at_once(
        partial(attempt, citizen, "withdraw"), partial(attempt, clerk, "issue_result")
    )
    assert sorted(outcomes).count("refused") == 1
    dossier.refresh_from_db()
    winner = next(o for o in outcomes if o != "refused")
    assert dossier.status == {"withdraw": "withdrawn", "issue_result": "result_issued"}[winner]
    assert dossier.events.filter(action__in=["withdraw", "issue_result"]).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(DossierStatus.values))
def test_every_status_is_reachable_through_the_services(status):
    from tests.dossiers.factories import dossier_in

    dossier = dossier_in(status)
    dossier.refresh_from_db()
    assert dossier.status == status


@pytest.mark.django_db
def test_history_and_hand_overs_are_append_only(submitted):
    event = submitted.events.last()
    event.note = "sửa lịch sử"
    with pytest.raises(ValueError, match="DossierEvent is append-only"):
        event.save()
    # A hand-over row is the evidence of Mẫu 05: written once, never changed.
    received = dossier_in(DossierStatus.IN_PROGRESS)
    handover = Handover.objects.filter(dossier=received).first()
    assert handover is not None
    handover.note = "sửa phiếu kiểm soát"
    with pytest.raises(ValueError, match="Handover is append-only"):
        handover.save()
