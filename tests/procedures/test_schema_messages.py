"""Issue 23, point 2: the clerk's e-form errors name the field by its title, in plain words."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from procedures.forms_schema import parse_form_schema, validate_form_schema
from tests.procedures.factories import ProcedureFactory


def _problems(schema) -> list[str]:
    with pytest.raises(ValidationError) as info:
        validate_form_schema(schema)
    return info.value.messages


def test_an_unknown_kind_names_the_field_by_its_title_and_lists_the_choices():
    schema = {
        "type": "object",
        "properties": {"nghe_nghiep": {"type": "chuoi", "title": "Nghề nghiệp"}},
    }
    (problem,) = _problems(schema)
    assert problem.startswith("Trường “Nghề nghiệp”: kiểu dữ liệu “chuoi” không được hỗ trợ")
    assert "chọn một trong: “string” (văn bản)" in problem
    assert "Biểu mẫu.nghe_nghiep" not in problem


def test_a_nested_field_and_a_rule_are_named_by_titles():
    schema = {
        "type": "object",
        "properties": {
            "thanh_vien": {
                "type": "array",
                "title": "Thành viên",
                "items": {
                    "type": "object",
                    "properties": {
                        "tu_ngay": {"type": "string", "title": "Từ ngày"},
                        "ten": {"type": "string"},
                    },
                    "x-rules": [{"rule": "not_future", "field": "tu_ngay"}],
                },
            }
        },
    }
    problems = _problems(schema)
    assert "Trường “ten”: cần có nhãn (“title”) để công dân biết phải nhập gì." in problems
    assert "Trường “Thành viên”, quy tắc thứ 1: Trường “Từ ngày” phải có kiểu Ngày." in problems, (
        problems
    )
    assert not any("[]" in p or "thanh_vien." in p for p in problems)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{\n  "type": "object"\n  "properties": {}\n}',
            "Nội dung JSON bị lỗi ở dòng 3, cột 3: thiếu dấu phẩy.",
        ),
        ('{"a": 1,}', "Nội dung JSON bị lỗi ở dòng 1, cột 9: tên thuộc tính phải đặt"),
        ('{"a": "x', "Nội dung JSON bị lỗi ở dòng 1, cột 7: chuỗi chưa có dấu nháy kép đóng."),
        ("{} {}", "có nội dung thừa sau khi biểu mẫu đã kết thúc."),
    ],
)
def test_broken_json_is_said_in_plain_words(text, message):
    with pytest.raises(ValidationError) as info:
        parse_form_schema(text)
    assert message in info.value.messages[0]
    assert "Expecting" not in info.value.messages[0]


@pytest.mark.django_db
def test_saving_broken_json_in_the_admin_says_it_in_vietnamese(client):
    from tests.procedures.test_admin import _form_data

    admin = User.objects.create_superuser(
        email="thukho@example.vn", password="S3cure-pass!2025", full_name="Trần Thị Thu"
    )
    client.force_login(admin)
    procedure = ProcedureFactory()
    data = _form_data(procedure)
    data["form_schema"] = '{\n  "type": "object"\n  "properties": {}\n}'
    data["extra"] = "{oops"
    response = client.post(f"/admin/procedures/procedure/{procedure.pk}/change/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nội dung JSON bị lỗi ở dòng 3, cột 3: thiếu dấu phẩy." in html
    assert "Vui lòng sửa các lỗi bên dưới." in html
    for english in ("Please correct", "Enter a valid JSON", "Skip to main content", "Toggle theme"):
        assert english not in html
    assert "Trần Thị Thu" in html  # the greeting names the person, not the e-mail
    assert "<title>Lỗi:" in html
    assert "Bỏ qua, đến nội dung chính" in html
    # The builder is a progressive enhancement: the JSON textarea is there, open, without JS.
    assert '<details class="schema-json" open>' in html and "data-schema-builder" in html
    assert "js/schema-builder.js" in html
    procedure.refresh_from_db()
    assert procedure.form_schema != json.loads('{"type": "object", "properties": {}}')
