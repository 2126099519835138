"""The e-form (tờ khai điện tử) of a procedure: a small, checked subset of JSON Schema.

Supported: an object whose properties are string (minLength, maxLength, pattern, format
"date"/"email"), integer or number (minimum, maximum), boolean, enum, nested objects and
arrays of objects (minItems, maxItems); each property has a Vietnamese "title"; "required"
lists the mandatory properties. Anything else is refused when the schema is saved, so that
every schema can be rendered as an HTML form and every error can be said in Vietnamese.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError

SCALAR_TYPES = {"string", "integer", "number", "boolean"}
COMMON_KEYS = {"type", "title", "description", "default", "enum"}
KEYS_BY_TYPE = {
    "string": {"minLength", "maxLength", "pattern", "format"},
    "integer": {"minimum", "maximum"},
    "number": {"minimum", "maximum"},
    "boolean": set(),
    "object": {"properties", "required", "additionalProperties"},
    "array": {"items", "minItems", "maxItems"},
}
FORMATS = {"date", "email"}
ROOT_KEYS = {"$schema", "$id"}

_format_checker = FormatChecker(formats=sorted(FORMATS))


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_object(node: dict, path: str, problems: list[str], *, root: bool = False) -> None:
    properties = node.get("properties")
    if not isinstance(properties, dict) or not properties:
        problems.append(
            _('%(path)s: cần có "properties" là một đối tượng không rỗng.') % {"path": path}
        )
        return
    for name, prop in properties.items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(name)):
            problems.append(
                _('%(path)s: tên trường "%(name)s" chỉ được gồm chữ không dấu, số và dấu _.')
                % {"path": path, "name": name}
            )
        _check_property(prop, f"{path}.{name}", problems)
    required = node.get("required", [])
    if not isinstance(required, list) or any(r not in properties for r in required):
        problems.append(
            _('%(path)s: "required" phải là danh sách tên trường có trong "properties".')
            % {"path": path}
        )
    extra = node.get("additionalProperties", False)
    if not isinstance(extra, bool):
        problems.append(
            _('%(path)s: "additionalProperties" chỉ được là true/false.') % {"path": path}
        )


def _check_property(prop: Any, path: str, problems: list[str]) -> None:
    if not isinstance(prop, dict):
        problems.append(_("%(path)s: mô tả trường phải là một đối tượng.") % {"path": path})
        return
    kind = prop.get("type")
    if kind not in KEYS_BY_TYPE:
        problems.append(
            _('%(path)s: kiểu "%(kind)s" không được hỗ trợ.') % {"path": path, "kind": kind}
        )
        return
    title = prop.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append(_('%(path)s: cần có "title" (nhãn tiếng Việt).') % {"path": path})
    unknown = {k for k in prop if not k.startswith("x-")} - COMMON_KEYS - KEYS_BY_TYPE[kind]
    if unknown:
        problems.append(
            _("%(path)s: không hỗ trợ thuộc tính %(keys)s.")
            % {"path": path, "keys": ", ".join(sorted(unknown))}
        )
    if "enum" in prop and (
        kind not in SCALAR_TYPES or not isinstance(prop["enum"], list) or not prop["enum"]
    ):
        problems.append(
            _('%(path)s: "enum" phải là danh sách giá trị không rỗng.') % {"path": path}
        )
    for key in ("minLength", "maxLength", "minItems", "maxItems"):
        if key in prop and not _is_count(prop[key]):
            problems.append(
                _('%(path)s: "%(key)s" phải là số nguyên không âm.') % {"path": path, "key": key}
            )
    for key in ("minimum", "maximum"):
        if key in prop and not _is_number(prop[key]):
            problems.append(_('%(path)s: "%(key)s" phải là một số.') % {"path": path, "key": key})
    if "pattern" in prop:
        try:
            re.compile(prop["pattern"])
        except (re.error, TypeError):
            problems.append(_('%(path)s: "pattern" không phải biểu thức hợp lệ.') % {"path": path})
    if "format" in prop and prop["format"] not in FORMATS:
        problems.append(
            _('%(path)s: định dạng "%(format)s" không được hỗ trợ (chỉ date, email).')
            % {"path": path, "format": prop["format"]}
        )
    if kind == "object":
        _check_object(prop, path, problems)
    elif kind == "array":
        items = prop.get("items")
        if not isinstance(items, dict) or items.get("type") != "object":
            problems.append(_("%(path)s: danh sách chỉ được gồm các đối tượng.") % {"path": path})
        else:
            _check_property({"title": title or path, **items}, f"{path}[]", problems)


def validate_form_schema(schema: Any) -> None:
    """Raise ValidationError unless `schema` is a supported e-form schema (or empty)."""
    if schema in ({}, None):
        return
    if not isinstance(schema, dict):
        raise ValidationError(_("Biểu mẫu điện tử phải là một đối tượng JSON."))
    problems: list[str] = []
    if schema.get("type") != "object":
        problems.append(_('Biểu mẫu: "type" phải là "object".'))
    unknown = set(schema) - ROOT_KEYS - COMMON_KEYS - KEYS_BY_TYPE["object"]
    unknown = {k for k in unknown if not k.startswith("x-")}
    if unknown:
        problems.append(
            _("Biểu mẫu: không hỗ trợ thuộc tính %(keys)s.") % {"keys": ", ".join(sorted(unknown))}
        )
    if not problems:
        _check_object(schema, _("Biểu mẫu"), problems, root=True)
    if not problems:
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as exc:
            problems.append(_("Biểu mẫu không hợp lệ: %(error)s") % {"error": exc.message})
    if problems:
        raise ValidationError(problems)


def _strip_empty(value: Any) -> Any:
    # An HTML form posts "" for a field left blank; blank means "not given", so that an
    # optional date left empty is valid and a required one reports "Vui lòng nhập …".
    if isinstance(value, dict):
        return {k: _strip_empty(v) for k, v in value.items() if v not in ("", None)}
    if isinstance(value, list):
        return [_strip_empty(v) for v in value]
    return value


def _subschema(schema: dict, path: list) -> dict:
    node = schema
    for part in path:
        if isinstance(part, int):
            node = node.get("items", {})
        else:
            node = node.get("properties", {}).get(part, {})
    return node


def _message(error, schema: dict) -> tuple[str, str]:
    path = list(error.absolute_path)
    validator = error.validator
    if validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        path = [*path, missing]
    node = _subschema(schema, path)
    title = node.get("title") or (str(path[-1]) if path else _("Tờ khai"))
    key = ".".join(str(p) for p in path) or "__all__"
    value = error.validator_value
    kinds = {
        "string": _("chuỗi ký tự"),
        "integer": _("số nguyên"),
        "number": _("số"),
        "boolean": _("có hoặc không"),
        "array": _("danh sách"),
        "object": _("nhóm thông tin"),
    }
    if validator == "required":
        text = _("Vui lòng nhập %(title)s.") % {"title": title}
    elif validator == "type":
        text = _("%(title)s phải là %(kind)s.") % {"title": title, "kind": kinds.get(value, value)}
    elif validator == "minLength":
        text = (
            _("Vui lòng nhập %(title)s.") % {"title": title}
            if value == 1
            else _("%(title)s phải có ít nhất %(n)s ký tự.") % {"title": title, "n": value}
        )
    elif validator == "maxLength":
        text = _("%(title)s không được dài quá %(n)s ký tự.") % {"title": title, "n": value}
    elif validator == "pattern":
        text = _("%(title)s không đúng định dạng.") % {"title": title}
    elif validator == "format" and value == "date":
        text = _("%(title)s phải là một ngày hợp lệ (năm-tháng-ngày).") % {"title": title}
    elif validator == "format":
        text = _("%(title)s phải là địa chỉ thư điện tử hợp lệ.") % {"title": title}
    elif validator == "minimum":
        text = _("%(title)s phải lớn hơn hoặc bằng %(n)s.") % {"title": title, "n": value}
    elif validator == "maximum":
        text = _("%(title)s phải nhỏ hơn hoặc bằng %(n)s.") % {"title": title, "n": value}
    elif validator == "enum":
        text = _("%(title)s phải là một trong các giá trị: %(values)s.") % {
            "title": title,
            "values": ", ".join(str(v) for v in value),
        }
    elif validator == "minItems":
        text = _("%(title)s cần ít nhất %(n)s mục.") % {"title": title, "n": value}
    elif validator == "maxItems":
        text = _("%(title)s có nhiều nhất %(n)s mục.") % {"title": title, "n": value}
    elif validator == "additionalProperties":
        extras = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        key = ".".join([*(str(p) for p in path), extras[0]]) if extras else key
        text = _("Trường này không có trong tờ khai.")
    else:
        text = _("%(title)s không hợp lệ.") % {"title": title}
    return key, text


def validate_form_data(schema: dict, data: Any) -> dict[str, list[str]]:
    """Return Vietnamese error messages per field path (empty dict = `data` is valid)."""
    if not schema:
        return {}
    if not isinstance(data, dict):
        return {"__all__": [_("Tờ khai phải là một đối tượng JSON.")]}
    validator = Draft202012Validator(schema, format_checker=_format_checker)
    errors: dict[str, list[str]] = {}
    for error in sorted(validator.iter_errors(_strip_empty(data)), key=lambda e: list(e.path)):
        key, text = _message(error, schema)
        if text not in errors.setdefault(key, []):
            errors[key].append(text)
    return errors
