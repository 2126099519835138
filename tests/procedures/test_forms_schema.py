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
        ({"type": "array"}, "“type” ở gốc phải là “object”"),
        ({"type": "object", "properties": {}}, "ít nhất một trường"),
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
            "trường bắt buộc “b”",
        ),
        (
            {
                "type": "object",
                "properties": {"a": {"type": "array", "title": "A", "items": {"type": "string"}}},
            },
            "nhóm lặp lại",
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


# --- issue 12: cross-field rules, one message per field, errors from the error objects ------

RULES = {
    "type": "object",
    "properties": {
        "tu_ngay": {"type": "string", "title": "Từ ngày", "format": "date"},
        "den_ngay": {"type": "string", "title": "Đến ngày", "format": "date"},
        "ngay_sinh": {"type": "string", "title": "Ngày sinh", "format": "date"},
        "ly_do": {"type": "string", "title": "Lý do", "enum": ["Mất", "Hỏng"]},
        "noi_mat": {"type": "string", "title": "Nơi mất"},
        "cccd": {
            "type": "string",
            "title": "Số định danh",
            "pattern": "^[0-9]{12}$",
            "minLength": 12,
        },
        "con": {
            "type": "array",
            "title": "Con",
            "items": {
                "type": "object",
                "properties": {
                    "tu": {"type": "string", "title": "Từ", "format": "date"},
                    "den": {"type": "string", "title": "Đến", "format": "date"},
                },
                "x-rules": [{"rule": "date_order", "start": "tu", "end": "den"}],
            },
        },
    },
    "x-rules": [
        {"rule": "date_order", "start": "tu_ngay", "end": "den_ngay"},
        {"rule": "required_if", "field": "noi_mat", "when": "ly_do", "equals": "Mất"},
        {"rule": "not_future", "field": "ngay_sinh", "message": "Ngày sinh chưa tới."},
    ],
}


def test_rules_schema_is_accepted():
    validate_form_schema(RULES)


@pytest.mark.parametrize(
    ("rules", "fragment"),
    [
        ("x", "danh sách"),
        ([{"rule": "khac"}], "loại quy tắc"),
        ([{"rule": "date_order", "start": "tu_ngay", "end": "khong_co"}], "“end”"),
        ([{"rule": "date_order", "start": "tu_ngay", "end": "ly_do"}], "phải có kiểu Ngày"),
        (
            [{"rule": "required_if", "field": "noi_mat", "when": "ly_do", "message": 3}],
            "thông báo phải là văn bản",
        ),
    ],
)
def test_bad_rules_are_refused_in_vietnamese(rules, fragment):
    with pytest.raises(ValidationError) as exc:
        validate_form_schema({**RULES, "x-rules": rules})
    assert any(fragment in m for m in exc.value.messages)


def test_rules_checked_on_the_server():
    errors = validate_form_data(
        RULES,
        {
            "tu_ngay": "2026-05-10",
            "den_ngay": "2026-05-01",
            "ly_do": "Mất",
            "ngay_sinh": "2999-01-01",
            "con": [{"tu": "2026-01-02", "den": "2026-01-01"}, {"tu": "2026-01-01"}],
        },
    )
    assert errors == {
        "den_ngay": ["Đến ngày không được trước Từ ngày."],
        "noi_mat": ["Vui lòng nhập Nơi mất (bắt buộc khi chọn “Mất”)."],
        "ngay_sinh": ["Ngày sinh chưa tới."],
        "con.0.den": ["Đến không được trước Từ."],
    }
    assert validate_form_data(RULES, {"tu_ngay": "2026-05-01", "den_ngay": "2026-05-01"}) == {}
    assert validate_form_data(RULES, {"ly_do": "Hỏng"}) == {}


def test_one_message_per_field_the_most_useful_first():
    errors = validate_form_data(RULES, {"cccd": "12ab"})  # too short and not digits
    assert errors == {"cccd": ["Số định danh phải có ít nhất 12 ký tự."]}
    # A field's own check wins over a cross-field rule on the same field.
    errors = validate_form_data(RULES, {"tu_ngay": "2026-05-10", "den_ngay": "2026-13-01"})
    assert errors == {"den_ngay": ["Đến ngày phải là một ngày hợp lệ (năm-tháng-ngày)."]}


def test_every_missing_field_is_named_without_reading_english_text(monkeypatch):
    # The messages come from the error objects' fields; an English text that cannot be parsed
    # (here: replaced by nonsense) changes nothing.
    from jsonschema import Draft202012Validator

    from procedures import forms_schema

    class Garbled:
        def __init__(self, *args, **kwargs):
            self.inner = Draft202012Validator(*args, **kwargs)

        def iter_errors(self, data):
            for error in self.inner.iter_errors(data):
                error.message = "?"
                yield error

    monkeypatch.setattr(forms_schema, "Draft202012Validator", Garbled)
    schema = {**MEMBERS, "required": ["so_con", "email", "cccd"]}
    errors = validate_form_data(schema, {"gioi_tinh": "Khác"})
    assert errors["so_con"] == ["Vui lòng nhập Số con."]
    assert errors["email"] == ["Vui lòng nhập Thư điện tử."]
    assert errors["cccd"] == ["Vui lòng nhập Số định danh."]
    assert errors["gioi_tinh"] == ["Giới tính phải là một trong các giá trị: Nam, Nữ."]
    assert validate_form_data(MEMBERS, {"so_con": 1, "la": 1}) == {
        "la": ["Trường này không có trong tờ khai."]
    }


def test_field_order_survives_jsonb(db):
    from procedures.forms_schema import ordered_properties, with_field_order
    from tests.procedures.factories import ProcedureFactory

    procedure = ProcedureFactory(form_schema=RULES)
    procedure.refresh_from_db()  # through PostgreSQL jsonb, which re-sorts keys
    assert [name for name, _ in ordered_properties(procedure.form_schema)] == list(
        RULES["properties"]
    )
    assert with_field_order(with_field_order(RULES)) == with_field_order(RULES)
