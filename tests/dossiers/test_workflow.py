"""The one state machine: declared graph, roles, guards, concurrency and Hypothesis walks."""

from __future__ import annotations

import datetime as dt
from functools import partial
from io import StringIO

import pytest
from django.core.management import call_command
from django_fsm import TransitionNotAllowed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from accounts.models import Agency, User
from dossiers import deadlines, services, workflow
from dossiers.constants import (
    CLOCK_RUNNING_STATUSES,
    TERMINAL_STATUSES,
    WAITING_STATUSES,
    ActorRole,
    DossierStatus,
)
from dossiers.errors import InvalidTransition
from dossiers.models import Dossier, Handover
from dvctt.errors import Forbidden, InvalidInput
from procedures.models import Procedure, ProcedureVersion
from tests.concurrency import run_at_once
from tests.dossiers.conftest import make_submitted
from tests.dossiers.factories import dossier_in

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


DossierMachine.TestCase.settings = settings(max_examples=200, stateful_step_count=40, deadline=None)
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
        services.dossier_run_action(actor=leader, dossier_id=submitted.pk, action="receive")
    with pytest.raises(InvalidTransition) as exc:
        services.dossier_run_action(
            actor=reception, dossier_id=submitted.pk, action="return_result"
        )
    assert exc.value.code == "invalid_transition"
    with pytest.raises(InvalidInput):
        services.dossier_run_action(actor=reception, dossier_id=submitted.pk, action="reject")
    submitted.refresh_from_db()
    assert submitted.status == DossierStatus.SUBMITTED


@pytest.mark.django_db
def test_full_happy_path_and_supplement_restart(
    submitted, citizen, reception, specialist, leader, clerk
):
    run = services.dossier_run_action
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
    services.dossier_settle_fee(dossier_id=d.pk, amount=d.fee_amount, reference="TEST1")
    d = run(actor=clerk, dossier_id=d.pk, action="return_result")
    assert d.status == DossierStatus.RETURNED and d.completed_at
    assert list(d.events.values_list("action", flat=True)) == [
        "create", "submit", "receive", "forward", "assign", "request_supplement", "supplement",
        "forward", "approve", "issue_result", "confirm_payment", "return_result",
    ]  # fmt: skip


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(sorted(workflow.ACTIONS)), st.integers(0, 4)), max_size=12
    )
)
def test_random_service_calls_never_break_the_rules(steps, citizen, procedure, agency):
    from accounts.constants import StaffRoleName
    from tests.factories import make_official

    actors = [citizen] + [
        make_official(agency=agency, role=role)
        for role in (
            StaffRoleName.RECEPTION,
            StaffRoleName.SPECIALIST,
            StaffRoleName.LEADER,
            StaffRoleName.CLERK,
        )
    ]
    dossier = make_submitted(citizen, procedure)
    for action, who in steps:
        actor = actors[who]
        before = Dossier.objects.get(pk=dossier.pk)
        roles = workflow.actor_roles(before, actor)
        legal = action != "submit" and workflow.is_legal_now(before, action)
        allowed = bool(workflow.ACTIONS[action].roles & roles)
        try:
            after = services.dossier_run_action(
                actor=actor, dossier_id=dossier.pk, action=action, note="Lý do"
            )
        except Forbidden:
            assert not allowed
        except InvalidTransition:
            assert allowed and not legal
        except Exception as exc:
            assert action == "submit", exc
        else:
            assert allowed and legal
            assert after.events.last().action == action
        now = Dossier.objects.get(pk=dossier.pk)
        assert now.status in DossierStatus.values
        assert now.supplement_count <= 1 and now.apology_count <= 1


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
            services.dossier_run_action(actor=actor, dossier_id=dossier.pk, action=action)
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
