"""Decisions (docs/domain.md "Desk realities"): the leader decides, and says why when departing.

Approving against the specialist's proposal to refuse needs the leader's reason (event, Mẫu 05);
stopping is the leader's decision only and its notice carries the leader's name; Mẫu 04 is
signed for the head of the agency by the leader, never by the desk.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from dossiers import workflow
from dossiers.models import Dossier
from dossiers.papers import documents
from tests.dossiers.conftest import make_submitted
from tests.dossiers.papers import apologize, pdf_text, run

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _proposed_refusal(citizen, procedure, reception, specialist):
    d = run(make_submitted(citizen, procedure), reception, "receive")
    run(d, reception, "forward")
    return run(d, specialist, "forward", "Không đủ điều kiện", proposal="refuse")


def _paper(dossier, kind: str) -> str:
    return pdf_text(documents.document_render(dossier_id=dossier.pk, kind=kind).file.read())


def test_approving_a_proposed_refusal_needs_the_leaders_reason_shown_on_mau_05(
    citizen, procedure, reception, specialist, leader
):
    d = _proposed_refusal(citizen, procedure, reception, specialist)
    url = f"/api/v1/dossiers/{d.pk}/actions/approve/"
    r = api(leader).post(url, {}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "invalid"
    assert "reason" in r.json()["fields"]
    d.refresh_from_db()
    assert d.status == "in_progress" and not d.events.filter(action="approve").exists()
    reason = "Đã đối chiếu bản gốc: đủ điều kiện cấp"
    r = api(leader).post(url, {"reason": reason}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "approved"
    event = d.events.get(action="approve")
    assert event.note == reason and event.data["departs_from_proposal"] == "refuse"
    slip = " ".join(_paper(d, "control-slip").split())
    assert "Phê duyệt khác đề xuất từ chối của chuyên viên" in slip
    assert "Đã đối chiếu bản gốc" in slip


def test_the_note_serves_as_the_reason_and_a_proposed_approval_needs_none(
    citizen, procedure, reception, specialist, leader
):
    d = _proposed_refusal(citizen, procedure, reception, specialist)
    d = run(d, leader, "approve", "Lãnh đạo quyết định giải quyết")
    assert d.events.get(action="approve").note == "Lãnh đạo quyết định giải quyết"
    agreed = run(make_submitted(citizen, procedure), reception, "receive")
    run(agreed, reception, "forward")
    run(agreed, specialist, "forward", "Đủ điều kiện", proposal="approve")
    agreed = run(agreed, leader, "approve")
    assert agreed.status == "approved"
    assert "departs_from_proposal" not in agreed.events.get(action="approve").data


def test_approve_form_asks_for_the_reason_only_after_a_proposed_refusal(
    client, citizen, procedure, reception, specialist, leader
):
    d = _proposed_refusal(citizen, procedure, reception, specialist)
    client.force_login(leader)
    html = client.get(f"/can-bo/ho-so/{d.pk}/").content.decode()
    assert 'id="reason-approve"' in html
    url = f"/can-bo/ho-so/{d.pk}/thao-tac/approve/"
    page = client.post(url, {"confirm": "on"}, follow=True).content.decode()
    assert "vui lòng nêu lý do phê duyệt khác đề xuất" in page
    assert Dossier.objects.get(pk=d.pk).status == "in_progress"
    client.post(url, {"confirm": "on", "reason": "Đủ điều kiện theo hồ sơ gốc"})
    assert Dossier.objects.get(pk=d.pk).status == "approved"


def test_stop_is_the_leaders_decision_and_the_notice_carries_the_leaders_name(
    citizen, procedure, reception, specialist, leader
):
    d = _proposed_refusal(citizen, procedure, reception, specialist)
    assert "stop" not in workflow.available_actions(d, specialist)
    r = api(specialist).post(
        f"/api/v1/dossiers/{d.pk}/actions/stop/", {"reason": "Không đủ"}, format="json"
    )
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    assert "stop" in workflow.available_actions(d, leader)
    r = api(leader).post(
        f"/api/v1/dossiers/{d.pk}/actions/stop/",
        {"reason": "Người nộp không đủ điều kiện theo quy định"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["status"] == "stopped"
    notice = " ".join(_paper(d, "rejection").split())
    assert "THÔNG BÁO VỀ VIỆC DỪNG GIẢI QUYẾT HỒ SƠ" in notice
    assert "KT. THỦ TRƯỞNG CƠ QUAN" in notice and leader.get_full_name() in notice
    assert specialist.get_full_name() not in notice


def test_apology_is_signed_for_the_head_by_the_leader_not_the_desk(
    citizen, procedure, reception, leader
):
    d = run(make_submitted(citizen, procedure), reception, "receive")
    r = api(reception).post(
        f"/api/v1/dossiers/{d.pk}/actions/apologize/",
        {"reason": "Chậm", "new_due_at": "2030-01-07T09:00+07:00"},
        format="json",
    )
    assert r.status_code == 403
    apologize(d, leader, "Phải xác minh thêm tại địa phương")
    paper = " ".join(_paper(d, "apology").split())
    assert "KT. THỦ TRƯỞNG CƠ QUAN" in paper and leader.get_full_name() in paper
    assert reception.get_full_name() not in paper
