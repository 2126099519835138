"""Agency boundaries in inter-agency work (liên thông, NĐ 61/2018 Điều 19.5–19.7).

While agency B holds the dossier for its step, only B acts on it; the filing (lead) agency A
sees it and waits (docs/domain.md "Desk realities"). B's "Sắp đến hạn" / "Quá hạn" count it, A's
do not. The forward form offers only the steps the rules allow, each with its own officials.
"""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.constants import StaffRoleName
from dossiers import selectors, workflow, workspace
from dossiers.models import Dossier
from dossiers.workflow import process, services
from dvctt.errors import Forbidden, InvalidInput, NotFound
from procedures.models import ProcessStep
from procedures.services import procedure_publish
from tests.dossiers.conftest import make_submitted
from tests.factories import AgencyFactory, UnitFactory, make_official
from tests.procedures.factories import ProcedureFactory

pytestmark = pytest.mark.django_db
run = services.dossier_run_action
R = StaffRoleName
ROLES = (R.RECEPTION, R.SPECIALIST, R.LEADER, R.CLERK)


@pytest.fixture
def lt(agency):
    """Five steps: A's desk, A's specialist, B's specialist (Tư pháp xã), A's leader, A's clerk."""
    agency_b = AgencyFactory(name="UBND xã B")
    procedure = ProcedureFactory(agencies=[agency], publish=False)
    ProcessStep.objects.create(
        procedure=procedure,
        position=2,
        name="Xác minh tại xã",
        role=R.SPECIALIST,
        unit_code="tu-phap",
        duration_hours=4,
        agency=agency_b,
    )
    for position, step in enumerate(procedure.steps.order_by("position", "id"), start=1):
        ProcessStep.objects.filter(pk=step.pk).update(position=position)
    procedure_publish(procedure=procedure)
    a = {role: make_official(agency=agency, role=role) for role in ROLES}
    b_unit = UnitFactory(agency=agency_b, code="tu-phap", name="Tư pháp xã")
    b = {role: make_official(agency=agency_b, role=role) for role in (R.RECEPTION, R.LEADER)}
    b[R.SPECIALIST] = make_official(agency=agency_b, role=R.SPECIALIST, unit=b_unit)
    b["specialist2"] = make_official(agency=agency_b, role=R.SPECIALIST, unit=b_unit)
    return SimpleNamespace(procedure=procedure, agency=agency, agency_b=agency_b, a=a, b=b)


def _at_step_2(citizen, lt) -> Dossier:
    d = make_submitted(citizen, lt.procedure)
    run(actor=lt.a[R.RECEPTION], dossier_id=d.pk, action="receive")
    return run(actor=lt.a[R.RECEPTION], dossier_id=d.pk, action="forward")


def _at_b(citizen, lt) -> Dossier:
    d = _at_step_2(citizen, lt)
    return run(
        actor=lt.a[R.SPECIALIST],
        dossier_id=d.pk,
        action="forward",
        to_agency=lt.agency_b.code,
        proposal="approve",
        note="Đề nghị xã xác minh",
    )


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


BODY = {
    "reason": "Lý do",
    "note": "Ghi chú",
    "proposal": "approve",
    "new_due_at": "2030-01-07T09:00+07:00",
    "amount": "50000",
}


def test_lead_agency_sees_and_waits_while_agency_b_holds_the_step(citizen, lt):
    d = _at_b(citizen, lt)
    assert (d.current_step, d.handling_agency) == (3, lt.agency_b)
    events = d.events.count()
    for role, official in lt.a.items():
        # A still sees the dossier (detail 200) but is offered nothing ...
        fresh = selectors.dossier_get_for_official(user=official, dossier_id=d.pk)
        assert workflow.available_actions(fresh, official) == [], role
        assert workflow.WAITING in workflow.actor_roles(fresh, official)
        r = api(official).get(f"/api/v1/dossiers/{d.pk}/")
        assert r.status_code == 200 and r.json()["available_actions"] == [], role
        # ... and every action is refused as not theirs (403), whatever the body.
        for action in workflow.ACTIONS:
            if action == "submit":
                continue
            body = dict(BODY, to_user=lt.b["specialist2"].pk)
            r = api(official).post(
                f"/api/v1/dossiers/{d.pk}/actions/{action}/", body, format="json"
            )
            assert r.status_code == 403, (role, action, r.content)
            assert r.json()["code"] == "permission_denied"
        with pytest.raises(Forbidden):
            run(actor=official, dossier_id=d.pk, action="forward", proposal="approve", note="x")
    d.refresh_from_db()
    assert (d.current_step, d.handling_agency, d.status) == (3, lt.agency_b, "in_progress")
    assert d.events.count() == events  # nothing written by any refused action


