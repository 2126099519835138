"""The internal process: steps, hand-overs (Mẫu 05 rows), assignment, appraisal, liên thông."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.constants import StaffRoleName
from dossiers import selectors, workflow, workspace
from dossiers.constants import ActorRole, DossierStatus, HandoverOutcome
from dossiers.errors import InvalidTransition
from dossiers.models import Dossier
from dossiers.workflow import process, services
from dvctt import workdays
from dvctt.errors import Forbidden, InvalidInput, NotFound
from procedures.models import ProcessStep
from procedures.services import procedure_publish
from tests.dossiers.conftest import make_submitted
from tests.dossiers.factories import PATHS, dossier_in
from tests.factories import AgencyFactory, CitizenFactory, UnitFactory, make_official
from tests.procedures.factories import ProcedureFactory
from tests.properties import examples

pytestmark = pytest.mark.django_db
run = services.dossier_run_action


@pytest.fixture
def desk(agency):
    """Officials of the four units of the default process, each in their own unit."""
    units = {
        role: UnitFactory(agency=agency, code=code, name=name)
        for role, code, name in [
            (StaffRoleName.RECEPTION, "mot-cua", "Bộ phận Một cửa"),
            (StaffRoleName.SPECIALIST, "chuyen-mon", "Phòng Chuyên môn"),
            (StaffRoleName.LEADER, "lanh-dao", "Ban Lãnh đạo"),
            (StaffRoleName.CLERK, "van-thu", "Văn thư"),
        ]
    }
    people = {
        role: make_official(agency=agency, role=role, unit=unit) for role, unit in units.items()
    }
    people["specialist2"] = make_official(
        agency=agency, role=StaffRoleName.SPECIALIST, unit=units[StaffRoleName.SPECIALIST]
    )
    people["outsider"] = make_official(  # a specialist of another unit of the same agency
        agency=agency,
        role=StaffRoleName.SPECIALIST,
        unit=UnitFactory(agency=agency, code="khac", name="Phòng khác"),
    )
    return people


def test_four_step_path_records_every_handover(citizen, procedure, desk):
    reception, specialist, leader, clerk = (
        desk[r]
        for r in (
            StaffRoleName.RECEPTION,
            StaffRoleName.SPECIALIST,
            StaffRoleName.LEADER,
            StaffRoleName.CLERK,
        )
    )
    d = make_submitted(citizen, procedure)
    d = run(actor=reception, dossier_id=d.pk, action="receive")
    assert (d.current_step, d.current_role, d.current_handler) == (1, "reception", reception)
    assert d.step_due_at is not None and d.step_due_at <= d.due_at
    assert {"forward", "assign"} <= set(workflow.available_actions(d, reception))
    d = run(actor=reception, dossier_id=d.pk, action="forward", to_user=specialist.pk)
    assert (d.current_step, d.current_handler, d.status) == (2, specialist, "in_progress")
    # Once the desk has handed over, reception has no processing actions left on it.
    assert not {"forward", "assign", "send_back", "request_supplement"} & set(
        workflow.available_actions(d, reception)
    )
    with pytest.raises(Forbidden):
        run(actor=reception, dossier_id=d.pk, action="forward")
    # Approval needs a recorded appraisal; the leader is not the step's holder either.
    with pytest.raises(Forbidden):
        run(actor=leader, dossier_id=d.pk, action="approve")
    d = run(actor=leader, dossier_id=d.pk, action="assign", to_user=desk["specialist2"].pk)
    assert d.current_handler == desk["specialist2"]
    with pytest.raises(InvalidInput) as exc:
        run(actor=leader, dossier_id=d.pk, action="assign", to_user=desk["outsider"].pk)
    assert "to_user" in exc.value.fields
    with pytest.raises(InvalidInput) as exc:
        run(actor=specialist, dossier_id=d.pk, action="forward", note="Đủ điều kiện")
    assert "proposal" in exc.value.fields
    with pytest.raises(InvalidInput) as exc:
        run(actor=specialist, dossier_id=d.pk, action="forward", proposal="approve")
    assert "note" in exc.value.fields
    d = run(
        actor=specialist,
        dossier_id=d.pk,
        action="forward",
        proposal="approve",
        note="Đủ điều kiện cấp",
        to_user=leader.pk,
    )
    assert (d.current_step, d.appraisal_proposal, d.appraisal_note) == (
        3,
        "approve",
        "Đủ điều kiện cấp",
    )
    with pytest.raises(InvalidInput) as exc:
        run(actor=leader, dossier_id=d.pk, action="send_back")
    assert "reason" in exc.value.fields
    d = run(actor=leader, dossier_id=d.pk, action="send_back", reason="Xem lại điểm 2")
    assert (d.current_step, d.current_handler, d.appraisal_proposal) == (2, specialist, "")
    assert "approve" not in workflow.available_actions(d, leader)
    d = run(actor=specialist, dossier_id=d.pk, action="forward", proposal="refuse", note="Sai")
    # Approving against the proposal to refuse: the leader's reason is required (Decisions).
    d = run(actor=leader, dossier_id=d.pk, action="approve", reason="Đã đối chiếu, đủ điều kiện")
    assert (d.status, d.current_step, d.current_role) == ("approved", 4, "clerk")
    d = run(actor=clerk, dossier_id=d.pk, action="issue_result")
    if d.payment_due:  # the result waits for the fee (paid online meanwhile)
        services.dossier_settle_fee(dossier_id=d.pk, amount=d.fee_amount, reference="T-4STEP")
    d = run(actor=clerk, dossier_id=d.pk, action="return_result")
    rows = selectors.dossier_handovers(dossier=d)
    assert [(r.action, r.from_step, r.to_step) for r in rows] == [
        ("forward", 1, 2),
        ("forward", 2, 3),
        ("send_back", 3, 2),
        ("forward", 2, 3),
        ("approve", 3, 4),
        ("return_result", 4, None),
    ]
    assert [(r.from_unit, r.to_unit) for r in rows[:2]] == [
        ("Bộ phận Một cửa", "Phòng Chuyên môn"),
        ("Phòng Chuyên môn", "Ban Lãnh đạo"),
    ]
    assert [r.from_user for r in rows] == [reception, specialist, leader, specialist, leader, clerk]
    assert [r.to_user for r in rows] == [specialist, leader, specialist, None, None, citizen]
    assert rows[1].proposal == "approve" and rows[3].proposal == "refuse"
    assert all(r.step_due_at is not None for r in rows)
    # Everything happened at once, well inside each step's time: "Trước hạn" or "Đúng hạn".
    assert {r.outcome for r in rows} <= {HandoverOutcome.EARLY, HandoverOutcome.ON_TIME}
    history = [(e.action, e.data.get("to_user_name")) for e in d.events.all()]
    assert ("forward", specialist.get_full_name()) in history


def test_outcome_of_a_step():
    due = dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.UTC)  # 17:00 in Vietnam
    assert process.outcome_of(due - dt.timedelta(days=2), due) == HandoverOutcome.EARLY
    assert process.outcome_of(due - dt.timedelta(hours=3), due) == HandoverOutcome.ON_TIME
    assert process.outcome_of(due + dt.timedelta(minutes=1), due) == HandoverOutcome.LATE
    assert process.outcome_of(due, None) == ""


def test_forward_to_a_later_step_cannot_skip_approval(citizen, procedure, reception, specialist):
    d = make_submitted(citizen, procedure)
    d = run(actor=reception, dossier_id=d.pk, action="receive")
    with pytest.raises(InvalidInput) as exc:
        run(actor=reception, dossier_id=d.pk, action="forward", to_step=4)
    assert "to_step" in exc.value.fields
    with pytest.raises(InvalidInput):
        run(actor=reception, dossier_id=d.pk, action="forward", to_step=1)
    d.refresh_from_db()
    assert d.current_step == 1 and d.handovers.count() == 0  # nothing written


# --- inter-agency (liên thông) -------------------------------------------------------------


@pytest.fixture
def shared_procedure(agency):
    """Five steps, the third at agency B (NĐ 61/2018 Điều 19.5)."""
    agency_b = AgencyFactory(name="UBND xã B")
    procedure = ProcedureFactory(agencies=[agency], publish=False)
    procedure.steps.filter(role=StaffRoleName.SPECIALIST).update(duration_hours=20)
    ProcessStep.objects.create(
        procedure=procedure,
        position=2,
        name="Xác minh tại xã",
        role=StaffRoleName.SPECIALIST,
        unit_code="tu-phap",
        duration_hours=2,
        agency=agency_b,
    )
    for position, step in enumerate(procedure.steps.order_by("position", "id"), start=1):
        ProcessStep.objects.filter(pk=step.pk).update(position=position)
    procedure_publish(procedure=procedure)
    return procedure, agency_b


def test_inter_agency_path_through_agency_b(citizen, agency, shared_procedure):
    procedure, agency_b = shared_procedure
    reception = make_official(agency=agency, role=StaffRoleName.RECEPTION)
    specialist = make_official(agency=agency, role=StaffRoleName.SPECIALIST)
    leader = make_official(agency=agency, role=StaffRoleName.LEADER)
    b_unit = UnitFactory(agency=agency_b, code="tu-phap", name="Tư pháp xã")
    b_specialist = make_official(agency=agency_b, role=StaffRoleName.SPECIALIST, unit=b_unit)
    b_leader = make_official(agency=agency_b, role=StaffRoleName.LEADER)
    b_reception = make_official(agency=agency_b, role=StaffRoleName.RECEPTION)
    other = AgencyFactory()
    other_specialist = make_official(agency=other, role=StaffRoleName.SPECIALIST)

    d = make_submitted(citizen, procedure)
    d = run(actor=reception, dossier_id=d.pk, action="receive")
    # Agency B has no dossier of A's until it is handed over.
    with pytest.raises(NotFound):
        selectors.dossier_get_for_official(user=b_specialist, dossier_id=d.pk)
    d = run(actor=reception, dossier_id=d.pk, action="forward")
    with pytest.raises(InvalidInput) as exc:
        run(
            actor=specialist,
            dossier_id=d.pk,
            action="forward",
            to_agency=other.code,
            proposal="approve",
            note="Chuyển xã",
        )
    assert "to_agency" in exc.value.fields
    d = run(
        actor=specialist,
        dossier_id=d.pk,
        action="forward",
        to_agency=agency_b.code,
        proposal="approve",
        note="Đề nghị xã xác minh",
    )
    assert (d.current_step, d.handling_agency, d.current_handler) == (3, agency_b, None)
    assert d.step_due_at <= d.due_at
    # B's officials see it in their "Liên thông đến" queue; another agency does not.
    seen = selectors.dossier_get_for_official(user=b_specialist, dossier_id=d.pk)
    assert seen.pk == d.pk
    assert list(workspace.dossiers_for_official_queue(user=b_leader, queue="incoming")) == [d]
    # "All" lists what was filed at B; a search from it also finds what A handed over.
    assert d not in workspace.dossiers_for_official_queue(user=b_leader, queue="all")
    assert list(workspace.dossiers_for_official_queue(user=b_leader, queue="all", q=d.code)) == [d]
    assert workspace.official_queue_counts(user=b_leader)["incoming"] == 1
    with pytest.raises(NotFound):
        selectors.dossier_get_for_official(user=other_specialist, dossier_id=d.pk)
    with pytest.raises(NotFound):
        run(actor=other_specialist, dossier_id=d.pk, action="forward")
    # B does its part only: no stop, no approval, nothing for B's desk.
    assert set(workflow.available_actions(d, b_specialist)) == {"forward", "send_back"}
    assert workflow.available_actions(d, b_reception) == []
    with pytest.raises(Forbidden):
        run(actor=b_specialist, dossier_id=d.pk, action="stop", reason="Không")
    d = run(actor=b_leader, dossier_id=d.pk, action="assign", to_user=b_specialist.pk)
    assert d.current_handler == b_specialist
    d = run(actor=b_specialist, dossier_id=d.pk, action="forward", proposal="approve", note="Xong")
    assert (d.current_step, d.handling_agency, d.current_role) == (4, agency, "leader")
    with pytest.raises(NotFound):  # handed back: B no longer holds it
        run(actor=b_specialist, dossier_id=d.pk, action="send_back", reason="x")
    d = run(actor=leader, dossier_id=d.pk, action="approve")
    rows = selectors.dossier_handovers(dossier=d)
    assert [(r.from_agency, r.to_agency) for r in rows] == [
        (agency, agency),
        (agency, agency_b),
        (agency_b, agency),
        (agency, agency),
    ]
    assert rows[2].from_unit == "Tư pháp xã" and rows[2].note == "Xong"


# --- table-driven: every action × status × role ------------------------------------------

ROLES = ["owner", "reception", "specialist", "leader", "clerk"]
INPUTS = {"reason": "Lý do thử nghiệm", "proposal": "approve"}


def _statuses():
    return [s for s in PATHS if s not in ("draft",)]


@pytest.mark.parametrize("status", _statuses())
def test_every_action_status_role(status, agency):
    citizen = CitizenFactory()
    officials = {role: make_official(agency=agency, role=StaffRoleName(role)) for role in ROLES[1:]}
    dossier = dossier_in(status, agency=agency, citizen=citizen, officials=officials)
    actors = {"owner": citizen, **officials}
    outcomes = {}
    for action, spec in workflow.ACTIONS.items():
        if action == "submit":
            continue
        for role in ROLES:
            fresh = Dossier.objects.get(pk=dossier.pk)
            roles = workflow.actor_roles(fresh, actors[role])
            expected = (
                "403"
                if not workflow.roles_may_fire(fresh, action, roles)
                else "409"
                if not workflow.is_legal_now(fresh, action)
                else "ok"
            )
            # The declaration itself: a role outside the action's roles is never allowed.
            if ActorRole(role) not in spec.roles:
                assert expected == "403"
            inputs = dict(INPUTS)
            if action == "assign" and fresh.current_role:
                inputs["to_user"] = actors.get(fresh.current_role, citizen).pk
            if action == "apologize" and fresh.due_at:
                # Mẫu 04: a new date one working day later, inside working hours.
                later = workdays.add_working_hours(fresh.due_at, workdays.hours_per_day())
                inputs["data"] = {"new_due_at": later.isoformat()}
            got = "ok"
            try:
                with transaction.atomic():
                    after = run(actor=actors[role], dossier_id=dossier.pk, action=action, **inputs)
                    assert after.events.last().action == action
                    raise _Rollback
            except _Rollback:
                pass
            except Forbidden:
                got = "403"
            except InvalidTransition:
                got = "409"
            except InvalidInput:
                got = "400"
            # Only an apology without a due date to move (not received yet) is a bad body.
            if got == "400":
                assert (action, fresh.due_at) == ("apologize", None), (status, role)
                got = expected
            assert got == expected, (status, action, role)
            outcomes[(action, role)] = got
    assert Dossier.objects.get(pk=dossier.pk).status == status
    allowed = {key for key, value in outcomes.items() if value == "ok"}
    # A few facts written out by hand, so the table is not only checked against itself.
    if status == DossierStatus.SUBMITTED:
        assert ("receive", "reception") in allowed and ("withdraw", "owner") in allowed
    if status == DossierStatus.IN_PROGRESS:  # handed over to the specialist's step
        assert ("forward", "specialist") in allowed and ("assign", "leader") in allowed
        assert ("forward", "reception") not in allowed and ("approve", "leader") not in allowed
    if status == DossierStatus.APPROVED:
        assert allowed >= {("issue_result", "clerk"), ("send_back", "clerk")}
    if status in (DossierStatus.RETURNED, DossierStatus.REJECTED, DossierStatus.WITHDRAWN):
        assert allowed == set()


class _Rollback(Exception):
    pass


# --- Hypothesis: random hand-overs; replaying the history gives the current state ----------


def _replay(dossier: Dossier) -> tuple[str, int | None, int | None]:
    status, step, handler = "", None, None
    for event in dossier.events.order_by("at", "id"):
        if event.to_status:
            status = event.to_status
        if event.action == "receive":
            step, handler = 1, event.actor_id
        elif event.action in ("forward", "send_back", "approve") and "to_step" in event.data:
            if event.data["to_step"] is not None:
                step = event.data["to_step"]
                handler = event.data.get("to_user")
        elif event.action == "assign":
            handler = event.data.get("to_user")
        elif event.action == "return_result":
            handler = None
    return status, step, handler


@settings(max_examples=examples(20), deadline=None, suppress_health_check=list(HealthCheck))
@given(
    moves=st.lists(
        st.tuples(
            st.sampled_from(
                ["forward", "send_back", "assign", "approve", "issue_result", "return_result"]
            ),
            st.sampled_from(ROLES[1:]),
            st.booleans(),
        ),
        max_size=14,
    )
)
def test_random_handovers_replay_to_the_current_state(moves, agency, procedure):
    citizen = CitizenFactory()
    officials = {role: make_official(agency=agency, role=StaffRoleName(role)) for role in ROLES[1:]}
    dossier = dossier_in(
        DossierStatus.RECEIVED,
        agency=agency,
        citizen=citizen,
        procedure=procedure,
        officials=officials,
    )
    for action, role, named in moves:
        current = Dossier.objects.get(pk=dossier.pk)
        target = current.current_step or 1
        target_role = process.step_at(current, min(target + 1, 4))["role"]
        to_user = officials[current.current_role or "reception"].pk
        if action == "forward" and named:
            to_user = officials[target_role].pk
        inputs = {"reason": "Lý do", "proposal": "approve", "to_user": to_user if named else None}
        if action == "assign":
            inputs["to_user"] = to_user
        actor = officials[role]
        # Every body here is valid: the service may refuse only the role (403) or the
        # status (409), and exactly when the workflow says so; an InvalidInput is a failure.
        if not workflow.roles_may_fire(current, action, workflow.actor_roles(current, actor)):
            expected: type | None = Forbidden
        elif not workflow.is_legal_now(current, action):
            expected = InvalidTransition
        else:
            expected = None
        try:
            run(actor=actor, dossier_id=dossier.pk, action=action, **inputs)
        except (Forbidden, InvalidTransition) as exc:
            assert type(exc) is expected, (action, role, exc)
        else:
            assert expected is None, (action, role, expected)
        now = Dossier.objects.get(pk=dossier.pk)
        assert _replay(now) == (now.status, now.current_step, now.current_handler_id)
        # Every step change is one hand-over row, and the rows chain up.
        rows = list(now.handovers.exclude(action="return_result").order_by("at", "id"))
        chain = [1] + [r.to_step for r in rows]
        assert all(r.from_step == chain[i] for i, r in enumerate(rows))
        assert chain[-1] == now.current_step
        if now.status == DossierStatus.APPROVED:
            assert now.appraisal_proposal
