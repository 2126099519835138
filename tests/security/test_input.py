"""No input gives a 500: control characters, %00, huge page numbers, unknown API paths."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from dossiers.models import Dossier
from tests.dossiers.conftest import make_draft, make_submitted


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def _contract(response, status, code=None):
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert set(body) == {"code", "message", "fields"} and body["message"]
    if code:
        assert body["code"] == code
    return body


@pytest.mark.parametrize("text", ["a\x00b", "x\x07", "\x1b[31m"])
def test_control_characters_in_json_are_a_clear_400(citizen, procedure, text):
    api = _api(citizen)
    body = _contract(
        api.post(
            "/api/v1/dossiers/",
            {"procedure": procedure.code, "form_data": {"ho_ten": text}},
            format="json",
        ),
        400,
        "parse_error",
    )
    assert "ký tự điều khiển" in body["message"]
    draft = make_draft(citizen, procedure)
    _contract(
        api.patch(f"/api/v1/dossiers/{draft.pk}/", {"form_data": {text: 1}}, format="json"), 400
    )
    assert Dossier.objects.count() == 1
    # Tabs and line breaks are ordinary text and pass.
    ok = api.patch(
        f"/api/v1/dossiers/{draft.pk}/", {"form_data": {"ho_ten": "A\tB\r\nC"}}, format="json"
    )
    assert ok.status_code == 200


def test_nul_in_form_fields_and_query_strings_is_a_400_page(client, citizen, procedure):
    dossier = make_submitted(citizen, procedure)
    client.force_login(citizen)
    r = client.post(f"/ho-so-cua-toi/{dossier.pk}/rut/", {"note": "rút\x00"})
    assert r.status_code == 400 and "ký tự điều khiển" in r.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == "submitted"
    r = client.get("/tra-cuu/", {"code": "a\x00", "id_last4": "1234"})
    assert r.status_code == 400
    r = client.post("/accounts/login/", {"login": "a\x00@b.vn", "password": "x"})
    assert r.status_code == 400
    r = client.post(
        f"/ho-so-cua-toi/{dossier.pk}/rut/",
        {"note": "multipart\x00"},  # the test client sends multipart
    )
    assert r.status_code == 400


@pytest.mark.parametrize(
    "path",
    ["/thu-tuc/%00/", "/ho-so/nop/1.0%00/", "/api/v1/procedures/%00/", "/tra-cuu/%00"],
)
def test_percent_00_in_urls_is_a_400(client, db, path):
    r = client.get(path)
    assert r.status_code == 400
    if path.startswith("/api/"):
        _contract(r, 400)


HUGE = "99999999999999999999999"


def test_page_numbers_out_of_range_never_500(client, citizen, reception, procedure):
    make_submitted(citizen, procedure)
    client.force_login(citizen)
    for page in (HUGE, "-1", "0", "abc", "1e9", "²", "٣"):  # "²" is a digit int() refuses
        assert client.get("/ho-so-cua-toi/", {"page": page}).status_code in (200, 404)
        assert client.get("/tai-khoan/kho-du-lieu/", {"page": page}).status_code in (200, 404)
        assert client.get("/thu-tuc/", {"page": page}).status_code in (200, 404)
        r = _api(citizen).get("/api/v1/dossiers/", {"page": page})
        assert r.status_code in (200, 404)
        if r.status_code == 404:
            _contract(r, 404)
        r = APIClient().get("/api/v1/procedures/", {"page": page})
        assert r.status_code in (200, 404)
    client.force_login(reception)
    assert client.get("/can-bo/", {"page": HUGE}).status_code in (200, 404)


def test_everything_under_api_answers_in_the_contract_shape(client, citizen):
    _contract(APIClient().get("/api/v1/khong-co/"), 404, "not_found")
    _contract(_api(citizen).get("/api/v1/dossiers/not-a-uuid/"), 404, "not_found")
    _contract(_api(citizen).get(f"/api/v1/dossiers/{'0' * 8}-0000-0000-0000-{'0' * 12}/"), 404)
    _contract(APIClient().get("/api/v1/procedures/khong-co-ma-nay/"), 404)
    # The HTML site keeps its pages.
    assert "text/html" in client.get("/khong-co/")["Content-Type"]


def test_the_form_size_cap_applies_on_create(citizen, procedure):
    big = {"ghi_chu": "x" * (70 * 1024)}
    body = _contract(
        _api(citizen).post(
            "/api/v1/dossiers/", {"procedure": procedure.code, "form_data": big}, format="json"
        ),
        400,
        "invalid",
    )
    assert "form_data" in body["fields"]
    assert not Dossier.objects.exists()


def test_open_drafts_are_capped_with_a_clear_message(citizen, procedure, settings):
    settings.DOSSIER_MAX_OPEN_DRAFTS = 3
    api = _api(citizen)
    codes = [
        api.post("/api/v1/dossiers/", {"procedure": procedure.code}, format="json").status_code
        for _ in range(4)
    ]
    assert codes == [201, 201, 201, 429]
    body = _contract(
        api.post("/api/v1/dossiers/", {"procedure": procedure.code}, format="json"), 429
    )
    assert body["code"] == "too_many_drafts" and "hồ sơ nháp" in body["message"]
    assert Dossier.objects.count() == 3


def test_draft_creation_rate_is_limited_per_citizen(citizen, procedure, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "draft_account": "2/h"}
    api = _api(citizen)
    codes = [
        api.post("/api/v1/dossiers/", {"procedure": procedure.code}, format="json").status_code
        for _ in range(3)
    ]
    assert codes == [201, 201, 429]
    assert Dossier.objects.count() == 2


def test_json_nesting_bombs_are_refused_not_crashing(citizen, procedure):
    deep = json.dumps({"procedure": procedure.code, "form_data": {"a": [[[[[[1]]]]]]}})
    deep = deep.replace("[[[[[[1]]]]]]", "[" * 5000 + "]" * 5000)
    r = _api(citizen).generic("POST", "/api/v1/dossiers/", deep, content_type="application/json")
    assert r.status_code == 400
    _contract(r, 400)


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize(
    "path",
    ["/api/v1/dossiers/not-a-uuid/", "/api/v1/nope/", "/api/whatever", "/api/v2/", "/api/"],
)
def test_unknown_api_paths_answer_the_json_error_even_in_debug(settings, citizen, path, debug):
    # `make run` serves with DEBUG on, where Django answers an unmatched URL with its own
    # HTML page instead of handler404; the API contract (docs/api.md §4) must hold there too.
    settings.DEBUG = debug
    body = _contract(_api(citizen).get(path, HTTP_ACCEPT="text/html"), 404, "not_found")
    assert body["message"] == "Không tìm thấy." and body["fields"] == {}


@pytest.mark.parametrize("debug", [False, True])
def test_a_wrong_method_on_an_api_route_is_a_json_405(settings, citizen, debug):
    settings.DEBUG = debug
    body = _contract(_api(citizen).put("/api/v1/procedures/", {}), 405, "method_not_allowed")
    assert "Phương thức" in body["message"]
    response = _api(citizen).delete("/api/v1/tracking/")
    _contract(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


@pytest.mark.parametrize("debug", [False, True])
def test_the_api_schema_and_docs_still_answer(settings, client, debug):
    settings.DEBUG = debug
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and "text/html" in docs["Content-Type"]
    # The HTML site keeps its HTML 404 page.
    assert "text/html" in client.get("/khong-co-trang-nay/")["Content-Type"]


BIG = 3 * 1024 * 1024  # above FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB): the body is not read early


def _big_pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dvctt import pdf

    # A real PDF (a result is stamped and signed): the bulk is its header comment.
    return SimpleUploadedFile(
        "ket-qua.pdf", pdf.blank_pdf("%" * BIG), content_type="application/pdf"
    )


def _approved(clerk, procedure):
    from dossiers.constants import DossierStatus
    from tests.dossiers.factories import dossier_in

    agency = procedure.agencies.first()
    return dossier_in(
        DossierStatus.APPROVED, agency=agency, procedure=procedure, officials={"clerk": clerk}
    )


def test_nul_in_a_large_multipart_action_is_a_400_page(client, clerk, procedure, settings):
    from dossiers.models import DossierEvent

    assert BIG > settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    dossier = _approved(clerk, procedure)
    events = DossierEvent.objects.filter(dossier=dossier).count()
    client.force_login(clerk)
    response = client.post(
        f"/can-bo/ho-so/{dossier.pk}/thao-tac/issue_result/",
        {"note": "Kết quả\x00", "file": _big_pdf()},
    )
    assert response.status_code == 400
    assert "ký tự điều khiển" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == "approved"
    assert DossierEvent.objects.filter(dossier=dossier).count() == events
    # With the CSRF check on, the token is read from the body before the view: same answer.
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client

    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(clerk)
    token = _get_new_csrf_string()
    guarded.cookies[settings.CSRF_COOKIE_NAME] = token
    response = guarded.post(
        f"/can-bo/ho-so/{dossier.pk}/thao-tac/issue_result/",
        {"csrfmiddlewaretoken": token, "note": "Kết quả\x00", "file": _big_pdf()},
    )
    assert response.status_code == 400
    assert "ký tự điều khiển" in response.content.decode()
    # The same body without the NUL goes through.
    ok = client.post(
        f"/can-bo/ho-so/{dossier.pk}/thao-tac/issue_result/",
        {"note": "Kết quả", "file": _big_pdf()},
    )
    assert ok.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == "result_issued"


def test_nul_in_a_large_multipart_api_body_is_a_400_in_the_contract_shape(clerk, procedure):
    from dossiers.models import DossierEvent

    dossier = _approved(clerk, procedure)
    events = DossierEvent.objects.filter(dossier=dossier).count()
    body = _contract(
        _api(clerk).post(
            f"/api/v1/dossiers/{dossier.pk}/actions/issue_result/",
            {"note": "Kết quả\x00", "file": _big_pdf()},
            format="multipart",
        ),
        400,
    )
    assert "ký tự điều khiển" in body["message"]
    dossier.refresh_from_db()
    assert dossier.status == "approved"
    assert DossierEvent.objects.filter(dossier=dossier).count() == events