def test_agency_b_acts_on_its_step_and_leaders_assign_only_their_own_staff(citizen, lt):
    d = _at_b(citizen, lt)
    b_leader, b_specialist = lt.b[R.LEADER], lt.b["specialist2"]
    assert set(workflow.available_actions(d, b_leader)) == {"assign"}
    # B's leader cannot give B's step to A's specialist; A's leader cannot assign at all.
    r = api(b_leader).post(
        f"/api/v1/dossiers/{d.pk}/actions/assign/",
        {"to_user": lt.a[R.SPECIALIST].pk},
        format="json",
    )
    assert r.status_code == 400 and "to_user" in r.json()["fields"]
    r = api(lt.a[R.LEADER]).post(
        f"/api/v1/dossiers/{d.pk}/actions/assign/", {"to_user": b_specialist.pk}, format="json"
    )
    assert r.status_code == 403
    r = api(b_leader).post(
        f"/api/v1/dossiers/{d.pk}/actions/assign/", {"to_user": b_specialist.pk}, format="json"
    )
    assert r.status_code == 200 and r.json()["current_handler"]["id"] == b_specialist.pk
    r = api(b_specialist).get(f"/api/v1/dossiers/{d.pk}/")
    assert set(r.json()["available_actions"]) == {"forward", "send_back"}
    r = api(b_specialist).post(
        f"/api/v1/dossiers/{d.pk}/actions/forward/",
        {"proposal": "approve", "note": "Đã xác minh"},
        format="json",
    )
    assert r.status_code == 200, r.content
    d.refresh_from_db()
    assert (d.current_step, d.handling_agency) == (4, lt.agency)
    # Back at A: A's leader acts again; B no longer sees it, let alone assigns.
    assert "approve" in workflow.available_actions(d, lt.a[R.LEADER])
    with pytest.raises(NotFound):
        run(actor=b_leader, dossier_id=d.pk, action="assign", to_user=b_specialist.pk)


def test_a_leader_cannot_give_a_step_of_a_to_b_staff(citizen, lt):
    d = _at_step_2(citizen, lt)
    with pytest.raises(InvalidInput) as exc:
        run(actor=lt.a[R.LEADER], dossier_id=d.pk, action="assign", to_user=lt.b["specialist2"].pk)
    assert "to_user" in exc.value.fields
    # Nor name B's official as the receiver of an A step when forwarding.
    with pytest.raises(InvalidInput) as exc:
        run(
            actor=lt.a[R.SPECIALIST],
            dossier_id=d.pk,
            action="forward",
            to_step=4,
            to_user=lt.b[R.LEADER].pk,
            proposal="approve",
            note="Đủ",
        )
    assert "to_user" in exc.value.fields


def test_due_soon_and_overdue_count_the_dossier_at_the_agency_holding_it(citizen, lt):
    at_b = _at_b(citizen, lt)
    soon_at_b = _at_b(citizen, lt)
    at_a = _at_step_2(citizen, lt)
    now = timezone.now()
    Dossier.objects.filter(pk__in=[at_b.pk, at_a.pk]).update(due_at=now - dt.timedelta(days=1))
    Dossier.objects.filter(pk=soon_at_b.pk).update(due_at=now + dt.timedelta(minutes=30))

    def queue(user, name):
        return {d.pk for d in workspace.dossiers_for_official_queue(user=user, queue=name)}

    b_leader, a_leader = lt.b[R.LEADER], lt.a[R.LEADER]
    assert queue(b_leader, "overdue") == {at_b.pk}
    assert queue(b_leader, "due_soon") == {soon_at_b.pk}
    # A waits on those two: its lists hold only what is at its own steps (no double count) ...
    assert queue(a_leader, "overdue") == {at_a.pk}
    assert queue(a_leader, "due_soon") == set()
    # ... while "Tất cả" still shows A everything it filed, the ones at B included.
    assert {at_b.pk, soon_at_b.pk, at_a.pk} <= queue(a_leader, "all")
    b_counts = workspace.official_queue_counts(user=b_leader)
    a_counts = workspace.official_queue_counts(user=a_leader)
    assert (b_counts["overdue"], b_counts["due_soon"], b_counts["incoming"]) == (1, 1, 2)
    assert (a_counts["overdue"], a_counts["due_soon"]) == (1, 0)


