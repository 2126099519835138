"""REST API v1 for dossiers exactly as docs/api.md §4."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from dossiers.filing import services
from dossiers.models import Dossier
from tests.dossiers.conftest import PDF, make_submitted, required_components, upload
from tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def assert_error(response, status: int, code: str):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code
    return body


def test_full_flow_create_patch_attach_submit(citizen, procedure):
    api = client_for(citizen)
    r = api.post("/api/v1/dossiers/", {"procedure": procedure.code}, format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "draft" and body["id"] and body["code"] is None
    assert body["available_actions"] == ["submit"]
    dossier_id = body["id"]

    r = api.patch(f"/api/v1/dossiers/{dossier_id}/", {"form_data": {}}, format="json")
    assert r.status_code == 200 and "ho_ten" in r.json()["form_errors"]
    r = api.patch(
        f"/api/v1/dossiers/{dossier_id}/", {"form_data": {"ho_ten": "Lê Văn C"}}, format="json"
    )
    assert r.json()["form_errors"] == {} and r.json()["form_data"] == {"ho_ten": "Lê Văn C"}

    r = api.post(f"/api/v1/dossiers/{dossier_id}/submit/")
    body = assert_error(r, 400, "invalid")
    assert "attachments" in body["fields"]

    dossier = Dossier.objects.get(pk=dossier_id)
    for component in required_components(dossier):
        r = api.post(
            f"/api/v1/dossiers/{dossier_id}/attachments/",
            {"component": component["id"], "file": upload()},
            format="multipart",
        )
        assert r.status_code == 201, r.content
        assert r.json()["content_type"] == "application/pdf"

    r = api.post(f"/api/v1/dossiers/{dossier_id}/submit/")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "submitted" and body["code"].startswith(procedure.agencies.get().code)
    assert body["payments"] == [] and body["available_actions"] == ["withdraw"]
    assert [e["action"] for e in body["events"]] == ["create", "submit"]
    assert set(body["events"][0]) == {
        "action",
        "from_status",
        "to_status",
        "actor_name",
        "at",
        "note",
    }

    r = api.get(f"/api/v1/dossiers/{dossier_id}/")
    for key in ("code", "status", "procedure", "agency", "received_at", "due_at", "events"):
        assert key in r.json()


def test_create_and_submit_answer_what_the_detail_shows(
    citizen, procedure, django_assert_num_queries
):
    # Create and submit answer from the instance the service wrote (no second read of the
    # dossier's row, issue 24): the body must equal what GET shows right after.
    api = client_for(citizen)
    with django_assert_num_queries(13):
        created = api.post(
            "/api/v1/dossiers/",
            {"procedure": procedure.code, "form_data": {"ho_ten": "Lê Văn C"}},
            format="json",
        )
    assert created.status_code == 201, created.content
    dossier_id = created.json()["id"]
    assert created.json() == api.get(f"/api/v1/dossiers/{dossier_id}/").json()
    for component in required_components(Dossier.objects.get(pk=dossier_id)):
        with CaptureQueriesContext(connection) as attach_queries:
            attached = api.post(
                f"/api/v1/dossiers/{dossier_id}/attachments/",
                {"component": component["id"], "file": upload()},
                format="multipart",
            )
        assert attached.status_code == 201, attached.content
        # The row the access gate read is locked again on its own: no second join of its
        # procedure, version and agency.
        locks = [q["sql"] for q in attach_queries if "FOR UPDATE" in q["sql"]]
        assert len(locks) == 1 and " JOIN " not in locks[0]
    with django_assert_num_queries(22):
        submitted = api.post(f"/api/v1/dossiers/{dossier_id}/submit/")
    assert submitted.status_code == 200, submitted.content
    shown = api.get(f"/api/v1/dossiers/{dossier_id}/").json()
    assert submitted.json() == shown
    assert shown["code"] and len(shown["attachments"]) >= 1 and len(shown["events"]) == 2


def test_create_validation_errors(citizen, procedure):
    api = client_for(citizen)
    body = assert_error(api.post("/api/v1/dossiers/", {}, format="json"), 400, "invalid")
    assert "procedure" in body["fields"]
    body = assert_error(
        api.post("/api/v1/dossiers/", {"procedure": "0.000000"}, format="json"), 400, "invalid"
    )
    assert "procedure" in body["fields"]
    assert_error(
        api.post(
            "/api/v1/dossiers/", {"procedure": procedure.code, "form_data": [1]}, format="json"
        ),
        400,
        "invalid",
    )
    assert not Dossier.objects.exists()


def test_anonymous_and_officials(procedure, official):
    assert_error(
        APIClient().post("/api/v1/dossiers/", {"procedure": procedure.code}, format="json"),
        403,
        "not_authenticated",
    )
    assert_error(
        client_for(official).post(
            "/api/v1/dossiers/", {"procedure": procedure.code}, format="json"
        ),
        403,
        "permission_denied",
    )


def test_another_citizen_gets_404_everywhere(submitted, citizen):
    stranger = client_for(CitizenFactory())
    base = f"/api/v1/dossiers/{submitted.pk}"
    assert_error(stranger.get(f"{base}/"), 404, "not_found")
    assert_error(stranger.patch(f"{base}/", {"form_data": {}}, format="json"), 404, "not_found")
    assert_error(
        stranger.post(f"{base}/attachments/", {"component": 1, "file": upload()}), 404, "not_found"
    )
    assert_error(stranger.post(f"{base}/submit/"), 404, "not_found")
    assert_error(stranger.post(f"{base}/actions/withdraw/", {}), 404, "not_found")
    assert stranger.get("/api/v1/dossiers/").json()["count"] == 0


def test_actions_withdraw_conflict_and_role(submitted, citizen, reception, leader):
    owner = client_for(citizen)
    assert_error(
        client_for(leader).post(f"/api/v1/dossiers/{submitted.pk}/actions/receive/", {}),
        403,
        "permission_denied",
    )
    assert_error(
        owner.post(f"/api/v1/dossiers/{submitted.pk}/actions/approve/", {}),
        403,
        "permission_denied",
    )
    r = owner.post(f"/api/v1/dossiers/{submitted.pk}/actions/withdraw/", {"note": "Nhầm"})
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    assert r.json()["available_actions"] == []
    assert_error(
        owner.post(f"/api/v1/dossiers/{submitted.pk}/actions/withdraw/", {}),
        409,
        "invalid_transition",
    )
    assert_error(owner.post(f"/api/v1/dossiers/{submitted.pk}/actions/fly/", {}), 404, "not_found")
    r = client_for(reception).get(f"/api/v1/dossiers/{submitted.pk}/")
    assert r.status_code == 200 and r.json()["available_actions"] == []


def test_officials_see_their_agency_only(submitted, reception, citizen, procedure):
    from tests.factories import AgencyFactory, make_official

    outsider = make_official(agency=AgencyFactory())
    assert_error(client_for(outsider).get(f"/api/v1/dossiers/{submitted.pk}/"), 404, "not_found")
    assert client_for(outsider).get("/api/v1/dossiers/").json()["count"] == 0
    services.dossier_create_draft(actor=citizen, procedure_code=procedure.code)  # a draft
    listing = client_for(reception).get("/api/v1/dossiers/").json()
    assert [d["id"] for d in listing["results"]] == [str(submitted.pk)]


def test_list_filters_and_pinned_query_count(citizen, procedure, django_assert_num_queries):
    api = client_for(citizen)
    for _ in range(3):
        make_submitted(citizen, procedure)
    services.dossier_create_draft(actor=citizen, procedure_code=procedure.code)
    with django_assert_num_queries(2):  # count + one page with procedure and agency joined
        body = api.get("/api/v1/dossiers/").json()
    assert body["count"] == 4 and set(body) == {"count", "next", "previous", "results"}
    assert api.get("/api/v1/dossiers/?status=draft").json()["count"] == 1
    assert api.get(f"/api/v1/dossiers/?procedure={procedure.code}").json()["count"] == 4
    assert api.get("/api/v1/dossiers/?overdue=true").json()["count"] == 0
    assert_error(api.get("/api/v1/dossiers/?status=nonsense"), 400, "invalid")
    for _ in range(5):
        make_submitted(citizen, procedure)
    with django_assert_num_queries(2):
        assert len(api.get("/api/v1/dossiers/").json()["results"]) == 9


def test_hostile_upload_through_api(citizen, procedure):
    api = client_for(citizen)
    dossier_id = api.post("/api/v1/dossiers/", {"procedure": procedure.code}, format="json").json()[
        "id"
    ]
    component = required_components(Dossier.objects.get(pk=dossier_id))[0]
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = api.post(
        f"/api/v1/dossiers/{dossier_id}/attachments/",
        {"component": component["id"], "file": SimpleUploadedFile("x.pdf", b"MZ" + PDF)},
        format="multipart",
    )
    body = assert_error(r, 400, "invalid")
    assert "Chỉ nhận tệp PDF" in body["message"]


def test_tracking_api_no_personal_data(submitted, citizen):
    cache.clear()
    r = APIClient().get(
        "/api/v1/tracking/", {"code": submitted.code, "id_last4": citizen.id_number[-4:]}
    )
    assert r.status_code == 200
    text = r.content.decode()
    for secret in (citizen.full_name, citizen.id_number, citizen.email, citizen.phone):
        assert secret not in text
    assert r.json()["status"] == "submitted"
    wrong = "0000" if citizen.id_number[-4:] != "0000" else "1111"
    assert_error(
        APIClient().get("/api/v1/tracking/", {"code": submitted.code, "id_last4": wrong}),
        404,
        "not_found",
    )
    assert_error(APIClient().get("/api/v1/tracking/", {"code": "x"}), 400, "invalid")


def test_tracking_api_is_throttled(submitted, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "tracking": "3/m"}
    codes = [
        APIClient().get("/api/v1/tracking/", {"code": "a", "id_last4": "1234"}).status_code
        for _ in range(4)
    ]
    assert codes == [404, 404, 404, 429]


def test_openapi_schema_lists_the_dossier_api(client):
    r = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    for path in (
        "/api/v1/dossiers/",
        "/api/v1/dossiers/{dossier_id}/",
        "/api/v1/dossiers/{dossier_id}/attachments/",
        "/api/v1/dossiers/{dossier_id}/submit/",
        "/api/v1/dossiers/{dossier_id}/actions/{action}/",
        "/api/v1/tracking/",
    ):
        assert path in paths


def test_huge_upload_is_refused_through_api(citizen, procedure):
    api = client_for(citizen)
    dossier = services.dossier_create_draft(actor=citizen, procedure_code=procedure.code)
    r = api.post(
        f"/api/v1/dossiers/{dossier.pk}/attachments/",
        {"component": required_components(dossier)[0]["id"], "file": upload()},
        format="multipart",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    body = assert_error(r, 400, "invalid")
    assert "file" in body["fields"]


def test_action_bodies_of_the_process(submitted, reception, specialist, leader):
    base = f"/api/v1/dossiers/{submitted.pk}"
    desk = client_for(reception)
    # `reason` is required for reject; missing → 400 naming the field.
    r = desk.post(f"{base}/actions/reject/", {}, format="json")
    assert_error(r, 400, "invalid")
    assert "reason" in r.json()["fields"]
    assert desk.post(f"{base}/actions/receive/", {}, format="json").status_code == 200
    r = desk.post(f"{base}/actions/forward/", {"to_user": specialist.pk}, format="json")
    assert r.status_code == 200
    body = r.json()
    assert body["current_step"]["number"] == 2 and body["current_step"]["role"] == "specialist"
    assert body["current_handler"] == {"id": specialist.pk, "name": specialist.get_full_name()}
    assert body["step_due_at"] and body["handling_agency"] == submitted.agency.code
    assert body["events"][-1]["action"] == "forward"
    # The desk has handed over: nothing left for it to process; the specialist may forward.
    assert "forward" not in desk.get(f"{base}/").json()["available_actions"]
    assert_error(desk.post(f"{base}/actions/forward/", {}, format="json"), 403, "permission_denied")
    expert = client_for(specialist)
    assert "forward" in expert.get(f"{base}/").json()["available_actions"]
    r = expert.post(f"{base}/actions/forward/", {"note": "Đủ"}, format="json")
    assert_error(r, 400, "invalid")
    assert "proposal" in r.json()["fields"]
    r = expert.post(f"{base}/actions/forward/", {"proposal": "maybe"}, format="json")
    assert r.status_code == 400 and "proposal" in r.json()["fields"]
    r = expert.post(
        f"{base}/actions/forward/", {"proposal": "approve", "note": "Đủ điều kiện"}, format="json"
    )
    assert r.status_code == 200 and r.json()["current_step"]["number"] == 3
    boss = client_for(leader)
    # `note` stays accepted as the reason when `reason` is absent (old clients).
    r = boss.post(f"{base}/actions/send_back/", {"note": "Bổ sung ý kiến"}, format="json")
    assert r.status_code == 200 and r.json()["current_step"]["number"] == 2
    assert r.json()["events"][-1]["note"] == "Bổ sung ý kiến"
    r = boss.post(f"{base}/actions/assign/", {}, format="json")
    assert r.status_code == 400 and "to_user" in r.json()["fields"]
    r = boss.post(f"{base}/actions/assign/", {"to_user": reception.pk}, format="json")
    assert r.status_code == 400 and "to_user" in r.json()["fields"]
    r = boss.post(f"{base}/actions/approve/", {}, format="json")
    # Not the leader's step now, and the appraisal was sent back.
    assert_error(r, 403, "permission_denied")


def test_officials_list_a_queue_and_search(submitted, reception, citizen, procedure):
    other = make_submitted(CitizenFactory(), procedure)
    desk = client_for(reception)
    body = desk.get("/api/v1/dossiers/", {"queue": "reception"}).json()
    assert {row["code"] for row in body["results"]} == {submitted.code, other.code}
    body = desk.get("/api/v1/dossiers/", {"q": other.code}).json()
    assert [row["code"] for row in body["results"]] == [other.code]
    r = desk.get("/api/v1/dossiers/", {"queue": "nowhere"})
    assert r.status_code == 400 and "queue" in r.json()["fields"]
