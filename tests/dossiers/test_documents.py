"""Papers of a dossier (Mẫu 01–05, result): content, idempotency, access, verification."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import unicodedata
from datetime import UTC
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.test import APIClient

from dossiers.models import Dossier, DossierDocument
from dossiers.papers import documents
from tests.dossiers.conftest import PDF, make_submitted, upload
from tests.dossiers.papers import (
    apologize,
    pdf_qr_texts,
    pdf_text,
    run,
    settle_and_return,
    supplement_then_reject,
    to_appraised,
    to_approved,
)
from tests.factories import AgencyFactory, CitizenFactory, make_official
from tests.procedures.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def uploaded_result_procedure(agency):
    """A procedure whose result the clerk must upload (no result template)."""
    return ProcedureFactory(agencies=[agency], extra={})


@pytest.fixture
def generated_procedure(agency):
    """A procedure whose result is a confirmation generated from the dossier."""
    return ProcedureFactory(agencies=[agency], extra={"result_template": "confirmation"})


def test_receipt_holds_code_applicant_dates_and_qr_to_its_verification_page(
    client, citizen, procedure, reception
):
    dossier = make_submitted(citizen, procedure)
    dossier = run(dossier, reception, "receive")

    r = api_for(citizen).get(f"/api/v1/dossiers/{dossier.pk}/documents/receipt/")

    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    content = b"".join(r.streaming_content)
    text = pdf_text(content)
    assert dossier.code in text
    assert dossier.applicant_name in text and dossier.applicant_id_number in text
    # Times as Thông tư 01/2018 writes them: "lúc 08 giờ 25 phút, ngày 06 tháng 12 năm 2026".
    received = documents._local(dossier.received_at)
    due = documents._local(dossier.due_at)
    folded = " ".join(text.split())
    for at in (received, due):
        assert f"lúc {at:%H} giờ {at:%M} phút, ngày {at:%d} tháng {at:%m} năm {at.year}" in folded
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    stored = DossierDocument.objects.get(dossier=dossier, kind="receipt")
    assert hashlib.sha256(content).hexdigest() == stored.sha256 == r["X-Content-SHA256"]

    [url] = pdf_qr_texts(content)
    assert url == documents.verify_url(stored.token) and len(stored.token) >= 40
    page = client.get(url.removeprefix("http://127.0.0.1:8000"))
    html = page.content.decode()
    assert page.status_code == 200
    assert stored.sha256 in html and dossier.code in html and procedure.name in html
    assert dossier.agency.name in html
    # The public page names no person.
    assert dossier.applicant_name not in html and dossier.applicant_id_number not in html


def test_rendering_twice_stores_once_and_new_data_makes_a_new_version(
    citizen, procedure, reception, leader, client
):
    dossier = run(make_submitted(citizen, procedure), reception, "receive")
    first = documents.document_render(dossier_id=dossier.pk, kind="control-slip")
    again = documents.document_render(dossier_id=dossier.pk, kind="control-slip")
    assert again.pk == first.pk
    assert DossierDocument.objects.filter(dossier=dossier).count() == 1

    run(dossier, reception, "forward")  # a hand-over: the control slip gains a row
    newer = documents.document_render(dossier_id=dossier.pk, kind="control-slip")
    assert newer.pk != first.pk and newer.token != first.token
    assert pdf_text(newer.file.read()).count("Chuyển xử lý") == 1
    # The first printed copy still verifies, marked as superseded.
    html = client.get(f"/xac-thuc/{first.token}/").content.decode()
    assert first.sha256 in html and "phiên bản mới hơn" in html


def test_control_slip_rows_are_the_handover_rows(citizen, procedure, reception, specialist):
    dossier = run(make_submitted(citizen, procedure), reception, "receive")
    run(dossier, reception, "forward", to_user=specialist.pk)
    handover = dossier.handovers.get()
    rows = documents.control_slip_rows(dossier)
    forward = next(row for row in rows if row["action"] == "Chuyển xử lý")
    # Mẫu 05: from unit and person → to unit and person, the step's own outcome.
    assert (forward["from_unit"], forward["to_unit"]) == (handover.from_unit, handover.to_unit)
    assert forward["from_person"] == reception.get_full_name()
    assert forward["to_person"] == specialist.get_full_name()
    assert forward["outcome"] == handover.get_outcome_display() != ""
    # Reception: from the applicant to the receiving official.
    receive = rows[0]
    assert (receive["from_unit"], receive["from_person"]) == (
        "Người nộp hồ sơ",
        dossier.applicant_name,
    )
    assert receive["to_person"] == reception.get_full_name()
    paper = documents.document_render(dossier_id=dossier.pk, kind="control-slip")
    # The table's narrow cells wrap names over lines: compare with the white space folded.
    text = " ".join(unicodedata.normalize("NFC", pdf_text(paper.file.read())).split())
    assert handover.to_unit in text and specialist.get_full_name() in text


def test_a_lost_file_is_rendered_again(citizen, procedure, reception):
    dossier = run(make_submitted(citizen, procedure), reception, "receive")
    first = documents.document_render(dossier_id=dossier.pk, kind="receipt")
    first.file.storage.delete(first.file.name)
    second = documents.document_render(dossier_id=dossier.pk, kind="receipt")
    assert second.pk != first.pk and second.file.storage.exists(second.file.name)


def test_every_kind_has_its_words_with_diacritics(
    citizen, procedure, generated_procedure, reception, leader, clerk, specialist
):
    texts = {}
    # Supplement request at reception, then refusal at reception (Mẫu 02, Mẫu 03).
    refused = make_submitted(citizen, procedure)
    supplement_then_reject(
        refused,
        reception=reception,
        citizen=citizen,
        request="Thiếu bản sao giấy khai sinh",
        refusal="Không thuộc thẩm quyền giải quyết",
    )
    texts["supplement-request"] = (refused, "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ")
    texts["rejection"] = (refused, "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ")
    # Stopped during processing: the refusal notice (NĐ 61/2018 Điều 19.8).
    stopped = run(make_submitted(citizen, procedure), reception, "receive")
    run(stopped, leader, "stop", "Người nộp không đủ điều kiện")  # the leader's decision
    # Late: apology; then the generated result and the control slip.
    done = run(make_submitted(citizen, generated_procedure), reception, "receive")
    apologize(done, leader, "Phải xác minh thêm tại địa phương")
    texts["apology"] = (done, "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ")
    to_appraised(done, reception=reception, specialist=specialist)
    run(done, leader, "approve")
    run(done, clerk, "issue_result")
    settle_and_return(done, clerk)
    texts["receipt"] = (done, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")
    texts["control-slip"] = (done, "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ")
    texts["result"] = (done, "GIẤY XÁC NHẬN")

    for kind, (dossier, title) in texts.items():
        dossier = Dossier.objects.get(pk=dossier.pk)
        text = pdf_text(documents.document_render(dossier_id=dossier.pk, kind=kind).file.read())
        assert title in text, kind
        assert dossier.code in text and dossier.applicant_name in text, kind
    stop_text = pdf_text(
        documents.document_render(dossier_id=stopped.pk, kind="rejection").file.read()
    )
    assert "THÔNG BÁO VỀ VIỆC DỪNG GIẢI QUYẾT HỒ SƠ" in stop_text
    assert "Người nộp không đủ điều kiện" in stop_text
    slip = pdf_text(documents.document_render(dossier_id=done.pk, kind="control-slip").file.read())
    assert "Tiếp nhận" in slip and "Phê duyệt" in slip and "Trả kết quả" in slip
    assert "Đúng hạn" in slip or "Trước hạn" in slip
    result = pdf_text(documents.document_render(dossier_id=done.pk, kind="result").file.read())
    assert "Nguyễn Văn Thử" in result  # the e-form answer "ho_ten", not retyped


def test_papers_not_made_yet_are_404_and_foreign_users_get_404_for_every_kind(
    citizen, procedure, reception, agency
):
    dossier = run(make_submitted(citizen, procedure), reception, "receive")
    owner = api_for(citizen)
    assert owner.get(f"/api/v1/dossiers/{dossier.pk}/documents/result/").status_code == 404
    assert owner.get(f"/api/v1/dossiers/{dossier.pk}/documents/apology/").status_code == 404
    assert owner.get(f"/api/v1/dossiers/{dossier.pk}/documents/no-such-kind/").status_code == 404

    stranger = CitizenFactory()
    other_official = make_official(agency=AgencyFactory())
    for kind in documents.K.values:
        for user in (stranger, other_official):
            r = api_for(user).get(f"/api/v1/dossiers/{dossier.pk}/documents/{kind}/")
            assert r.status_code == 404 and r.json()["code"] == "not_found", (kind, user)
        from django.test import Client

        web = Client()
        web.force_login(stranger)
        assert web.get(f"/ho-so-cua-toi/{dossier.pk}/giay-to/{kind}/").status_code == 404
        web.force_login(other_official)
        assert web.get(f"/can-bo/ho-so/{dossier.pk}/giay-to/{kind}/").status_code == 404
    assert not DossierDocument.objects.exists()  # nothing rendered for anyone refused


def test_html_routes_and_links_on_both_dossier_pages(client, citizen, procedure, reception):
    dossier = run(make_submitted(citizen, procedure), reception, "receive")
    client.force_login(citizen)
    page = client.get(f"/ho-so-cua-toi/{dossier.pk}/").content.decode()
    assert f"/ho-so-cua-toi/{dossier.pk}/giay-to/receipt/" in page
    r = client.get(f"/ho-so-cua-toi/{dossier.pk}/giay-to/receipt/")
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")
    client.force_login(reception)
    page = client.get(f"/can-bo/ho-so/{dossier.pk}/").content.decode()
    assert f"/can-bo/ho-so/{dossier.pk}/giay-to/control-slip/" in page
    r = client.get(f"/can-bo/ho-so/{dossier.pk}/giay-to/control-slip/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"


def test_issue_result_without_a_result_is_refused_and_nothing_changes(
    citizen, uploaded_result_procedure, reception, specialist, leader, clerk
):
    procedure = uploaded_result_procedure
    dossier = to_approved(
        citizen, procedure, reception=reception, specialist=specialist, leader=leader
    )
    r = api_for(clerk).post(f"/api/v1/dossiers/{dossier.pk}/actions/issue_result/")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "invalid" and "file" in r.json()["fields"]
    dossier.refresh_from_db()
    assert dossier.status == "approved"
    assert not dossier.events.filter(action="issue_result").exists()

    html = upload("ket-qua.html", b"<html><script>x()</script></html>", "text/html")
    r = api_for(clerk).post(
        f"/api/v1/dossiers/{dossier.pk}/actions/issue_result/", {"file": html}, format="multipart"
    )
    assert r.status_code == 400 and "file" in r.json()["fields"]
    assert not DossierDocument.objects.exists()


def test_issued_result_file_is_stored_and_reaches_the_citizen_once_returned(
    client, citizen, uploaded_result_procedure, reception, specialist, leader, clerk
):
    procedure = uploaded_result_procedure
    dossier = to_approved(
        citizen, procedure, reception=reception, specialist=specialist, leader=leader
    )
    result = PDF + b"% ket qua giai quyet\n"
    r = api_for(clerk).post(
        f"/api/v1/dossiers/{dossier.pk}/actions/issue_result/",
        {"file": upload("ket-qua.pdf", result), "note": "Đã ký"},
        format="multipart",
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "result_issued"
    stored = DossierDocument.objects.get(dossier=dossier, kind="result")
    assert stored.is_uploaded and stored.original_sha256 == hashlib.sha256(result).hexdigest()
    assert stored.original_name == "ket-qua.pdf"
    # Issued but not returned: the officials have it, the citizen not yet.
    assert api_for(clerk).get(f"/api/v1/dossiers/{dossier.pk}/documents/result/").status_code == 200
    assert (
        api_for(citizen).get(f"/api/v1/dossiers/{dossier.pk}/documents/result/").status_code == 404
    )

    settle_and_return(dossier, clerk)
    client.force_login(citizen)
    page = client.get(f"/ho-so-cua-toi/{dossier.pk}/").content.decode()
    assert f"/ho-so-cua-toi/{dossier.pk}/giay-to/result/" in page
    r = client.get(f"/ho-so-cua-toi/{dossier.pk}/giay-to/result/")
    served = b"".join(r.streaming_content)
    # Served stamped and signed (an incremental update of the upload, which is kept as it came).
    assert r.status_code == 200 and served != result and served.startswith(result)
    stored.refresh_from_db()
    assert stored.original_file.read() == result and stored.signed_at is not None
    assert stored.sha256 == hashlib.sha256(served).hexdigest()
    # The uploaded result verifies by its token too.
    assert stored.sha256 in client.get(f"/xac-thuc/{stored.token}/").content.decode()


def test_official_issues_result_from_the_html_page(
    client, citizen, uploaded_result_procedure, reception, specialist, leader, clerk
):
    procedure = uploaded_result_procedure
    dossier = to_approved(
        citizen, procedure, reception=reception, specialist=specialist, leader=leader
    )
    client.force_login(clerk)
    page = client.get(f"/can-bo/ho-so/{dossier.pk}/").content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="file"' in page
    r = client.post(f"/can-bo/ho-so/{dossier.pk}/thao-tac/issue_result/", {})
    assert Dossier.objects.get(pk=dossier.pk).status == "approved"
    assert "Vui lòng tải lên tệp kết quả" in client.get(r.url).content.decode()
    client.post(f"/can-bo/ho-so/{dossier.pk}/thao-tac/issue_result/", {"file": upload("kq.pdf")})
    assert Dossier.objects.get(pk=dossier.pk).status == "result_issued"


def test_verification_page_checks_an_uploaded_copy(client, citizen, procedure, reception):
    dossier = run(make_submitted(citizen, procedure), reception, "receive")
    stored = documents.document_render(dossier_id=dossier.pk, kind="receipt")
    genuine = stored.file.read()

    r = client.post(f"/xac-thuc/{stored.token}/", {"file": upload("ban-nhan.pdf", genuine)})
    assert r.status_code == 200 and "Hợp lệ:" in r.content.decode()
    forged = genuine.replace(dossier.code.encode(), b"X" * len(dossier.code), 1) + b"\n"
    r = client.post(f"/xac-thuc/{stored.token}/", {"file": upload("gia.pdf", forged)})
    assert r.status_code == 200 and "Đã bị sửa đổi:" in r.content.decode()
    r = client.post(f"/xac-thuc/{stored.token}/", {})
    assert r.status_code == 400
    assert client.get("/xac-thuc/khong-co-ma-nay/").status_code == 404
    assert client.get(f"/xac-thuc/{'a' * 200}/").status_code == 404


def test_actions_schedule_rendering_after_commit_and_an_enqueue_failure_is_only_logged(
    settings, citizen, procedure, reception, caplog, django_capture_on_commit_callbacks
):
    settings.DOCUMENTS_RENDER_AHEAD = True
    dossier = make_submitted(citizen, procedure)
    with django_capture_on_commit_callbacks(execute=True):
        run(dossier, reception, "receive")
    # Eager in tests: the task ran after the commit and stored both papers of a received dossier.
    assert set(DossierDocument.objects.values_list("kind", flat=True)) == {
        "receipt",
        "control-slip",
    }

    broken = mock.patch(
        "dossiers.papers.tasks.documents_render.apply_async",
        side_effect=ConnectionError("redis down"),
    )
    with broken, caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        dossier = run(dossier, reception, "forward")
    assert Dossier.objects.get(pk=dossier.pk).status == "in_progress"
    assert "enqueue of dossiers.tasks.documents_render failed" in caplog.text


def test_the_demo_catalogue_generates_results_for_at_least_two_procedures():
    import json

    from django.conf import settings

    path = settings.BASE_DIR / "procedures" / "data" / "procedures.json"
    rows = json.loads(path.read_text())["procedures"]
    templated = [r["code"] for r in rows if r.get("result_template") in documents.RESULT_TEMPLATES]
    assert len(templated) >= 2


@given(
    due=st.datetimes(
        min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2030, 1, 1), timezones=st.just(UTC)
    ),
    earlier=st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=30)),
    later=st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=30)),
)
def test_control_slip_outcome_never_improves_as_a_step_finishes_later(due, earlier, later):
    first, second = due - earlier, due - earlier + later
    rank = documents.OUTCOMES.index
    assert rank(documents.step_outcome(first, due)) <= rank(documents.step_outcome(second, due))
    assert documents.step_outcome(due, due) in documents.OUTCOMES[:2]  # on the dot is on time
    assert documents.step_outcome(due + dt.timedelta(seconds=1), due) == "Quá hạn"
    assert documents.step_outcome(due, None) == ""


def test_receipt_lists_the_components_filed_with_their_counts_not_the_catalogue(
    citizen, procedure, reception
):
    # Mẫu 01 (issue 17.8): what was attached, counted, not what the catalogue requires.
    dossier = make_submitted(citizen, procedure)
    components = dossier.case_components()
    filed = {a.component_id_snapshot for a in dossier.attachments.filter(is_current=True)}
    dossier = run(dossier, reception, "receive")
    data = documents.document_data(dossier, "receipt")
    assert [c["name"] for c in data["components"]] == [
        c["name"] for c in components if c["id"] in filed
    ]
    assert all(c["count"] == 1 and c["form"] == "Bản điện tử" for c in data["components"])
    assert len(data["components"]) < len(components)  # an optional one was not filed
    assert data["representative"] is None
    text = " ".join(pdf_text(documents.render_pdf("receipt", data, token="t")).split())
    assert "Người được ủy quyền" not in text
    unfiled = next(c["name"] for c in components if c["id"] not in filed)
    assert unfiled[:30] not in text


def test_receipt_names_the_authorised_representative_when_recorded(citizen, procedure, reception):
    dossier = run(make_submitted(citizen, procedure), reception, "receive")
    # Filed on the applicant's behalf by an authorised person: Mẫu 01 prints who and by what.
    dossier.applicant_kind = "person"
    dossier.representative_name = "Trần Văn Đại Diện"
    dossier.representative_id_number = "001090099999"
    dossier.representative_relation = "authorised"
    data = documents.document_data(dossier, "receipt")
    text = " ".join(pdf_text(documents.render_pdf("receipt", data, token="t")).split())
    assert "Người được ủy quyền: Trần Văn Đại Diện" in text
    assert "001090099999" in text and "theo Văn bản ủy quyền" in text
    # A parent files by law: no authorisation document is named.
    dossier.representative_relation = "parent"
    data = documents.document_data(dossier, "receipt")
    text = " ".join(pdf_text(documents.render_pdf("receipt", data, token="t")).split())
    assert "Người đại diện theo pháp luật: Trần Văn Đại Diện" in text
    assert "Cha, mẹ của người chưa thành niên" in text and "ủy quyền" not in text


def test_supplement_request_gives_the_counts_of_each_requested_item(citizen, procedure, reception):
    dossier = make_submitted(citizen, procedure)
    component = dossier.case_components()[0]
    run(
        dossier,
        reception,
        "request_supplement",
        "Thiếu giấy tờ",
        data={"items": [component["id"], "Sửa lại ngày sinh trong tờ khai"]},
    )
    data = documents.document_data(dossier, "supplement-request")
    assert data["items"] == [
        {
            "name": component["name"],
            "originals": component["originals"],
            "copies": component["copies"],
        },
        {"name": "Sửa lại ngày sinh trong tờ khai", "originals": None, "copies": None},
    ]
    text = " ".join(pdf_text(documents.render_pdf("supplement-request", data, token="t")).split())
    assert "Bản chính" in text and "Bản sao" in text
    assert f"{component['originals']:02d}" in text
