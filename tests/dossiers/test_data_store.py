"""The personal data store (docs/api.md §10): the citizen's returned results and filed documents,
their download, and reusing one in a new dossier without copying its bytes (once-only)."""

from __future__ import annotations

import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from rest_framework.test import APIClient

from dossiers import selectors
from dossiers.constants import DossierStatus
from dossiers.filing import services, store
from dossiers.models import Attachment, Dossier, DossierDocument
from dvctt import pdf
from tests.dossiers.conftest import PDF, make_draft, make_submitted, upload
from tests.dossiers.factories import dossier_in
from tests.factories import CitizenFactory, make_official
from tests.procedures.factories import ProcedureFactory

pytestmark = pytest.mark.django_db

RESULT_PDF = b"%PDF-1.4\n% ket qua giai quyet\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _returned_with_result(citizen, procedure) -> tuple[Dossier, DossierDocument]:
    """A dossier of the citizen brought to `returned`, with a stored result PDF."""
    dossier = dossier_in(
        DossierStatus.RETURNED,
        citizen=citizen,
        procedure=procedure,
        agency=procedure_agency(procedure),
    )
    document = DossierDocument(
        dossier=dossier,
        kind="result",
        size=len(RESULT_PDF),
        sha256=pdf.sha256_hex(RESULT_PDF),
        source_hash="x",
        issued_at=timezone.now(),
        is_uploaded=True,
        original_name="ket-qua.pdf",
    )
    document.file.save("ket-qua.pdf", ContentFile(RESULT_PDF), save=False)
    document.save()
    return dossier, document


def procedure_agency(procedure):
    return procedure.agencies.first()


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _component(dossier, index: int = 0) -> dict:
    return dossier.case_components()[index]


def _stored_files() -> int:
    root = default_storage.location  # type: ignore[attr-defined]  # the file system storage
    return sum(len(files) for _dir, _dirs, files in os.walk(root))


# --- the store -------------------------------------------------------------------------------


def test_store_lists_results_and_filed_files_newest_first(citizen, procedure):
    filed = make_submitted(citizen, procedure)
    make_draft(citizen, procedure)  # a draft's files are not in the store
    make_submitted(CitizenFactory(), procedure)  # nor anyone else's
    returned, result = _returned_with_result(citizen, procedure)
    body = _api(citizen).get("/api/v1/my/documents/").json()
    ids = [row["id"] for row in body["results"]]
    filed_file = filed.attachments.get()
    returned_file = returned.attachments.get()
    assert body["count"] == 3
    assert ids == [
        f"result-{result.pk}",
        f"attachment-{returned_file.pk}",
        f"attachment-{filed_file.pk}",
    ]
    first = body["results"][0]
    assert first["kind"] == "result" and first["dossier_code"] == returned.code
    assert first["name"] == "Giấy xác nhận" and first["procedure"] == procedure.name
    assert first["sha256"] == result.sha256 and first["signed"] is False
    assert first["component"] is None
    row = body["results"][2]
    assert row["kind"] == "attachment" and row["component"] == filed_file.component_name
    assert row["name"] == "giay-to.pdf" and row["dossier_code"] == filed.code
    assert row["url"] == f"/tai-khoan/kho-du-lieu/attachment-{filed_file.pk}/tai-ve/"


def test_result_is_in_the_store_only_once_returned(citizen, procedure):
    issued = dossier_in(
        DossierStatus.RESULT_ISSUED,
        citizen=citizen,
        procedure=procedure,
        agency=procedure_agency(procedure),
    )
    DossierDocument.objects.create(
        dossier=issued,
        kind="result",
        file="documents/x.pdf",
        size=1,
        sha256="0" * 64,
        source_hash="x",
        issued_at=timezone.now(),
    )
    kinds = [r["kind"] for r in _api(citizen).get("/api/v1/my/documents/").json()["results"]]
    assert "result" not in kinds  # NĐ 61/2018 Điều 20: the citizen gets it when returned


