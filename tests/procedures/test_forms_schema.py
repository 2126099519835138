from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from procedures.forms_schema import validate_form_data, validate_form_schema
from tests.procedures.factories import FORM_SCHEMA

MEMBERS = {
    "type": "object",
    "properties": {
        "so_con": {"type": "integer", "title": "Số con", "minimum": 1, "maximum": 10},
        "ty_le": {"type": "number", "title": "Tỷ lệ", "maximum": 1.5},
        "dong_y": {"type": "boolean", "title": "Đồng ý"},
        "gioi_tinh": {"type": "string", "title": "Giới tính", "enum": ["Nam", "Nữ"]},
        "email": {"type": "string", "title": "Thư điện tử", "format": "email"},
        "cccd": {"type": "string", "title": "Số định danh", "pattern": "^[0-9]{12}$"},
        "thanh_vien": {
            "type": "array",
            "title": "Thành viên",
            "maxItems": 2,
            "items": {
                "type": "object",
                "properties": {"ten": {"type": "string", "title": "Tên", "minLength": 1}},
                "required": ["ten"],
            },
        },
    },
    "required": ["so_con"],
    "additionalProperties": False,
}


def test_supported_schemas_pass():
    validate_form_schema(FORM_SCHEMA)
    validate_form_schema(MEMBERS)
    validate_form_schema({})


@pytest.mark.parametrize(
    ("schema", "fragment"),
    [
        ([], "đối tượng"),
        ({"type": "array"}, '"type" phải là "object"'),
        ({"type": "object", "properties": {}}, "không rỗng"),
        (
            {"type": "object", "properties": {"a": {"type": "strin", "title": "A"}}},
            "không được hỗ trợ",
        ),
        ({"type": "object", "properties": {"a": {"type": "string"}}}, "title"),
        (
            {
                "type": "object",
                "properties": {"a": {"type": "string", "title": "A", "format": "uri"}},
            },
            "định dạng",
        ),
        (
            {
                "type": "object",
                "properties": {"a": {"type": "string", "title": "A", "pattern": "("}},
            },
            "pattern",
        ),
        (
            {
                "type": "object",
                "properties": {"a": {"type": "string", "title": "A"}},
                "required": ["b"],
            },
            "required",
        ),
        (
            {
                "type": "object",
                "properties": {"a": {"type": "array", "title": "A", "items": {"type": "string"}}},
            },
            "đối tượng",
        ),
        (
            {"type": "object", "properties": {"a": {"type": "string", "title": "A", "oneOf": []}}},
            "oneOf",
        ),
    ],
)
def test_unsupported_schemas_are_refused_in_vietnamese(schema, fragment):
    with pytest.raises(ValidationError) as excinfo:
        validate_form_schema(schema)
    assert any(fragment in message for message in excinfo.value.messages), excinfo.value.messages


def test_valid_data_has_no_errors():
    assert (
        validate_form_data(FORM_SCHEMA, {"ho_ten": "Nguyễn Văn An", "ngay_sinh": "2020-02-29"})
        == {}
    )
    # a blank optional field (what an HTML form posts) is "not given"
    assert validate_form_data(FORM_SCHEMA, {"ho_ten": "An", "ngay_sinh": ""}) == {}


def test_errors_are_vietnamese_and_per_field():
    errors = validate_form_data(FORM_SCHEMA, {"ho_ten": "", "ngay_sinh": "2021-02-30"})
    assert errors == {
        "ho_ten": ["Vui lòng nhập Họ và tên."],
        "ngay_sinh": ["Ngày sinh phải là một ngày hợp lệ (năm-tháng-ngày)."],
    }


def test_nested_and_typed_errors():
    errors = validate_form_data(
        MEMBERS,
        {
            "so_con": 0,
            "ty_le": 2,
            "dong_y": "có",
            "gioi_tinh": "Khác",
            "email": "khong-phai-email",
            "cccd": "123",
            "thanh_vien": [{"ten": ""}, {}, {"ten": "B"}],
            "la": 1,
        },
    )
    assert errors["so_con"] == ["Số con phải lớn hơn hoặc bằng 1."]
    assert errors["ty_le"] == ["Tỷ lệ phải nhỏ hơn hoặc bằng 1.5."]
    assert errors["dong_y"] == ["Đồng ý phải là có hoặc không."]
    assert errors["gioi_tinh"] == ["Giới tính phải là một trong các giá trị: Nam, Nữ."]
    assert errors["email"] == ["Thư điện tử phải là địa chỉ thư điện tử hợp lệ."]
    assert errors["cccd"] == ["Số định danh không đúng định dạng."]
    assert errors["thanh_vien"] == ["Thành viên có nhiều nhất 2 mục."]
    assert errors["thanh_vien.0.ten"] == ["Vui lòng nhập Tên."]
    assert errors["thanh_vien.1.ten"] == ["Vui lòng nhập Tên."]
    assert errors["la"] == ["Trường này không có trong tờ khai."]
    assert validate_form_data(MEMBERS, {})["so_con"] == ["Vui lòng nhập Số con."]
    assert validate_form_data(MEMBERS, "x") == {"__all__": ["Tờ khai phải là một đối tượng JSON."]}
    assert validate_form_data(MEMBERS, {"so_con": True}) == {
        "so_con": ["Số con phải là số nguyên."]
    }