def test_forward_offers_only_allowed_steps_each_with_its_officials(citizen, lt):
    d = make_submitted(citizen, lt.procedure)
    d = run(actor=lt.a[R.RECEPTION], dossier_id=d.pk, action="receive")
    # From the desk: A's specialist or straight to B's step — not the leader's, which waits
    # for an appraisal, nor anything past it.
    assert process.forward_targets(d) == [2, 3]
    with pytest.raises(InvalidInput) as exc:
        run(actor=lt.a[R.RECEPTION], dossier_id=d.pk, action="forward", to_step=4)
    assert "to_step" in exc.value.fields
    d = run(actor=lt.a[R.RECEPTION], dossier_id=d.pk, action="forward")
    # From the appraisal: B's step or the leader's, never past the leader (the clerk's).
    choices = process.forward_choices(d)
    assert [c["number"] for c in choices] == [3, 4]
    assert choices[0]["agency"] == "UBND xã B" and choices[1]["agency"] == ""
    assert set(choices[0]["officials"]) == {lt.b[R.SPECIALIST], lt.b["specialist2"]}
    assert choices[1]["officials"] == [lt.a[R.LEADER]]
    with pytest.raises(InvalidInput) as exc:
        run(
            actor=lt.a[R.SPECIALIST],
            dossier_id=d.pk,
            action="forward",
            to_step=5,
            proposal="approve",
            note="Đủ",
        )
    assert "to_step" in exc.value.fields


def test_forward_form_groups_receivers_by_step_and_waiting_page_has_no_forms(client, citizen, lt):
    d = _at_step_2(citizen, lt)
    client.force_login(lt.a[R.SPECIALIST])
    html = client.get(f"/can-bo/ho-so/{d.pk}/").content.decode()
    steps = re.search(
        r'<select id="to-step-forward" name="to_step"[^>]*>(.*?)</select>', html, re.S
    )
    assert steps is not None
    assert re.findall(r'<option value="(\d+)">', steps.group(1)) == ["3", "4"]
    users = re.search(
        r'<select id="to-user-forward" name="to_user"[^>]*>(.*?)</select>', html, re.S
    )
    assert users is not None
    groups = dict(
        re.findall(
            r'<optgroup label="[^"]*" data-step="(\d+)">(.*?)</optgroup>', users.group(1), re.S
        )
    )
    assert set(groups) == {"3", "4"}
    assert f'value="{lt.b["specialist2"].pk}"' in groups["3"]
    assert f'value="{lt.a[R.LEADER].pk}"' not in groups["3"]
    assert f'value="{lt.a[R.LEADER].pk}"' in groups["4"]
    assert f'value="{lt.b["specialist2"].pk}"' not in groups["4"]
    assert "js/handover.js" in html
    # Without JavaScript a receiver from the wrong group is refused, naming the field.
    response = client.post(
        f"/can-bo/ho-so/{d.pk}/thao-tac/forward/",
        {
            "to_step": "4",
            "to_user": str(lt.b["specialist2"].pk),
            "proposal": "approve",
            "note": "Đủ",
            "confirm": "on",
        },
        follow=True,
    )
    assert "Chỉ chọn được cán bộ của đơn vị thực hiện bước xử lý này." in response.content.decode()
    d.refresh_from_db()
    assert d.current_step == 2
    d = _at_b(citizen, lt)
    client.force_login(lt.a[R.LEADER])
    html = client.get(f"/can-bo/ho-so/{d.pk}/").content.decode()
    assert "Đang chờ cơ quan phối hợp" in html and "UBND xã B" in html
    assert "/thao-tac/" not in html and 'class="action-form"' not in html
    client.force_login(lt.b["specialist2"])
    html = client.get(f"/can-bo/ho-so/{d.pk}/").content.decode()
    assert "Đang chờ cơ quan phối hợp" not in html and "/thao-tac/forward/" in html


def test_daily_digest_tells_the_agency_holding_the_dossier(citizen, lt):
    from dossiers.workspace import reminders
    from notifications.models import Notification

    at_b = _at_b(citizen, lt)
    Dossier.objects.filter(pk=at_b.pk).update(due_at=timezone.now() - dt.timedelta(hours=2))
    reminders.officials_daily_digest()
    b_digest = Notification.objects.get(recipient=lt.b[R.LEADER], channel="in_app")
    assert at_b.code in b_digest.body
    # A waits on B: its officials are not told to hurry a dossier they cannot act on.
    assert not Notification.objects.filter(
        recipient__in=lt.a.values(), key__startswith="reminder:digest"
    ).exists()