def test_store_search_forgives_diacritics(citizen, procedure):
    make_submitted(citizen, procedure)
    other = ProcedureFactory(agencies=[procedure_agency(procedure)], name="Đăng ký khai sinh")
    make_submitted(citizen, other)
    api = _api(citizen)

    def found(q):
        return api.get("/api/v1/my/documents/", {"q": q}).json()["count"]

    assert found("to khai theo mau") == 2  # the component's name, without diacritics
    assert found("dang ky khai sinh") == 1  # the procedure's name
    assert found("ĐĂNG KÝ") == 1
    assert found(other.code) == 1
    assert found("giay chung nhan quyen su dung dat") == 0
    page = _client_for(citizen).get("/tai-khoan/kho-du-lieu/", {"q": "khai sinh"})
    assert "Đăng ký khai sinh" in page.content.decode() and "1 giấy tờ" in page.content.decode()


def _client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_store_page_and_api_pin_queries(citizen, procedure, django_assert_num_queries):
    make_submitted(citizen, procedure)
    _returned_with_result(citizen, procedure)
    client = _client_for(citizen)
    client.get("/tai-khoan/kho-du-lieu/")
    # user, the count, the page's UNION, then its attachments and its results by id (the
    # session comes from the cache).
    with django_assert_num_queries(5):
        r = client.get("/tai-khoan/kho-du-lieu/")
    assert r.content.decode().count('class="card component"') == 3
    api = _api(citizen)
    with django_assert_num_queries(4):
        api.get("/api/v1/my/documents/")
    for _ in range(25):
        make_submitted(citizen, procedure)
    _returned_with_result(citizen, procedure)
    with django_assert_num_queries(5):
        r = client.get("/tai-khoan/kho-du-lieu/")
    html = r.content.decode()
    assert html.count('class="card component"') == 20 and "Trang 1/2" in html
    with django_assert_num_queries(4):
        body = api.get("/api/v1/my/documents/").json()
    assert body["count"] == 30 and body["next"]


def test_download_and_choose_page_pin_queries(citizen, procedure, django_assert_num_queries):
    filed = make_submitted(citizen, procedure)
    _returned, result = _returned_with_result(citizen, procedure)
    draft = make_draft(citizen, procedure, complete=False)
    client = _client_for(citizen)
    choose = f"/ho-so/{draft.pk}/tep/kho-du-lieu/?component={_component(draft)['id']}"
    client.get(choose)
    for item in (f"attachment-{filed.attachments.get().pk}", f"result-{result.pk}"):
        with django_assert_num_queries(2):  # user, the item (the session: cache)
            r = client.get(f"/tai-khoan/kho-du-lieu/{item}/tai-ve/")
        assert r.status_code == 200
    # user, the dossier, the UNION (ranked in Python), the page's two kinds by id.
    with django_assert_num_queries(5):
        client.get(choose)
    for _ in range(22):
        make_submitted(citizen, procedure)
    # The 24 files that fit come first: page 1 holds no result, so its query is not made.
    with django_assert_num_queries(4):
        html = client.get(choose).content.decode()
    assert html.count("Dùng giấy tờ này<") == 20 and "Trang 1/2" in html


