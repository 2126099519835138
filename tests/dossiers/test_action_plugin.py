"""A workflow action is a plug-in (issue 19.2): one ActionSpec — inputs, check, body, message —
registered from its own module runs end to end through the service, the API and the page."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.constants import StaffRoleName
from dossiers import workflow
from dossiers.constants import DossierStatus
from dossiers.models import Dossier, DossierEvent
from dossiers.papers.documents import control_slip_rows
from dossiers.workflow import services
from dvctt.errors import InvalidInput, NotFound
from notifications.models import Notification
from tests.dossiers import fake_action
from tests.dossiers.factories import dossier_in
from tests.factories import AgencyFactory, make_official

pytestmark = pytest.mark.django_db


@pytest.fixture
def call_action(settings, tmp_path):
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}]
    fake_action.install(tmp_path)
    yield fake_action.SPEC
    fake_action.uninstall()


@pytest.fixture
def received():
    agency = AgencyFactory()
    desk = make_official(agency=agency, role=StaffRoleName.RECEPTION)
    dossier = dossier_in(DossierStatus.RECEIVED, agency=agency, officials={"reception": desk})
    assert dossier.current_handler == desk  # the desk holds the dossier after reception
    return dossier, desk


@pytest.fixture
def specialist(received):
    return make_official(agency=received[0].agency, role=StaffRoleName.SPECIALIST)


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_registered_action_runs_through_the_service(call_action, received, specialist):
    dossier, _desk = received
    assert fake_action.NAME in workflow.available_actions(dossier, specialist)
    assert fake_action.NAME in workflow.graph_dot()
    sent_before = Notification.objects.filter(recipient=dossier.applicant).count()

    done = services.dossier_run_action(
        actor=specialist,
        dossier_id=dossier.pk,
        action=fake_action.NAME,
        note="Đã hẹn nộp bản gốc",
        data={"called_on": "01/12/2026"},
    )

    assert done.status == DossierStatus.RECEIVED  # target None: the status stays
    assert done.current_handler == specialist  # its body: the caller takes the dossier
    event = done.events.order_by("-at", "-id").first()
    assert (event.action, event.note) == (fake_action.NAME, "Đã hẹn nộp bản gốc")
    assert event.data["called_on"] == "2026-12-01"  # its check read the input
    # Its notification: the status did not change, so only the spec's message is sent.
    told = Notification.objects.filter(recipient=dossier.applicant).order_by("-id")
    assert told.count() > sent_before
    assert told.first().template == "status_changed"
    assert fake_action.NAME in told.first().key
    # Its row on the control slip (Mẫu 05), named by its label.
    rows = control_slip_rows(Dossier.objects.get(pk=dossier.pk))
    assert [r["action"] for r in rows][-1] == fake_action.LABEL


def test_a_bad_input_is_refused_by_its_check_and_writes_nothing(call_action, received, specialist):
    dossier, desk = received
    events = DossierEvent.objects.filter(dossier=dossier).count()
    for bad in ("mai", "01/01/2099"):
        with pytest.raises(InvalidInput) as refused:
            services.dossier_run_action(
                actor=specialist,
                dossier_id=dossier.pk,
                action=fake_action.NAME,
                data={"called_on": bad},
            )
        assert "called_on" in refused.value.fields
    assert DossierEvent.objects.filter(dossier=dossier).count() == events
    assert Dossier.objects.get(pk=dossier.pk).current_handler == desk


def test_the_registered_action_runs_through_the_api(call_action, received):
    dossier, desk = received
    url = f"/api/v1/dossiers/{dossier.pk}/actions/{fake_action.NAME}/"

    bad = _api(desk).post(url, {"called_on": "32/13/2026"}, format="json")
    assert bad.status_code == 400, bad.content
    assert bad.json()["code"] == "invalid" and "called_on" in bad.json()["fields"]

    r = _api(desk).post(url, {"called_on": "01/12/2026", "note": "Gọi lúc 9 giờ"}, format="json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == DossierStatus.RECEIVED
    assert body["events"][-1]["action"] == fake_action.NAME
    assert body["events"][-1]["note"] == "Gọi lúc 9 giờ"

    # The owner holds no role the spec names: 403 with the usual body.
    owner = _api(dossier.applicant).post(url, {"called_on": "01/12/2026"}, format="json")
    assert owner.status_code == 403 and owner.json()["code"] == "permission_denied"


def test_the_officials_page_asks_for_its_input_and_runs_it(call_action, received, client):
    dossier, desk = received
    client.force_login(desk)
    page = client.get(f"/can-bo/ho-so/{dossier.pk}/").content.decode()
    assert f"/can-bo/ho-so/{dossier.pk}/thao-tac/{fake_action.NAME}/" in page
    assert fake_action.LABEL in page and 'name="called_on"' in page  # its fragment

    r = client.post(
        f"/can-bo/ho-so/{dossier.pk}/thao-tac/{fake_action.NAME}/",
        {"called_on": "01/12/2026", "confirm": "on"},
    )
    assert r.status_code == 302
    event = DossierEvent.objects.filter(dossier=dossier).order_by("-at", "-id").first()
    assert event.action == fake_action.NAME and event.data["called_on"] == "2026-12-01"
    assert "confirm" not in event.data
    history = client.get(f"/can-bo/ho-so/{dossier.pk}/").content.decode()
    assert fake_action.LABEL in history  # the timeline names it by its spec's label


def test_an_unregistered_action_is_gone(received):
    dossier, desk = received
    assert fake_action.NAME not in workflow.ACTIONS
    assert not hasattr(Dossier, fake_action.NAME)
    with pytest.raises(NotFound):
        services.dossier_run_action(actor=desk, dossier_id=dossier.pk, action=fake_action.NAME)
    r = _api(desk).post(f"/api/v1/dossiers/{dossier.pk}/actions/{fake_action.NAME}/", {})
    assert r.status_code == 404 and r.json()["code"] == "not_found"
