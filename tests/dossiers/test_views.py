"""HTML pages: the filing wizard, "Hồ sơ của tôi", tracking and the officials' workspace."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.constants import DossierStatus
from dossiers.models import Attachment, Dossier
from dossiers.workflow import services
from tests.dossiers.conftest import PDF, make_draft, make_submitted, required_components
from tests.factories import PASSWORD, AgencyFactory, CitizenFactory, make_official
from tests.procedures.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen_client(client, citizen):
    client.force_login(citizen)
    return client


def test_start_requires_login(client, procedure):
    r = client.get(f"/ho-so/nop/{procedure.code}/")
    assert r.status_code == 302
    assert r["Location"].startswith("/accounts/login/?next=/ho-so/nop/")


def test_whole_citizen_flow_without_javascript(citizen_client, citizen, procedure, mailoutbox):
    c = citizen_client
    r = c.get(f"/ho-so/nop/{procedure.code}/")
    assert r.status_code == 200 and "Bước 1/5" in r.content.decode()
    r = c.post(
        f"/ho-so/nop/{procedure.code}/",
        {"agency": procedure.agencies.get().code, "case": str(procedure.cases.get().pk)},
    )
    assert r.status_code == 302
    dossier = Dossier.objects.get()
    assert r["Location"] == f"/ho-so/{dossier.pk}/buoc/2/"

    r = c.get(r["Location"])
    html = r.content.decode()
    assert "Bước 2/5" in html and citizen.id_number in html  # prefilled
    r = c.post(
        f"/ho-so/{dossier.pk}/buoc/2/",
        {
            "applicant_name": citizen.full_name,
            "applicant_id_number": "12",
            "applicant_email": citizen.email,
        },
    )
    assert r.status_code == 400 and 'aria-invalid="true"' in r.content.decode()
    r = c.post(
        f"/ho-so/{dossier.pk}/buoc/2/",
        {
            "applicant_name": citizen.full_name,
            "applicant_id_number": citizen.id_number,
            "applicant_phone": "0912000111",
            "applicant_email": citizen.email,
            "applicant_address": "Số 2",
        },
    )
    assert r["Location"] == f"/ho-so/{dossier.pk}/buoc/3/"

    r = c.post(f"/ho-so/{dossier.pk}/buoc/3/", {"f__ngay_sinh": "2020-02-01"})
    html = r.content.decode()
    assert r.status_code == 400 and "Vui lòng nhập Họ và tên." in html
    assert 'id="id_f__ho_ten_error"' in html and 'aria-describedby="id_f__ho_ten_error"' in html
    r = c.post(
        f"/ho-so/{dossier.pk}/buoc/3/", {"f__ho_ten": "Nguyễn Bé", "f__ngay_sinh": "2020-02-01"}
    )
    assert r["Location"] == f"/ho-so/{dossier.pk}/buoc/4/"
    dossier.refresh_from_db()
    assert dossier.form_data == {"ho_ten": "Nguyễn Bé", "ngay_sinh": "2020-02-01"}

    r = c.get(f"/ho-so/{dossier.pk}/buoc/4/")
    assert "Bước 4/5" in r.content.decode()
    for component in required_components(dossier):
        r = c.post(
            f"/ho-so/{dossier.pk}/tep/",
            {"component": component["id"], "file": SimpleUploadedFile("giay.pdf", PDF)},
        )
        assert r.status_code == 302
    r = c.post(f"/ho-so/{dossier.pk}/buoc/4/")
    assert r["Location"] == f"/ho-so/{dossier.pk}/buoc/5/"
    r = c.get(r["Location"])
    assert "Nguyễn Bé" in r.content.decode() and "Bước 5/5" in r.content.decode()

    r = c.post(f"/ho-so/{dossier.pk}/buoc/5/", follow=True)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    assert dossier.code in r.content.decode()
    assert r.redirect_chain[-1][0] == f"/ho-so-cua-toi/{dossier.pk}/"
    assert dossier.code in c.get("/ho-so-cua-toi/").content.decode()


def test_applicant_step_refuses_malformed_id_number_and_phone(citizen_client, citizen, procedure):
    dossier = make_draft(citizen, procedure, complete=False)
    before = dossier.applicant_data()
    applicant = {
        "applicant_name": citizen.full_name,
        "applicant_id_number": "999123456789",  # no province has the code 999
        "applicant_email": citizen.email,
    }
    r = citizen_client.post(f"/ho-so/{dossier.pk}/buoc/2/", applicant)
    html = r.content.decode()
    assert r.status_code == 400
    assert "Ba chữ số đầu (mã tỉnh nơi đăng ký khai sinh) phải từ 001 đến 096." in html
    r = citizen_client.post(
        f"/ho-so/{dossier.pk}/buoc/2/",
        applicant | {"applicant_id_number": "abcdefghijkl", "applicant_phone": "12-34"},
    )
    html = r.content.decode()
    assert r.status_code == 400
    assert "Số định danh cá nhân phải gồm đúng 12 chữ số." in html
    assert "Số điện thoại không hợp lệ." in html
    dossier.refresh_from_db()
    assert dossier.applicant_data() == before


def test_hostile_upload_shows_message_with_4xx(citizen_client, citizen, procedure):
    dossier = make_draft(citizen, procedure, complete=False)
    component = required_components(dossier)[0]
    for name, content, needle in [
        ("virus.pdf", b"MZ\x90\x00" + b"\x00" * 64, "tệp chương trình"),
        ("x.png", b"<svg onload=alert(1)></svg>", "SVG/HTML"),
        ("rong.pdf", b"", "rỗng"),
    ]:
        r = citizen_client.post(
            f"/ho-so/{dossier.pk}/tep/",
            {"component": component["id"], "file": SimpleUploadedFile(name, content)},
        )
        assert r.status_code == 400
        assert needle in r.content.decode()
    r = citizen_client.post(f"/ho-so/{dossier.pk}/tep/", {"component": component["id"]})
    assert r.status_code == 400 and "Vui lòng chọn một tệp" in r.content.decode()
    assert not Attachment.objects.exists()


def test_remove_attachment(citizen_client, citizen, procedure):
    dossier = make_draft(citizen, procedure)
    attachment = dossier.attachments.get()
    r = citizen_client.post(f"/ho-so/{dossier.pk}/tep/{attachment.pk}/go/")
    assert r.status_code == 302
    attachment.refresh_from_db()
    assert not attachment.is_current


def test_draft_resumes_where_it_was_left(citizen_client, citizen, procedure):
    dossier = make_draft(citizen, procedure, complete=False)
    # Moving on from step 3 records step 4 (a GET alone writes nothing).
    citizen_client.get(f"/ho-so/{dossier.pk}/buoc/5/")
    dossier.refresh_from_db()
    assert dossier.draft_step == 1
    citizen_client.post(f"/ho-so/{dossier.pk}/buoc/3/", {"f__ho_ten": "Nguyễn Văn Thử"})
    dossier.refresh_from_db()
    assert dossier.draft_step == 4
    html = citizen_client.get(f"/ho-so-cua-toi/{dossier.pk}/").content.decode()
    assert f'href="/ho-so/{dossier.pk}/buoc/4/"' in html
    html = citizen_client.get(f"/ho-so/nop/{procedure.code}/").content.decode()
    assert f'href="/ho-so/{dossier.pk}/buoc/4/"' in html  # offered again on the start page


def test_another_citizen_gets_404_on_every_dossier_url(client, citizen, procedure):
    dossier = make_submitted(citizen, procedure)
    draft = make_draft(citizen, procedure)
    attachment = dossier.attachments.first()
    client.force_login(CitizenFactory())
    urls = [
        f"/ho-so-cua-toi/{dossier.pk}/",
        f"/ho-so-cua-toi/{dossier.pk}/bo-sung/",
        f"/ho-so-cua-toi/{dossier.pk}/tep/{attachment.pk}/",
        f"/can-bo/ho-so/{dossier.pk}/tep/{attachment.pk}/",
        f"/ho-so/{draft.pk}/buoc/2/",
        f"/ho-so/{draft.pk}/buoc/5/",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    posts = [
        f"/ho-so-cua-toi/{dossier.pk}/rut/",
        f"/ho-so/{draft.pk}/tep/",
        f"/ho-so/{draft.pk}/tep/{draft.attachments.first().pk}/go/",
        f"/ho-so/{draft.pk}/buoc/5/",
    ]
    for url in posts:
        assert client.post(url).status_code == 404, url
    draft.refresh_from_db()
    assert draft.status == DossierStatus.DRAFT


def test_owner_downloads_attachment_safely(citizen_client, citizen, procedure):
    dossier = make_submitted(citizen, procedure)
    attachment = dossier.attachments.get()
    r = citizen_client.get(f"/ho-so-cua-toi/{dossier.pk}/tep/{attachment.pk}/")
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == PDF
    assert r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"].startswith("attachment;")
    assert "no-store" in r["Cache-Control"]


def test_withdraw_from_detail(citizen_client, citizen, procedure):
    dossier = make_submitted(citizen, procedure)
    html = citizen_client.get(f"/ho-so-cua-toi/{dossier.pk}/").content.decode()
    assert "Rút hồ sơ" in html
    r = citizen_client.post(f"/ho-so-cua-toi/{dossier.pk}/rut/", {"note": "Không cần nữa"})
    assert r.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.WITHDRAWN


def test_supplement_page(citizen_client, citizen, procedure, reception):
    dossier = make_submitted(citizen, procedure)
    services.dossier_run_action(
        actor=reception, dossier_id=dossier.pk, action="request_supplement", note="Ảnh bị mờ"
    )
    html = citizen_client.get(f"/ho-so-cua-toi/{dossier.pk}/").content.decode()
    assert f"/ho-so-cua-toi/{dossier.pk}/bo-sung/" in html
    html = citizen_client.get(f"/ho-so-cua-toi/{dossier.pk}/bo-sung/").content.decode()
    assert "Ảnh bị mờ" in html
    component = required_components(dossier)[0]
    r = citizen_client.post(
        f"/ho-so/{dossier.pk}/tep/",
        {"component": component["id"], "file": SimpleUploadedFile("ro.pdf", PDF)},
    )
    assert r["Location"] == f"/ho-so-cua-toi/{dossier.pk}/bo-sung/"
    r = citizen_client.post(f"/ho-so-cua-toi/{dossier.pk}/bo-sung/", {"note": "Đã thay"})
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED


def test_my_list_filters_paginates_and_pins_queries(
    citizen_client, citizen, procedure, django_assert_num_queries
):
    for _ in range(3):
        make_submitted(citizen, procedure)
    make_draft(citizen, procedure, complete=False)
    citizen_client.get("/ho-so-cua-toi/")  # warm the session
    with django_assert_num_queries(3):  # user, count, page (the session: cache)
        r = citizen_client.get("/ho-so-cua-toi/")
    assert r.content.decode().count("<tr>") == 5
    for _ in range(20):
        make_submitted(citizen, procedure)
    with django_assert_num_queries(3):
        r = citizen_client.get("/ho-so-cua-toi/")
    html = r.content.decode()
    assert "Trang 1/2" in html and html.count("<tr>") == 21
    r = citizen_client.get("/ho-so-cua-toi/?status=draft")
    assert r.content.decode().count("<tr>") == 2


def test_tracking_shows_status_without_personal_data(client, citizen, procedure):
    cache.clear()
    dossier = make_submitted(citizen, procedure)
    r = client.get("/tra-cuu/", {"code": dossier.code, "id_last4": citizen.id_number[-4:]})
    html = r.content.decode()
    assert r.status_code == 200 and dossier.code in html and "Mới đăng ký" in html
    main = html.split('<main id="main"', 1)[1]
    for secret in (citizen.full_name, citizen.id_number, citizen.email, citizen.phone):
        assert secret not in main
    wrong = "0000" if citizen.id_number[-4:] != "0000" else "1111"
    r = client.get("/tra-cuu/", {"code": dossier.code, "id_last4": wrong})
    assert r.status_code == 404 and "Không tìm thấy hồ sơ" in r.content.decode()
    r = client.get("/tra-cuu/", {"code": dossier.code, "id_last4": "12a"})
    assert r.status_code == 400


def test_tracking_is_rate_limited(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "tracking": "3/m"}
    codes = [
        client.get("/tra-cuu/", {"code": "x", "id_last4": "1234"}).status_code for _ in range(4)
    ]
    assert codes == [404, 404, 404, 429]
    cache.clear()


def test_drafts_are_not_tracked(client, citizen, procedure):
    cache.clear()
    draft = make_draft(citizen, procedure)
    assert (
        client.get(
            "/tra-cuu/", {"code": str(draft.pk), "id_last4": citizen.id_number[-4:]}
        ).status_code
        == 404
    )


def test_workspace_for_officials_only(client, citizen, procedure, reception, agency):
    client.force_login(citizen)
    assert client.get("/can-bo/").status_code == 403
    assert client.get("/can-bo/tiep-nhan/").status_code == 403
    dossier = make_submitted(citizen, procedure)
    client.force_login(reception)
    html = client.get("/can-bo/").content.decode()
    assert dossier.code in html and "Tiếp nhận hồ sơ trực tiếp" in html
    html = client.get(f"/can-bo/ho-so/{dossier.pk}/").content.decode()
    assert "Tiếp nhận" in html and citizen.id_number in html
    r = client.post(f"/can-bo/ho-so/{dossier.pk}/thao-tac/receive/")
    dossier.refresh_from_db()
    assert r.status_code == 302 and dossier.status == DossierStatus.RECEIVED
    outsider = make_official(agency=AgencyFactory())
    client.force_login(outsider)
    assert client.get(f"/can-bo/ho-so/{dossier.pk}/").status_code == 404
    assert client.post(f"/can-bo/ho-so/{dossier.pk}/thao-tac/receive/").status_code == 404
    assert dossier.code not in client.get("/can-bo/").content.decode()
    client.force_login(make_official(agency=agency, role="specialist"))
    assert client.get("/can-bo/tiep-nhan/").status_code == 403  # no reception role


def test_official_list_pins_queries(
    client, citizen, procedure, reception, django_assert_num_queries
):
    for _ in range(4):
        make_submitted(citizen, procedure)
    client.force_login(reception)
    client.get("/can-bo/")
    # The roles are read once (desk and register rights included); the count stays the same
    # whatever the number of dossiers.
    with django_assert_num_queries(5):
        r = client.get("/can-bo/")
    assert r.content.decode().count("<tr>") == 5
    for _ in range(10):
        make_submitted(citizen, procedure)
    with django_assert_num_queries(5):
        client.get("/can-bo/")


def test_counter_filing(client, reception, procedure, agency):
    client.force_login(reception)
    r = client.get("/can-bo/tiep-nhan/")
    assert r.status_code == 200 and procedure.code in r.content.decode()
    r = client.post(
        "/can-bo/tiep-nhan/",
        {
            "case": procedure.cases.get().pk,
            "applicant_id_number": "001200000123",
            "identity_checked": "on",
        },
    )
    assert r.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.channel == "counter" and dossier.created_by == reception
    assert dossier.applicant_name == "Phạm Minh Châu"
    assert r["Location"] == f"/ho-so/{dossier.pk}/buoc/2/"
    client.post(f"/ho-so/{dossier.pk}/buoc/3/", {"f__ho_ten": "Phạm Minh Châu"})
    for component in required_components(dossier):
        client.post(
            f"/ho-so/{dossier.pk}/tep/",
            {"component": component["id"], "file": SimpleUploadedFile("scan.pdf", PDF)},
        )
    r = client.post(f"/ho-so/{dossier.pk}/buoc/5/")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    assert r["Location"] == f"/can-bo/ho-so/{dossier.pk}/"
    # The citizen sees the counter dossier among their own once they have an account.
    assert re.match(r"^\d{3}\.\d{2}\.\d{2}\.H\d{2}-\d{6}-0001$", dossier.code)


def test_counter_unknown_person_needs_a_name(client, reception, procedure):
    client.force_login(reception)
    r = client.post(
        "/can-bo/tiep-nhan/",
        {
            "case": procedure.cases.get().pk,
            "applicant_id_number": "001099000001",
            "identity_checked": "on",
        },
    )
    assert r.status_code == 400 and "hãy nhập họ tên" in r.content.decode()
    assert not Dossier.objects.exists()


def test_multi_case_start_page_offers_the_cases(citizen_client, agency):
    procedure = ProcedureFactory(multi_case=True, agencies=[agency, AgencyFactory()])
    html = citizen_client.get(f"/ho-so/nop/{procedure.code}/").content.decode()
    assert html.count('type="radio" name="case"') == 2
    assert html.count('type="radio" name="agency"') == 2
    r = citizen_client.post(f"/ho-so/nop/{procedure.code}/", {})
    assert r.status_code == 400 and not Dossier.objects.exists()


def test_login_then_back_to_start(client, citizen, procedure):
    r = client.post(
        "/accounts/login/",
        {"login": citizen.email, "password": PASSWORD, "next": f"/ho-so/nop/{procedure.code}/"},
    )
    assert r.status_code == 302 and r["Location"] == f"/ho-so/nop/{procedure.code}/"


def test_huge_upload_is_refused_before_reading(citizen_client, citizen, procedure):
    dossier = make_draft(citizen, procedure, complete=False)
    r = citizen_client.post(
        f"/ho-so/{dossier.pk}/tep/",
        {
            "component": required_components(dossier)[0]["id"],
            "file": SimpleUploadedFile("a.pdf", PDF),
        },
        CONTENT_LENGTH=str(500 * 1024 * 1024),
    )
    assert r.status_code == 413 and "Tệp quá lớn: tối đa 10 MB" in r.content.decode()
    assert not Attachment.objects.exists()


def test_a_staff_account_without_a_role_sees_an_empty_workspace_not_a_500(client, db):
    from accounts.models import User

    admin = User.objects.create_superuser(email="quantri@example.vn", password="x-Quan-tri#2025")
    client.force_login(admin)
    for queue in ("", "?queue=reception", "?queue=mine", "?queue=all&q=Nguyen"):
        response = client.get(f"/can-bo/{queue}")
        assert response.status_code == 200, queue
        html = response.content.decode()
        assert "chưa được giao vai trò cán bộ" in html
        assert "liên hệ quản trị viên" in html
        assert "Không có hồ sơ nào trong hàng đợi này." in html
