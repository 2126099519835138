"""Issue 12: the catalogue admin a clerk can use — Vietnamese, scoped, structured, previewed."""

from __future__ import annotations

import json
import re

import pytest

from accounts.models import User
from procedures.models import FeeItem, Procedure
from tests.procedures.factories import FORM_SCHEMA, ProcedureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser(email="quantri2@example.vn", password="S3cure-pass!2025")
    client.force_login(user)
    return client


def test_change_page_is_vietnamese_and_scoped(admin_client):
    procedure = ProcedureFactory(legal_basis=["Nghị định 1/2025/NĐ-CP", "Thông tư 2/2025/TT-BTP"])
    other = ProcedureFactory()
    html = admin_client.get(f"/admin/procedures/procedure/{procedure.pk}/change/").content.decode()
    for english in ("Case", "Position", "Choose all", "by selecting them", "View selected"):
        assert english not in html
    fee_case = re.search(r'<select name="fees-0-case".*?</select>', html, re.S).group(0)
    assert f'value="{procedure.cases.first().pk}"' in fee_case
    assert f'value="{other.cases.first().pk}"' not in fee_case
    assert "Nghị định 1/2025/NĐ-CP\nThông tư 2/2025/TT-BTP" in html  # one per line
    assert 'type="checkbox" name="levels" value="Cấp xã"' in html and "checked" in html
    assert f'href="/thu-tuc/{procedure.code}/"' in html and "Xem như công dân" in html
    assert "Kiểm tra và xem trước tờ khai" in html


def test_admin_index_has_no_english_app_names(admin_client):
    html = admin_client.get("/admin/").content.decode()
    for english in ("Tokens", "Authenticators", "Auth Token", ">MFA<"):
        assert english not in html


def test_schema_preview_renders_the_form_or_the_problems(admin_client):
    url = "/admin/procedures/procedure/xem-truoc-to-khai/"
    r = admin_client.post(url, {"form_schema": json.dumps(FORM_SCHEMA), "name": "Thủ tục thử"})
    html = r.content.decode()
    assert r.status_code == 200 and "Biểu mẫu hợp lệ" in html and 'name="f__ho_ten"' in html
    r = admin_client.post(url, {"form_schema": '{"type": "object", "properties": {'})
    assert r.status_code == 400 and "Nội dung JSON bị lỗi ở dòng 1" in r.content.decode()
    bad = {"type": "object", "properties": {"a": {"type": "string"}}}
    r = admin_client.post(url, {"form_schema": json.dumps(bad)})
    assert r.status_code == 400 and "title" in r.content.decode()
    assert admin_client.get(url).status_code == 405  # GET never writes, nor previews


def test_schema_preview_needs_an_admin(client, citizen):
    client.force_login(citizen)
    r = client.post("/admin/procedures/procedure/xem-truoc-to-khai/", {"form_schema": "{}"})
    assert r.status_code == 302 and "/admin/login/" in r["Location"]


def test_save_keeps_levels_legal_basis_and_field_order(admin_client):
    from tests.procedures.test_admin import _form_data

    procedure = ProcedureFactory()
    schema = {
        "type": "object",
        "properties": {
            "ho_ten": {"type": "string", "title": "Họ và tên"},
            "ly_do": {"type": "string", "title": "Lý do"},
        },
    }
    data = _form_data(procedure)
    data.update(
        {
            "levels": ["Cấp tỉnh", "Cấp xã"],
            "legal_basis": "Luật Cư trú 2020\n\n Nghị định 154/2024/NĐ-CP ",
            "form_schema": json.dumps(schema, ensure_ascii=False),
        }
    )
    r = admin_client.post(f"/admin/procedures/procedure/{procedure.pk}/change/", data)
    assert r.status_code == 302, r.content.decode()[:3000]
    procedure.refresh_from_db()
    assert procedure.levels == ["Cấp tỉnh", "Cấp xã"]
    assert procedure.legal_basis == ["Luật Cư trú 2020", "Nghị định 154/2024/NĐ-CP"]
    assert procedure.form_schema["x-order"] == ["ho_ten", "ly_do"]


def test_fee_case_from_another_procedure_is_refused(admin_client):
    from tests.procedures.test_admin import _form_data

    procedure, other = ProcedureFactory(), ProcedureFactory()
    data = _form_data(procedure)
    data["fees-0-case"] = other.cases.first().pk
    r = admin_client.post(f"/admin/procedures/procedure/{procedure.pk}/change/", data)
    assert r.status_code == 200  # the form comes back with the error
    assert not FeeItem.objects.filter(procedure=procedure, case=other.cases.first()).exists()
    assert Procedure.objects.count() == 2
