"""Issue 12: what citizens see — e-form rules and repeated groups, once-only documents,
statuses in words, draft delete, withdraw confirmation, profile, titles, tracking."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dossiers.constants import DossierStatus
from dossiers.filing import services
from dossiers.forms import SchemaForm, apply_row_command
from dossiers.models import Dossier
from dossiers.status_texts import TEXTS
from dvctt.formats import format_dong
from procedures.models import Component
from procedures.services import procedure_publish
from tests.dossiers.conftest import make_draft, make_submitted
from tests.dossiers.factories import dossier_in
from tests.procedures.factories import ProcedureFactory
from tests.properties import examples

pytestmark = pytest.mark.django_db

STAY = {
    "type": "object",
    "title": "Tạm trú",
    "properties": {
        "ho_ten": {"type": "string", "title": "Họ và tên", "minLength": 1, "maxLength": 100},
        "tu_ngay": {"type": "string", "title": "Từ ngày", "format": "date"},
        "den_ngay": {"type": "string", "title": "Đến ngày", "format": "date"},
        "ly_do": {"type": "string", "title": "Lý do", "enum": ["Học tập", "Khác"]},
        "ly_do_khac": {"type": "string", "title": "Lý do khác", "maxLength": 200},
        "thanh_vien": {
            "type": "array",
            "title": "Người cùng đăng ký",
            "maxItems": 3,
            "items": {
                "type": "object",
                "properties": {
                    "ten": {"type": "string", "title": "Tên", "minLength": 1},
                    "cccd": {
                        "type": "string",
                        "title": "Số định danh",
                        "pattern": "^[0-9]{12}$",
                        "minLength": 12,
                    },
                },
                "required": ["ten"],
            },
        },
    },
    "required": ["ho_ten", "tu_ngay"],
    "x-rules": [
        {"rule": "date_order", "start": "tu_ngay", "end": "den_ngay"},
        {"rule": "required_if", "field": "ly_do_khac", "when": "ly_do", "equals": "Khác"},
    ],
}


@pytest.fixture
def stay_procedure(agency):
    procedure = ProcedureFactory(agencies=[agency], form_schema=STAY, publish=False)
    Component.objects.filter(procedure=procedure, position=0).update(once_only="e_form")
    procedure_publish(procedure=procedure)
    return procedure


@pytest.fixture
def citizen_client(client, citizen):
    client.force_login(citizen)
    return client


def _form_url(dossier):
    return f"/ho-so/{dossier.pk}/buoc/3/"


# --- e-form: rules, one message per field, repeated groups, dates -----------------------------


def test_end_date_before_start_is_refused_next_to_the_field(
    citizen_client, citizen, stay_procedure
):
    dossier = make_draft(citizen, stay_procedure, complete=False)
    r = citizen_client.post(
        _form_url(dossier),
        {
            "f__ho_ten": "An",
            "f__tu_ngay": "10/05/2026",
            "f__den_ngay": "01/05/2026",
            "rows__thanh_vien": "0",
        },
    )
    html = r.content.decode()
    assert r.status_code == 400
    assert 'id="id_f__den_ngay_error">Đến ngày không được trước Từ ngày.' in html
    assert 'id="id_f__tu_ngay_error"' not in html


def test_conditional_required_field(citizen_client, citizen, stay_procedure):
    dossier = make_draft(citizen, stay_procedure, complete=False)
    base = {"f__ho_ten": "An", "f__tu_ngay": "01/05/2026", "rows__thanh_vien": "0"}
    r = citizen_client.post(_form_url(dossier), {**base, "f__ly_do": "Khác"})
    assert r.status_code == 400
    assert 'id="id_f__ly_do_khac_error">Vui lòng nhập Lý do khác' in r.content.decode()
    r = citizen_client.post(_form_url(dossier), {**base, "f__ly_do": "Học tập"})
    assert r.status_code == 302


def test_one_message_per_field(citizen_client, citizen, stay_procedure):
    dossier = make_draft(citizen, stay_procedure, complete=False)
    r = citizen_client.post(
        _form_url(dossier),
        {
            "f__ho_ten": "An",
            "f__tu_ngay": "01/05/2026",
            "rows__thanh_vien": "1",
            "f__thanh_vien__0__ten": "Bình",
            "f__thanh_vien__0__cccd": "12ab",  # breaks minLength and pattern
        },
    )
    html = r.content.decode()
    assert html.count('id="id_f__thanh_vien__0__cccd_error"') == 1


def test_repeated_group_add_and_remove_without_javascript(citizen_client, citizen, stay_procedure):
    dossier = make_draft(citizen, stay_procedure, complete=False)
    html = citizen_client.get(_form_url(dossier)).content.decode()
    # No empty block with asterisks before the person asks for one.
    assert "Người cùng đăng ký — mục 1" not in html and "Chưa có mục nào." in html
    base = {"f__ho_ten": "An", "f__tu_ngay": "01/05/2026"}
    r = citizen_client.post(
        _form_url(dossier), {**base, "rows__thanh_vien": "0", "add_row": "thanh_vien"}
    )
    html = r.content.decode()
    assert r.status_code == 200 and "Người cùng đăng ký — mục 1" in html
    assert 'name="f__thanh_vien__0__ten"' in html and "autofocus" in html
    assert "field-error" not in html  # adding a row shows no errors yet
    two = {
        **base,
        "rows__thanh_vien": "2",
        "f__thanh_vien__0__ten": "Bình",
        "f__thanh_vien__1__ten": "Chi",
    }
    r = citizen_client.post(_form_url(dossier), {**two, "remove_row": "thanh_vien__0"})
    html = r.content.decode()
    assert 'value="Chi"' in html and 'value="Bình"' not in html
    dossier.refresh_from_db()
    assert dossier.form_data["thanh_vien"] == [{"ten": "Chi"}]
    r = citizen_client.post(_form_url(dossier), two)
    assert r.status_code == 302
    dossier.refresh_from_db()
    assert [m["ten"] for m in dossier.form_data["thanh_vien"]] == ["Bình", "Chi"]
    assert dossier.form_data["tu_ngay"] == "2026-05-01"  # stored ISO, typed dd/mm/yyyy


def test_rows_never_exceed_max_items():
    data, _focus = apply_row_command(_qd({"rows__thanh_vien": "3", "add_row": "thanh_vien"}))
    form = SchemaForm(STAY, {}, data)
    assert len(form.blocks[0].rows) == 3 and not form.blocks[0].can_add


def _qd(values):
    from django.http import QueryDict

    q = QueryDict(mutable=True)
    for key, value in values.items():
        q[key] = value
    return q


@given(rows=st.integers(min_value=1, max_value=3), remove=st.integers(min_value=0, max_value=2))
@settings(max_examples=examples(30), deadline=None)
def test_remove_keeps_other_rows_in_order(rows, remove):
    remove = remove % rows
    names = [f"Người {i}" for i in range(rows)]
    post = {"rows__thanh_vien": str(rows), "remove_row": f"thanh_vien__{remove}"}
    post |= {f"f__thanh_vien__{i}__ten": name for i, name in enumerate(names)}
    data, _focus = apply_row_command(_qd(post))
    form = SchemaForm(STAY, {}, data)
    assert form.is_valid()
    kept = [row["ten"] for row in form.to_data().get("thanh_vien", [])]
    assert kept == names[:remove] + names[remove + 1 :]


def test_review_shows_titles_and_dates_dd_mm_yyyy(citizen_client, citizen, stay_procedure):
    dossier = make_draft(citizen, stay_procedure, complete=False)
    services.dossier_update_form(
        actor=citizen,
        dossier_id=dossier.pk,
        form_data={"ho_ten": "An", "tu_ngay": "1990-05-12", "thanh_vien": [{"ten": "Bình"}]},
    )
    html = citizen_client.get(f"/ho-so/{dossier.pk}/buoc/5/").content.decode()
    assert "<dt>Từ ngày</dt><dd>12/05/1990</dd>" in html
    assert "1990-05-12" not in html
    assert "Người cùng đăng ký — mục 1" in html and "<dt>Tên</dt><dd>Bình</dd>" in html


# --- once-only documents -------------------------------------------------------------------


def test_once_only_document_is_shown_not_asked(citizen_client, citizen, stay_procedure):
    dossier = make_draft(citizen, stay_procedure, complete=False)
    once = next(c for c in dossier.case_components() if c["once_only"])
    html = citizen_client.get(f"/ho-so/{dossier.pk}/buoc/4/").content.decode()
    assert "Đã thay bằng tờ khai điện tử — không cần nộp" in html
    assert f'id="file-{once["id"]}"' not in html  # no upload box for it
    assert not any(
        "Tờ khai theo mẫu" in m
        for m in services.dossier_missing(dossier=dossier).get("attachments", [])
    )
    from dvctt.errors import InvalidInput
    from tests.dossiers.conftest import upload

    with pytest.raises(InvalidInput):
        services.attachment_add(
            actor=citizen, dossier_id=dossier.pk, component_id=once["id"], upload=upload()
        )


def test_completeness_message_names_the_document_in_full(citizen, agency):
    procedure = ProcedureFactory(agencies=[agency], publish=False)
    long_name = "Giấy tờ chứng minh " + "rất dài " * 40 + "kết thúc ở đây"
    Component.objects.filter(procedure=procedure, position=0).update(name=long_name)
    procedure_publish(procedure=procedure)
    dossier = make_draft(citizen, procedure, complete=False)
    assert f"Chưa đính kèm: {long_name}" in services.dossier_missing(dossier=dossier)["attachments"]


# --- statuses in words ---------------------------------------------------------------------


def test_every_status_has_words():
    assert set(TEXTS) == set(DossierStatus.values)


@pytest.mark.parametrize(
    ("status", "words", "button"),
    [
        (DossierStatus.SUBMITTED, "đang chờ cán bộ kiểm tra", None),
        (DossierStatus.SUPPLEMENT_REQUESTED, "bổ sung, hoàn thiện", "/bo-sung/"),
        (DossierStatus.AWAITING_PAYMENT, "chờ bạn nộp phí", "/thanh-toan/ho-so/"),
        (DossierStatus.RESULT_ISSUED, "Đã có kết quả", "/giay-to/result/"),
        (DossierStatus.REJECTED, "không tiếp nhận", None),
        (DossierStatus.WITHDRAWN, "Bạn đã rút hồ sơ", None),
    ],
)
def test_dossier_page_says_the_status_in_words(client, agency, status, words, button):
    dossier = dossier_in(status, agency=agency)
    if status == DossierStatus.RESULT_ISSUED:
        Dossier.objects.filter(pk=dossier.pk).update(payment_due=False)
    client.force_login(dossier.applicant)
    html = client.get(f"/ho-so-cua-toi/{dossier.pk}/").content.decode()
    assert words in html
    assert "Hồ sơ đang được cơ quan xử lý; bạn sẽ nhận" not in html
    if button:
        assert button in html
    listing = client.get("/ho-so-cua-toi/").content.decode()
    assert str(TEXTS[status][0]) in listing


def test_pay_button_posts_to_the_payment_start(client, agency):
    dossier = dossier_in(DossierStatus.AWAITING_PAYMENT, agency=agency)
    client.force_login(dossier.applicant)
    html = client.get(f"/ho-so-cua-toi/{dossier.pk}/").content.decode()
    assert f'<form method="post" action="/thanh-toan/ho-so/{dossier.pk}/"' in html


def test_list_filters_by_status_and_search(
    citizen_client, citizen, procedure, django_assert_max_num_queries
):
    submitted = make_submitted(citizen, procedure)
    make_draft(citizen, procedure)
    other = ProcedureFactory(name="Đăng ký tạm trú thử", agencies=[procedure.agencies.first()])
    make_draft(citizen, other)
    r = citizen_client.get("/ho-so-cua-toi/", {"status": "submitted"})
    assert r.context["page"].paginator.count == 1
    r = citizen_client.get("/ho-so-cua-toi/", {"q": submitted.code.lower()})
    assert [d.pk for d in r.context["page"]] == [submitted.pk]
    r = citizen_client.get("/ho-so-cua-toi/", {"q": "dang ky tam tru"})
    assert r.context["page"].paginator.count == 1
    r = citizen_client.get("/ho-so-cua-toi/", {"q": "không có gì khớp"})
    assert "Không có hồ sơ nào khớp với bộ lọc." in r.content.decode()
    with django_assert_max_num_queries(5):  # session, user, count, page (no query per row)
        citizen_client.get("/ho-so-cua-toi/")


# --- draft delete and withdraw --------------------------------------------------------------


def test_delete_draft_asks_then_deletes(citizen_client, citizen, procedure):
    draft = make_draft(citizen, procedure)
    url = f"/ho-so-cua-toi/{draft.pk}/xoa/"
    r = citizen_client.get(url)
    assert r.status_code == 200 and "Xoá hồ sơ nháp?" in r.content.decode()
    assert Dossier.objects.filter(pk=draft.pk).exists()  # GET never writes
    r = citizen_client.post(url)
    assert r.status_code == 302 and not Dossier.objects.filter(pk=draft.pk).exists()


def test_filed_dossier_and_other_peoples_drafts_cannot_be_deleted(client, citizen, procedure):
    submitted = make_submitted(citizen, procedure)
    client.force_login(citizen)
    client.post(f"/ho-so-cua-toi/{submitted.pk}/xoa/")
    assert Dossier.objects.filter(pk=submitted.pk).exists()
    from tests.factories import CitizenFactory

    stranger = CitizenFactory()
    draft = make_draft(citizen, procedure)
    client.force_login(stranger)
    assert client.post(f"/ho-so-cua-toi/{draft.pk}/xoa/").status_code == 404
    assert Dossier.objects.filter(pk=draft.pk).exists()


def test_withdraw_needs_confirmation_and_keeps_the_reason(citizen_client, citizen, procedure):
    dossier = make_submitted(citizen, procedure)
    detail = citizen_client.get(f"/ho-so-cua-toi/{dossier.pk}/").content.decode()
    assert f'href="/ho-so-cua-toi/{dossier.pk}/rut/"' in detail
    r = citizen_client.get(f"/ho-so-cua-toi/{dossier.pk}/rut/")
    assert r.status_code == 200 and "Xác nhận rút hồ sơ" in r.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    r = citizen_client.post(f"/ho-so-cua-toi/{dossier.pk}/rut/", {"note": "Nộp nhầm thủ tục"})
    dossier.refresh_from_db()
    assert r.status_code == 302 and dossier.status == DossierStatus.WITHDRAWN
    assert dossier.events.get(action="withdraw").note == "Nộp nhầm thủ tục"


# --- profile, menu, titles, tracking, amounts ------------------------------------------------


def test_profile_shows_identity_state_and_links(citizen_client, citizen):
    html = citizen_client.get("/tai-khoan/").content.decode()
    assert citizen.full_name in html and citizen.id_number in html
    assert "Chưa xác thực" in html or "Đã xác thực" in html
    assert 'href="/tai-khoan/thong-bao/"' in html
    assert "<title>Tài khoản của tôi — " in html
    assert 'href="/tai-khoan/"' in citizen_client.get("/").content.decode()  # the name in the menu


def test_profile_shows_verified_identity(citizen_client, citizen):
    citizen.identity_verified_at = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    from accounts.views import identity_state

    state = identity_state(citizen)
    assert state["verified"] is True


def test_profile_updates_contact_and_refuses_a_bad_phone(citizen_client, citizen):
    r = citizen_client.post("/tai-khoan/", {"phone": "abc", "address": "Hà Nội"})
    assert r.status_code == 400
    r = citizen_client.post("/tai-khoan/", {"phone": "0912345679", "address": "Số 1, Hà Nội"})
    citizen.refresh_from_db()
    assert r.status_code == 302 and citizen.phone == "0912345679"


def test_profile_requires_login(client):
    assert client.get("/tai-khoan/").status_code == 302


def test_tab_titles_separate_page_and_site(client, db):
    html = client.get("/tra-cuu/").content.decode()
    assert "<title>Tra cứu hồ sơ — Cổng Dịch vụ công" in html


def test_tracking_code_is_case_insensitive(client, citizen, procedure):
    dossier = make_submitted(citizen, procedure)
    r = client.get("/tra-cuu/", {"code": dossier.code.lower(), "id_last4": citizen.id_number[-4:]})
    assert r.status_code == 200 and dossier.code in r.content.decode()


def test_amounts_never_wrap_and_read_the_same_in_emails(citizen, procedure):
    from notifications.models import Notification

    assert format_dong(15000) == "15.000\u00a0đ"
    make_submitted(citizen, procedure)
    bodies = " ".join(Notification.objects.values_list("body", flat=True))
    assert "40.000\u00a0đ" in bodies and "40,000" not in bodies
