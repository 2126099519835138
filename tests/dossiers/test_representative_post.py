"""Filing on someone's behalf, for an organisation, and results by post (docs/domain.md
"Representatives and organisations", "Results by post")."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache

from dossiers.constants import AUTHORISATION_COMPONENT_ID
from dossiers.filing import services
from dossiers.filing.completeness import dossier_missing
from dossiers.models import Dossier
from dossiers.papers import documents
from dossiers.workflow import services as workflow_services
from dvctt.errors import InvalidInput
from integrations import postal
from integrations.constants import PostalStatus
from integrations.models import HubOutboxEvent, PostalItem
from tests.dossiers.conftest import upload
from tests.dossiers.factories import PATHS
from tests.procedures.factories import ProcedureFactory

pytestmark = pytest.mark.django_db

RELATIVE = {
    "applicant_name": "Nguyễn Thị Bà",
    "applicant_id_number": "001150000777",
    "applicant_phone": "0912000777",
    "applicant_address": "Số 7 phố Huế, Hà Nội",
}


def _step2(client, dossier, **data):
    return client.post(f"/ho-so/{dossier.pk}/buoc/2/", data)


def _draft(citizen, procedure) -> Dossier:
    return services.dossier_create_draft(actor=citizen, procedure_code=procedure.code)


def _organisation_draft_ready(citizen, agency, *, tax_code: str, address: str = "Hà Nội"):
    """A complete draft filed by `citizen` as the legal representative of a company."""
    procedure = ProcedureFactory(agencies=[agency], applicant_types=["citizen", "organisation"])
    dossier = _draft(citizen, procedure)
    services.dossier_update_applicant(
        actor=citizen,
        dossier_id=dossier.pk,
        data={
            "applicant_kind": "organisation",
            "applicant_name": "Công ty TNHH Thử Nghiệm",
            "applicant_tax_code": tax_code,
            "applicant_address": address,
            "organisation_legal_rep": "Trần Giám Đốc",
            "representative_name": citizen.full_name,
            "representative_id_number": citizen.id_number,
            "representative_relation": "legal_representative",
        },
    )
    services.dossier_update_form(actor=citizen, dossier_id=dossier.pk, form_data={"ho_ten": "A"})
    for component in dossier.case_components():
        if component["required"]:
            services.attachment_add(
                actor=citizen, dossier_id=dossier.pk, component_id=component["id"], upload=upload()
            )
    return dossier


# --- the wizard --------------------------------------------------------------------------------


def test_wizard_for_oneself_records_no_representative(client, citizen, procedure):
    client.force_login(citizen)
    dossier = _draft(citizen, procedure)
    html = client.get(f"/ho-so/{dossier.pk}/buoc/2/").content.decode()
    assert "Nộp cho bản thân" in html and "Nộp thay người khác" in html
    assert "Nộp cho tổ chức" not in html  # the catalogue lists people only
    r = _step2(
        client,
        dossier,
        applicant_kind="self",
        applicant_name=citizen.full_name,
        applicant_id_number=citizen.id_number,
        representative_name="Ai đó",
        result_delivery="desk",
    )
    assert r.status_code == 302
    dossier.refresh_from_db()
    assert dossier.applicant_kind == "self" and dossier.representative_name == ""
    assert AUTHORISATION_COMPONENT_ID not in [c["id"] for c in dossier.case_components()]


def test_wizard_on_behalf_asks_for_the_representative_in_vietnamese(client, citizen, procedure):
    client.force_login(citizen)
    dossier = _draft(citizen, procedure)
    r = _step2(
        client,
        dossier,
        applicant_kind="person",
        **RELATIVE,
        representative_name="Trần Văn Con",
        representative_id_number="12",
        result_delivery="desk",
    )
    assert r.status_code == 400
    assert "Số định danh cá nhân phải gồm đúng 12 chữ số." in r.content.decode()
    r = _step2(
        client,
        dossier,
        applicant_kind="person",
        **RELATIVE,
        representative_name="",
        representative_id_number=citizen.id_number,
        result_delivery="desk",
    )
    html = r.content.decode()
    assert r.status_code == 400
    assert "Vui lòng nhập họ và tên người nộp thay." in html
    assert "Vui lòng chọn quan hệ với người có hồ sơ" in html
    dossier.refresh_from_db()
    assert dossier.applicant_kind == "self"  # nothing half-saved


def test_wizard_on_behalf_records_both_and_asks_for_the_authorisation(client, citizen, procedure):
    client.force_login(citizen)
    dossier = _draft(citizen, procedure)
    assert dossier.form_data["ho_ten"] == citizen.full_name  # prefilled from the account
    r = _step2(
        client,
        dossier,
        applicant_kind="person",
        **RELATIVE,
        representative_name=citizen.full_name,
        representative_id_number=citizen.id_number,
        representative_relation="authorised",
        result_delivery="desk",
    )
    assert r.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.applicant_name, dossier.applicant_id_number) == (
        "Nguyễn Thị Bà",
        "001150000777",
    )
    assert dossier.representative_id_number == citizen.id_number
    # The e-form carries the applicant's data, not the account holder's.
    assert dossier.form_data["ho_ten"] == "Nguyễn Thị Bà"
    authorisation = [c for c in dossier.case_components() if c["id"] == AUTHORISATION_COMPONENT_ID]
    assert authorisation and authorisation[0]["required"]
    html = client.get(f"/ho-so/{dossier.pk}/buoc/4/").content.decode()
    assert "Văn bản ủy quyền" in html
    assert "Chưa đính kèm: Văn bản ủy quyền" in dossier_missing(dossier=dossier)["attachments"]
    services.attachment_add(
        actor=citizen,
        dossier_id=dossier.pk,
        component_id=AUTHORISATION_COMPONENT_ID,
        upload=upload("uy-quyen.pdf"),
    )
    missing = dossier_missing(dossier=dossier).get("attachments", [])
    assert "Chưa đính kèm: Văn bản ủy quyền" not in missing


def test_a_parent_files_for_a_child_without_an_authorisation(client, citizen, procedure):
    client.force_login(citizen)
    dossier = _draft(citizen, procedure)
    r = _step2(
        client,
        dossier,
        applicant_kind="person",
        **(RELATIVE | {"applicant_id_number": "001220000555"}),
        representative_name=citizen.full_name,
        representative_id_number=citizen.id_number,
        representative_relation="parent",
        result_delivery="desk",
    )
    assert r.status_code == 302
    dossier.refresh_from_db()
    assert not dossier.needs_authorisation_document
    assert AUTHORISATION_COMPONENT_ID not in [c["id"] for c in dossier.case_components()]


def test_the_representative_is_someone_else(citizen, procedure):
    dossier = _draft(citizen, procedure)
    with pytest.raises(InvalidInput) as exc:
        services.dossier_update_applicant(
            actor=citizen,
            dossier_id=dossier.pk,
            data={
                "applicant_kind": "person",
                "applicant_name": "Người khác",
                "applicant_id_number": citizen.id_number,
                "representative_name": citizen.full_name,
                "representative_id_number": citizen.id_number,
                "representative_relation": "authorised",
            },
        )
    assert exc.value.fields["representative_id_number"] == [
        "Người nộp thay phải là người khác với người có hồ sơ."
    ]


def test_organisation_where_the_catalogue_allows_it(client, citizen, agency):
    procedure = ProcedureFactory(agencies=[agency], applicant_types=["citizen", "organisation"])
    client.force_login(citizen)
    dossier = _draft(citizen, procedure)
    assert "Nộp cho tổ chức" in client.get(f"/ho-so/{dossier.pk}/buoc/2/").content.decode()
    base = {
        "applicant_kind": "organisation",
        "applicant_name": "Công ty TNHH Thử Nghiệm",
        "applicant_address": "Số 9 Tràng Tiền, Hà Nội",
        "representative_name": citizen.full_name,
        "representative_id_number": citizen.id_number,
        "representative_relation": "legal_representative",
        "result_delivery": "desk",
    }
    r = _step2(client, dossier, **base, applicant_tax_code="12345")
    html = r.content.decode()
    assert r.status_code == 400
    assert "Mã số thuế phải gồm 10 chữ số" in html
    assert "Vui lòng nhập họ tên người đại diện theo pháp luật của tổ chức." in html
    r = _step2(
        client,
        dossier,
        **base,
        applicant_tax_code="0101234567001",
        organisation_legal_rep="Trần Giám Đốc",
    )
    assert r.status_code == 302
    dossier.refresh_from_db()
    assert dossier.applicant_tax_code == "0101234567-001" and dossier.applicant_id_number == ""
    assert not dossier.needs_authorisation_document  # the legal representative files
    assert dossier.applicant_card()["tax_code"] == "0101234567-001"


def test_organisation_refused_where_the_catalogue_lists_people_only(citizen, procedure):
    dossier = _draft(citizen, procedure)
    with pytest.raises(InvalidInput) as exc:
        services.dossier_update_applicant(
            actor=citizen,
            dossier_id=dossier.pk,
            data={
                "applicant_kind": "organisation",
                "applicant_name": "Công ty X",
                "applicant_tax_code": "0101234567",
                "applicant_address": "Hà Nội",
                "organisation_legal_rep": "A",
                "representative_name": "B",
                "representative_id_number": citizen.id_number,
                "representative_relation": "authorised",
            },
        )
    assert "applicant_kind" in exc.value.fields


# --- papers, pages and tracking ------------------------------------------------------------------


def _on_behalf(citizen, procedure, *, relation="authorised", post=False) -> Dossier:
    dossier = _draft(citizen, procedure)
    services.dossier_update_applicant(
        actor=citizen,
        dossier_id=dossier.pk,
        data=RELATIVE
        | {
            "applicant_kind": "person",
            "representative_name": citizen.full_name,
            "representative_id_number": citizen.id_number,
            "representative_relation": relation,
            "result_delivery": "post" if post else "desk",
            "postal_address": "Số 7 phố Huế, Hà Nội" if post else "",
        },
    )
    services.dossier_update_form(
        actor=citizen, dossier_id=dossier.pk, form_data={"ho_ten": RELATIVE["applicant_name"]}
    )
    dossier.refresh_from_db()
    for component in dossier.case_components():
        if component["required"]:
            services.attachment_add(
                actor=citizen, dossier_id=dossier.pk, component_id=component["id"], upload=upload()
            )
    return services.dossier_submit(actor=citizen, dossier_id=dossier.pk)


def test_receipt_and_official_page_show_the_representative(client, citizen, procedure, reception):
    dossier = _on_behalf(citizen, procedure)
    dossier = workflow_services.dossier_run_action(
        actor=reception, dossier_id=dossier.pk, action="receive"
    )
    data = documents.document_data(dossier, "receipt")
    assert data["representative"]["name"] == citizen.full_name
    assert data["applicant"]["name"] == "Nguyễn Thị Bà"
    assert "Văn bản ủy quyền" in [c["name"] for c in data["components"]]
    client.force_login(reception)
    html = client.get(f"/can-bo/ho-so/{dossier.pk}/").content.decode()
    assert "Người nộp thay" in html and citizen.full_name in html and "Nguyễn Thị Bà" in html
    assert "Người được ủy quyền" in html


def test_the_applicant_tracks_the_dossier_a_representative_filed(client, citizen, procedure):
    cache.clear()
    dossier = _on_behalf(citizen, procedure)
    r = client.get("/tra-cuu/", {"code": dossier.code, "id_last4": "0777"})
    assert r.status_code == 200 and dossier.code in r.content.decode()
    if citizen.id_number[-4:] != "0777":
        r = client.get("/tra-cuu/", {"code": dossier.code, "id_last4": citizen.id_number[-4:]})
        assert r.status_code == 404


def test_an_organisation_tracks_by_its_tax_code(client, citizen, agency):
    cache.clear()
    dossier = _organisation_draft_ready(citizen, agency, tax_code="0101234567-001")
    dossier = services.dossier_submit(actor=citizen, dossier_id=dossier.pk)
    assert client.get("/tra-cuu/", {"code": dossier.code, "id_last4": "7001"}).status_code == 200


# --- results by post -----------------------------------------------------------------------------


def test_post_delivery_needs_an_address(client, citizen, procedure, settings):
    settings.POSTAL_RESULT_CHARGE = 25_000
    client.force_login(citizen)
    dossier = _draft(citizen, procedure)
    html = client.get(f"/ho-so/{dossier.pk}/buoc/2/").content.decode()
    assert "Nhận qua dịch vụ bưu chính công ích" in html and "25.000" in html
    mine = {"applicant_name": citizen.full_name, "applicant_id_number": citizen.id_number}
    r = _step2(client, dossier, applicant_kind="self", **mine, result_delivery="post")
    assert r.status_code == 400
    assert "Vui lòng nhập địa chỉ nhận kết quả qua bưu chính." in r.content.decode()
    r = _step2(
        client,
        dossier,
        applicant_kind="self",
        **mine,
        result_delivery="post",
        postal_address="Số 3 Lý Thái Tổ, Hà Nội",
    )
    assert r.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.result_delivery, dossier.postal_address) == (
        "post",
        "Số 3 Lý Thái Tổ, Hà Nội",
    )


def _to_returned(dossier, agency, officials):
    from accounts.constants import StaffRoleName
    from tests.factories import make_official

    for action, role, *extra in PATHS["returned"]:
        if role not in officials:
            officials[role] = make_official(agency=agency, role=StaffRoleName(role))
        dossier = workflow_services.dossier_run_action(
            actor=officials[role],
            dossier_id=dossier.pk,
            action=action,
            note="Ghi chú thử nghiệm",
            **(extra[0] if extra else {}),
        )
    return dossier


def test_return_result_hands_over_to_the_post_after_the_commit(
    citizen, procedure, agency, monkeypatch, django_capture_on_commit_callbacks
):
    calls = []
    real = postal.StandInPostalService.hand_over

    def spy(self, item):
        calls.append(item.reference)
        return real(self, item)

    monkeypatch.setattr(postal.StandInPostalService, "hand_over", spy)
    dossier = _on_behalf(citizen, procedure, post=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        dossier = _to_returned(dossier, agency, {})
    assert dossier.status == "returned"
    item = PostalItem.objects.get(reference=str(dossier.pk))
    # Inside the action's transaction only the row is written: no outside call yet.
    assert calls == [] and item.status == PostalStatus.PENDING and item.item_number is None
    assert item.address == "Số 7 phố Huế, Hà Nội" and item.recipient_name == "Nguyễn Thị Bà"
    for callback in callbacks:
        callback()
    item.refresh_from_db()
    assert calls == [str(dossier.pk)]
    assert item.status == PostalStatus.HANDED_OVER
    assert item.item_number and item.item_number.startswith("RR") and item.item_number[-2:] == "VN"


def test_a_result_at_the_desk_is_not_posted(
    citizen, procedure, agency, django_capture_on_commit_callbacks
):
    dossier = _on_behalf(citizen, procedure)
    with django_capture_on_commit_callbacks(execute=True):
        _to_returned(dossier, agency, {})
    assert not PostalItem.objects.exists()


def _handed_over(citizen, procedure, agency, django_capture_on_commit_callbacks) -> PostalItem:
    dossier = _on_behalf(citizen, procedure, post=True)
    with django_capture_on_commit_callbacks(execute=True):
        _to_returned(dossier, agency, {})
    return PostalItem.objects.get(reference=str(dossier.pk))


def _callback(client, body: dict, *, signature: str | None = None):
    raw = json.dumps(body).encode()
    return client.post(
        "/integrations/postal/callback/",
        raw,
        content_type="application/json",
        headers={"X-Postal-Signature": signature if signature is not None else postal.sign(raw)},
    )


def test_the_delivery_callback_is_verified_and_idempotent(
    client, citizen, procedure, agency, django_capture_on_commit_callbacks
):
    item = _handed_over(citizen, procedure, agency, django_capture_on_commit_callbacks)
    report = {"event_id": "e-1", "item_number": item.item_number, "status": "delivered"}
    r = _callback(client, report, signature="0" * 64)
    assert r.status_code == 403 and r.json()["code"] == "invalid_signature"
    assert _callback(client, report, signature="").status_code == 403
    item.refresh_from_db()
    assert item.status == PostalStatus.HANDED_OVER
    r = _callback(client, report)
    assert r.status_code == 200 and r.json() == {
        "item_number": item.item_number,
        "status": "delivered",
        "changed": True,
    }
    r = _callback(client, report)  # the same report again
    assert r.status_code == 200 and r.json()["changed"] is False
    late = {"event_id": "e-0", "item_number": item.item_number, "status": "in_transit"}
    assert _callback(client, late).json() == {
        "item_number": item.item_number,
        "status": "delivered",
        "changed": False,
    }
    item.refresh_from_db()
    assert item.status == PostalStatus.DELIVERED
    assert [h["event_id"] for h in item.history if "event_id" in h] == ["e-1", "e-0"]
    unknown = {"event_id": "e-9", "item_number": "RR000000000VN", "status": "delivered"}
    assert _callback(client, unknown).status_code == 404
    bad = {"event_id": "e-8", "item_number": item.item_number, "status": "lost"}
    assert _callback(client, bad).status_code == 400
    raw = b"not json"
    r = client.post(
        "/integrations/postal/callback/",
        raw,
        content_type="application/json",
        headers={"X-Postal-Signature": postal.sign(raw)},
    )
    assert r.status_code == 400


def test_citizen_and_officials_see_the_delivery(
    client, citizen, procedure, agency, django_capture_on_commit_callbacks
):
    item = _handed_over(citizen, procedure, agency, django_capture_on_commit_callbacks)
    client.force_login(citizen)
    html = client.get(f"/ho-so-cua-toi/{item.reference}/").content.decode()
    assert "Đã giao cho bưu chính" in html and item.item_number in html
    _callback(client, {"event_id": "x", "item_number": item.item_number, "status": "in_transit"})
    api = client.get(f"/api/v1/dossiers/{item.reference}/").json()
    assert api["result_delivery"] == {
        "method": "post",
        "address": "Số 7 phố Huế, Hà Nội",
        "charge": 0,
        "status": "in_transit",
        "item_number": item.item_number,
    }
    assert api["representative"] == {
        "name": citizen.full_name,
        "id_number": citizen.id_number,
        "relation": "authorised",
    }


def test_the_stand_in_reports_to_the_callback(client, monkeypatch):
    # The stand-in signs its report as the portal checks it.
    sent = {}

    class Response:
        status_code = 200

    def fake_post(url, data, headers, timeout):
        sent.update(url=url, data=data, headers=headers)
        return Response()

    monkeypatch.setattr(postal.requests, "post", fake_post)
    postal.StandInPostalService().report("RR123456785VN", "delivered")
    assert sent["url"].endswith("/integrations/postal/callback/")
    assert postal.signature_valid(sent["data"], sent["headers"]["X-Postal-Signature"])
    assert json.loads(sent["data"])["status"] == "delivered"


def test_s10_item_numbers_carry_their_check_digit():
    # The UPU S10 standard's example: serial 47312482 has check digit 9.
    assert postal.s10_item_number(47312482, prefix="RA", country="VN") == "RA473124829VN"
    assert postal.s10_item_number(0)[10] == "5"  # 11 − 0 → 5


# --- the desk: files that came by post ----------------------------------------------------------


def test_counter_dossier_by_post_carries_the_post_channel_to_the_hub(
    client, procedure, reception, citizen
):
    client.force_login(reception)
    html = client.get("/can-bo/tiep-nhan/").content.decode()
    assert "Qua dịch vụ bưu chính công ích" in html and 'name="channel"' in html
    r = client.post(
        "/can-bo/tiep-nhan/",
        {
            "case": procedure.cases.get().pk,
            "applicant_id_number": citizen.id_number,
            "applicant_name": citizen.full_name,
            "identity_checked": "on",
            "channel": "post",
        },
    )
    assert r.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.channel == "post" and dossier.created_by == reception
    services.dossier_update_form(actor=reception, dossier_id=dossier.pk, form_data={"ho_ten": "A"})
    for component in dossier.case_components():
        if component["required"]:
            services.attachment_add(
                actor=reception,
                dossier_id=dossier.pk,
                component_id=component["id"],
                upload=upload(),
            )
    services.dossier_submit(actor=reception, dossier_id=dossier.pk)
    event = HubOutboxEvent.objects.get(dossier_code=Dossier.objects.get().code)
    assert event.payload["channel"] == "post"


# --- the API -------------------------------------------------------------------------------------


def test_api_creates_a_draft_on_behalf_with_post(client, citizen, procedure):
    client.force_login(citizen)
    body = {
        "procedure": procedure.code,
        "applicant_kind": "person",
        "applicant": {"name": "Nguyễn Thị Bà", "id_number": "001150000777"},
        "representative": {
            "name": citizen.full_name,
            "id_number": citizen.id_number,
            "relation": "guardian",
        },
        "result_delivery": {"method": "post", "address": "Số 7 phố Huế"},
    }
    r = client.post("/api/v1/dossiers/", body, content_type="application/json")
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["applicant_kind"] == "person" and data["applicant"]["name"] == "Nguyễn Thị Bà"
    assert data["representative"]["relation"] == "guardian"
    assert data["result_delivery"]["method"] == "post"
    # Refused as a whole: no draft is left behind.
    bad = body | {"result_delivery": {"method": "post"}}
    r = client.post("/api/v1/dossiers/", bad, content_type="application/json")
    assert r.status_code == 400 and "postal_address" in r.json()["fields"]
    assert Dossier.objects.count() == 1
    # PATCH: the old body (form_data only) still works; the party alone too.
    url = f"/api/v1/dossiers/{data['id']}/"
    r = client.patch(url, {"form_data": {"ho_ten": "B"}}, content_type="application/json")
    assert r.status_code == 200
    r = client.patch(url, {"applicant_kind": "organisation"}, content_type="application/json")
    assert r.status_code == 400 and "applicant_kind" in r.json()["fields"]
    r = client.patch(
        url,
        {"applicant_kind": "self", "applicant": {"id_number": citizen.id_number}},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["representative"] is None
    assert client.patch(url, {}, content_type="application/json").status_code == 400


def test_receipt_of_an_organisation_prints_its_tax_code(citizen, agency, reception):
    from tests.dossiers.papers import pdf_text

    dossier = _organisation_draft_ready(
        citizen, agency, tax_code="0101234567", address="Số 9 Tràng Tiền, Hà Nội"
    )
    services.dossier_submit(actor=citizen, dossier_id=dossier.pk)
    dossier = workflow_services.dossier_run_action(
        actor=reception, dossier_id=dossier.pk, action="receive"
    )
    data = documents.document_data(dossier, "receipt")
    text = " ".join(pdf_text(documents.render_pdf("receipt", data, token="t")).split())
    assert "Tổ chức: Công ty TNHH Thử Nghiệm" in text and "Mã số thuế: 0101234567" in text
    assert "Người đại diện theo pháp luật: Trần Giám Đốc" in text