def test_store_download_is_the_owners_only(citizen, procedure, agency):
    filed = make_submitted(citizen, procedure)
    _returned, result = _returned_with_result(citizen, procedure)
    attachment = filed.attachments.get()
    owner = _client_for(citizen)
    r = owner.get(f"/tai-khoan/kho-du-lieu/attachment-{attachment.pk}/tai-ve/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    assert r["Cache-Control"] == "private, no-store"
    assert r["Content-Type"] == "application/pdf"
    r = owner.get(f"/tai-khoan/kho-du-lieu/result-{result.pk}/tai-ve/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == RESULT_PDF
    assert r["X-Content-SHA256"] == result.sha256
    # Another citizen, an official of the agency: 404, exactly like an id that does not exist.
    for outsider in (CitizenFactory(), make_official(agency=agency, role="reception")):
        client = _client_for(outsider)
        for item in (f"attachment-{attachment.pk}", f"result-{result.pk}"):
            assert client.get(f"/tai-khoan/kho-du-lieu/{item}/tai-ve/").status_code == 404
    r = _client_for(make_official(agency=agency)).get("/tai-khoan/kho-du-lieu/")
    assert r.status_code == 403
    from django.test import Client

    r = Client().get(f"/tai-khoan/kho-du-lieu/attachment-{attachment.pk}/tai-ve/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "item",
    [
        "attachment-00000000-0000-0000-0000-000000000000",
        "result-00000000-0000-0000-0000-000000000000",
        "attachment-xyz",
        "dossier-00000000-0000-0000-0000-000000000000",
        "..%2F..%2Fetc%2Fpasswd",
        "attachment-%00",
    ],
)
def test_store_download_refuses_hostile_ids(citizen, item):
    r = _client_for(citizen).get(f"/tai-khoan/kho-du-lieu/{item}/tai-ve/")
    assert 400 <= r.status_code < 500


# --- reuse -------------------------------------------------------------------------------------


def test_reuse_through_the_api_shares_the_stored_file(citizen, procedure, agency, client):
    filed = make_submitted(citizen, procedure)
    source = filed.attachments.get()
    draft = make_draft(citizen, procedure, complete=False)
    files_before = _stored_files()
    r = _api(citizen).post(
        f"/api/v1/dossiers/{draft.pk}/attachments/",
        {"component": _component(draft)["id"], "stored_document": f"attachment-{source.pk}"},
        format="json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["reused"] is True and r.json()["digitised"] is True
    assert r.json()["sha256"] == source.sha256
    reused = Attachment.objects.get(pk=r.json()["id"])
    assert reused.file.name == source.file.name  # the same stored file: no copy of the bytes
    assert _stored_files() == files_before
    assert reused.reused_from_attachment == source and reused.reused_from_document is None
    # The reused file makes the draft complete; submitted, the official sees where it came from.
    submitted = services.dossier_submit(actor=citizen, dossier_id=draft.pk)
    client.force_login(make_official(agency=agency, role="reception"))
    html = client.get(f"/can-bo/ho-so/{submitted.pk}/").content.decode()
    assert "lấy từ kho dữ liệu" in html
    assert f"Bản gốc thuộc hồ sơ {filed.code}" in html and source.sha256 in html
    r = client.get(f"/can-bo/ho-so/{submitted.pk}/tep/{reused.pk}/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    # The store lists the original once, not its reuse.
    ids = [row["id"] for row in _api(citizen).get("/api/v1/my/documents/").json()["results"]]
    assert f"attachment-{reused.pk}" not in ids and f"attachment-{source.pk}" in ids


def test_reused_result_shows_its_verification_to_the_official(citizen, procedure, agency, client):
    returned, result = _returned_with_result(citizen, procedure)
    draft = make_draft(citizen, procedure, complete=False)
    services.dossier_update_form(
        actor=citizen, dossier_id=draft.pk, form_data={"ho_ten": "Nguyễn Văn Thử"}
    )
    attachment = services.attachment_reuse(
        actor=citizen,
        dossier_id=draft.pk,
        component_id=_component(draft)["id"],
        stored_document_id=f"result-{result.pk}",
    )
    assert attachment.file.name == result.file.name and attachment.reused_from_document == result
    assert attachment.content_type == "application/pdf" and attachment.size == result.size
    submitted = services.dossier_submit(actor=citizen, dossier_id=draft.pk)
    client.force_login(make_official(agency=agency, role="reception"))
    html = client.get(f"/can-bo/ho-so/{submitted.pk}/").content.decode()
    assert "lấy từ kho dữ liệu" in html
    assert f'href="/xac-thuc/{result.token}/"' in html and returned.code in html


def test_reuse_through_the_page_without_javascript(citizen, procedure):
    filed = make_submitted(citizen, procedure)
    other = ProcedureFactory(agencies=[procedure_agency(procedure)])
    unrelated = make_submitted(citizen, other)
    # The other procedure's file is for a component named differently.
    unrelated.attachments.update(component_name="Ảnh chân dung 4x6")
    draft = make_draft(citizen, procedure, complete=False)
    component = _component(draft)
    client = _client_for(citizen)
    step = client.get(f"/ho-so/{draft.pk}/buoc/4/").content.decode()
    link = f"/ho-so/{draft.pk}/tep/kho-du-lieu/?component={component['id']}"
    assert "Chọn từ kho dữ liệu" in step and link in step
    page = client.get(link).content.decode()
    source = filed.attachments.get()
    # What fits comes first: the file filed for this very component.
    assert page.index(f"attachment-{source.pk}") < page.index(
        f"attachment-{unrelated.attachments.get().pk}"
    )
    assert page.count("Phù hợp với thành phần này") == 1
    r = client.post(
        link, {"component": component["id"], "stored_document": f"attachment-{source.pk}"}
    )
    assert r.status_code == 302 and r["Location"].startswith(f"/ho-so/{draft.pk}/buoc/4/")
    step = client.get(r["Location"]).content.decode()
    assert "lấy từ kho dữ liệu" in step
    assert draft.attachments.get(is_current=True).reused


def test_similar_names_fit_too(citizen, procedure):
    component = {"id": 1, "name": "Bản sao Giấy khai sinh của trẻ"}
    assert store.fits_component(component=component, component_id=1, label="x") == 2
    assert (
        store.fits_component(
            component=component, component_id=9, label="Giấy khai sinh (bản sao) của trẻ"
        )
        == 1
    )
    assert store.fits_component(component=component, component_id=9, label="Ảnh 4x6") == 0
    assert store.fits_component(component=component, component_id=None, label=None) == 0


def test_shared_file_survives_the_reusing_drafts_lifecycle(
    citizen, procedure, django_capture_on_commit_callbacks
):
    filed = make_submitted(citizen, procedure)
    source = filed.attachments.get()
    storage = source.file.storage
    stored = f"attachment-{source.pk}"

    def reuse(draft):
        return services.attachment_reuse(
            actor=citizen,
            dossier_id=draft.pk,
            component_id=_component(draft)["id"],
            stored_document_id=stored,
        )

    draft = make_draft(citizen, procedure, complete=False)
    reused = reuse(draft)
    services.attachment_remove(actor=citizen, dossier_id=draft.pk, attachment_id=reused.pk)
    reuse(draft)
    services.attachment_add(  # replaced by an upload
        actor=citizen, dossier_id=draft.pk, component_id=_component(draft)["id"], upload=upload()
    )
    own = draft.attachments.get(is_current=True)
    reuse(draft)
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_delete_draft(actor=citizen, dossier_id=draft.pk)
    assert storage.exists(source.file.name)
    assert not storage.exists(own.file.name)  # the draft's own upload still goes with it
    assert _client_for(citizen).get(f"/tai-khoan/kho-du-lieu/{stored}/tai-ve/").status_code == 200


def test_change_of_case_keeps_the_shared_file(citizen, agency, django_capture_on_commit_callbacks):
    procedure = ProcedureFactory(agencies=[agency], multi_case=True)
    first_case = procedure.cases.order_by("position").first().pk
    filed = make_submitted(citizen, procedure, case_id=first_case)
    source = filed.attachments.get()
    draft = make_draft(citizen, procedure, complete=False, case_id=first_case)
    services.attachment_reuse(
        actor=citizen,
        dossier_id=draft.pk,
        component_id=_component(draft, 1)["id"],  # "Giấy tờ bổ sung", not in the other case
        stored_document_id=f"attachment-{source.pk}",
    )
    other_case = next(c for c in draft.snapshot["cases"] if c["id"] != draft.case_id)
    change = services.dossier_case_change_plan(dossier=draft, case_id=other_case["id"])
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_change_case(
            actor=citizen,
            dossier_id=draft.pk,
            case_id=other_case["id"],
            drop_confirmed=[str(a.pk) for a in change.drop],
        )
    assert change.drop and not draft.attachments.exists()
    assert source.file.storage.exists(source.file.name)


def test_another_citizens_store_is_404_everywhere(citizen, procedure):
    stranger = CitizenFactory()
    theirs = make_submitted(stranger, procedure).attachments.get()
    _returned, their_result = _returned_with_result(stranger, procedure)
    draft = make_draft(citizen, procedure, complete=False)
    component = _component(draft)["id"]
    api, client = _api(citizen), _client_for(citizen)
    for item in (f"attachment-{theirs.pk}", f"result-{their_result.pk}"):
        r = api.post(
            f"/api/v1/dossiers/{draft.pk}/attachments/",
            {"component": component, "stored_document": item},
            format="json",
        )
        assert r.status_code == 404 and r.json()["code"] == "not_found"
        r = client.post(
            f"/ho-so/{draft.pk}/tep/kho-du-lieu/?component={component}",
            {"component": component, "stored_document": item},
        )
        assert r.status_code == 404
        assert client.get(f"/tai-khoan/kho-du-lieu/{item}/tai-ve/").status_code == 404
    assert api.get("/api/v1/my/documents/").json()["count"] == 0
    assert not draft.attachments.exists()
    # Nor may anyone reuse into someone else's draft, with their own store item.
    mine = make_submitted(citizen, procedure).attachments.get()
    their_draft = make_draft(stranger, procedure, complete=False)
    r = api.post(
        f"/api/v1/dossiers/{their_draft.pk}/attachments/",
        {"component": _component(their_draft)["id"], "stored_document": f"attachment-{mine.pk}"},
        format="json",
    )
    assert r.status_code == 404 and not their_draft.attachments.exists()
    r = client.get(f"/ho-so/{their_draft.pk}/tep/kho-du-lieu/?component={component}")
    assert r.status_code == 404


@pytest.mark.parametrize(
    "body, status",
    [
        ({"stored_document": "attachment-00000000-0000-0000-0000-000000000000"}, 404),
        ({"stored_document": "nonsense"}, 404),
        ({"stored_document": "attachment-\u0000"}, 400),
        ({"stored_document": ""}, 400),
        ({"stored_document": "x" * 200}, 400),
        ({"stored_document": None}, 400),
    ],
)
def test_reuse_refuses_hostile_input(citizen, procedure, body, status):
    draft = make_draft(citizen, procedure, complete=False)
    r = _api(citizen).post(
        f"/api/v1/dossiers/{draft.pk}/attachments/",
        {"component": _component(draft)["id"], **body},
        format="json",
    )
    assert r.status_code == status, r.content
    assert set(r.json()) == {"code", "message", "fields"}
    assert not draft.attachments.exists()


def test_reuse_checks_the_component_and_the_dossier(citizen, procedure, agency):
    filed = make_submitted(citizen, procedure)
    source = f"attachment-{filed.attachments.get().pk}"
    draft = make_draft(citizen, procedure, complete=False)
    api = _api(citizen)
    r = api.post(
        f"/api/v1/dossiers/{draft.pk}/attachments/",
        {"component": 999999, "stored_document": source},
        format="json",
    )
    assert r.status_code == 400 and "component" in r.json()["fields"]
    # A submitted dossier takes no new file (only a supplement reopens it).
    r = api.post(
        f"/api/v1/dossiers/{filed.pk}/attachments/",
        {"component": _component(filed)["id"], "stored_document": source},
        format="json",
    )
    assert r.status_code == 409
    # A desk officer filing for the citizen at the counter has no access to the citizen's store.
    reception = make_official(agency=agency, role="reception")
    counter = services.dossier_file_at_counter(
        actor=reception,
        procedure_code=procedure.code,
        agency_code=agency.code,
        case_id=None,
        id_number=citizen.id_number,
        identity_checked=True,
        applicant_data={"applicant_name": citizen.full_name},
    )
    with pytest.raises(Exception) as refused:
        services.attachment_reuse(
            actor=reception,
            dossier_id=counter.pk,
            component_id=_component(counter)["id"],
            stored_document_id=source,
        )
    assert getattr(refused.value, "status_code", None) == 404


def test_reuse_of_its_own_file_in_a_supplement_is_refused(citizen, procedure, agency):
    dossier = dossier_in(
        DossierStatus.SUPPLEMENT_REQUESTED, citizen=citizen, procedure=procedure, agency=agency
    )
    own = f"attachment-{dossier.attachments.get().pk}"
    r = _api(citizen).post(
        f"/api/v1/dossiers/{dossier.pk}/attachments/",
        {"component": _component(dossier)["id"], "stored_document": own},
        format="json",
    )
    assert r.status_code == 400 and "stored_document" in r.json()["fields"]


# --- the indicators' flags -----------------------------------------------------------------------


def test_digitisation_flags(citizen, procedure):
    filed = make_submitted(citizen, procedure)
    _returned, result = _returned_with_result(citizen, procedure)
    draft = make_draft(citizen, procedure, complete=False)
    services.attachment_reuse(
        actor=citizen,
        dossier_id=draft.pk,
        component_id=_component(draft)["id"],
        stored_document_id=f"result-{result.pk}",
    )
    services.attachment_reuse(
        actor=citizen,
        dossier_id=draft.pk,
        component_id=_component(draft, 1)["id"],
        stored_document_id=f"attachment-{filed.attachments.get().pk}",
    )
    empty = make_draft(citizen, procedure, complete=False)
    rows = {
        d.pk: d
        for d in selectors.dossiers_with_digitisation(
            Dossier.objects.filter(pk__in=[filed.pk, _returned.pk, draft.pk, empty.pk])
        )
    }
    assert (rows[filed.pk].has_digitised_components, rows[filed.pk].has_digitised_result) == (
        True,
        False,
    )
    assert rows[_returned.pk].has_digitised_result is True
    assert rows[draft.pk].reused_attachments == 2 and rows[filed.pk].reused_attachments == 0
    assert rows[empty.pk].has_digitised_components is False
    assert rows[empty.pk].digitised_attachments == 0
    # A file handed in on paper only (digitised=False) is no digitised component.
    filed.attachments.update(digitised=False)
    flags = selectors.dossier_digitisation(dossier=filed)
    assert flags["has_digitised_components"] is False and flags["digitised_attachments"] == 0


@pytest.mark.parametrize("query", ["", "?component=abc", "?component=999999", "?component=%00"])
def test_reuse_page_refuses_hostile_components(citizen, procedure, query):
    draft = make_draft(citizen, procedure, complete=False)
    r = _client_for(citizen).get(f"/ho-so/{draft.pk}/tep/kho-du-lieu/{query}")
    assert 400 <= r.status_code < 500


def test_reuse_page_post_refuses_hostile_input(citizen, procedure):
    draft = make_draft(citizen, procedure, complete=False)
    component = _component(draft)["id"]
    url = f"/ho-so/{draft.pk}/tep/kho-du-lieu/?component={component}"
    client = _client_for(citizen)
    for stored, status in (("attachment-\x00", 400), ("", 404), ("result-1", 404)):
        r = client.post(url, {"component": component, "stored_document": stored})
        assert r.status_code == status
    mine = make_submitted(citizen, procedure).attachments.get()
    r = client.post(url, {"component": "999999", "stored_document": f"attachment-{mine.pk}"})
    assert r.status_code == 303 and r["Location"] == url  # told on the same page
    assert not draft.attachments.exists()


def test_reuse_answers_a_supplement_and_goes_on_the_log(citizen, procedure, agency):
    other = make_submitted(citizen, procedure).attachments.get()
    dossier = dossier_in(
        DossierStatus.SUPPLEMENT_REQUESTED, citizen=citizen, procedure=procedure, agency=agency
    )
    attachment = services.attachment_reuse(
        actor=citizen,
        dossier_id=dossier.pk,
        component_id=_component(dossier)["id"],
        stored_document_id=f"attachment-{other.pk}",
    )
    event = dossier.events.order_by("-at", "-id").first()
    assert event.action == "attach" and event.data["reused"] is True
    assert event.data["sha256"] == other.sha256 and attachment.reused
