"""Messages on the pages (issue 17.9): each error said once; no apology before a due date."""

from __future__ import annotations

import re

import pytest
from rest_framework.test import APIClient

from dossiers import workflow
from dossiers.models import Dossier
from tests.dossiers.conftest import make_submitted
from tests.dossiers.papers import run, to_approved
from tests.procedures.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


def _summary(html: str) -> str:
    """Return the text of the page's messages and error summary (what the reader is told)."""
    blocks = re.findall(r'<div class="(?:messages|error-summary)".*?</div>', html, re.S)
    return "\n".join(blocks)


def test_an_official_action_error_is_said_once(
    client, citizen, agency, reception, specialist, leader, clerk
):
    procedure = ProcedureFactory(agencies=[agency], extra={})  # the clerk must upload a result
    dossier = to_approved(
        citizen, procedure, reception=reception, specialist=specialist, leader=leader
    )
    client.force_login(clerk)
    r = client.post(f"/can-bo/ho-so/{dossier.pk}/thao-tac/issue_result/", {}, follow=True)
    html = r.content.decode()
    assert html.count("Vui lòng tải lên tệp kết quả (PDF) trước khi ban hành.") == 1


def test_the_supplement_page_says_what_is_missing_once(client, citizen, procedure, reception):
    dossier = make_submitted(citizen, procedure)
    component = dossier.case_components()[0]
    items = {"items": [component["id"]]}
    run(dossier, reception, "request_supplement", "Thiếu giấy tờ", data=items)
    client.force_login(citizen)
    r = client.post(f"/ho-so-cua-toi/{dossier.pk}/bo-sung/", {})
    told = _summary(r.content.decode())
    assert told.count("Hồ sơ bổ sung chưa đầy đủ") == 1
    assert told.count(f"Chưa tải lên bản bổ sung: {component['name']}") == 1


def test_a_counter_error_is_said_once_in_the_summary(client, reception, procedure):
    client.force_login(reception)
    r = client.post(
        "/can-bo/tiep-nhan/",
        {"case": procedure.cases.get().pk, "applicant_id_number": "001200000123"},
    )
    assert r.status_code == 400
    told = _summary(r.content.decode())
    assert told.count("Hãy xác nhận đã kiểm tra thẻ căn cước của người nộp.") == 1


def test_no_apology_is_offered_before_there_is_a_due_date(
    client, citizen, procedure, reception, leader
):
    # A supplement asked for at the desk: not received, no appointed date to move (Mẫu 04).
    dossier = make_submitted(citizen, procedure)
    run(dossier, reception, "request_supplement", "Thiếu giấy tờ")
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.status == "supplement_requested" and dossier.due_at is None
    # Mẫu 04 is the leader's decision (issue 17.6): the leader is not offered it either.
    assert "apologize" not in workflow.available_actions(dossier, leader)
    client.force_login(leader)
    page = client.get(f"/can-bo/ho-so/{dossier.pk}/").content.decode()
    assert "/thao-tac/apologize/" not in page
    api = APIClient()
    api.force_authenticate(leader)
    r = api.post(f"/api/v1/dossiers/{dossier.pk}/actions/apologize/", {"reason": "Chậm"})
    assert r.status_code == 409, r.content
    # Once received, with a due date, it is offered.
    received = run(make_submitted(citizen, procedure), reception, "receive")
    assert "apologize" in workflow.available_actions(received, leader)
