"""The e-form (tờ khai điện tử) of a procedure: a small, checked subset of JSON Schema.

Supported: an object whose properties are string (minLength, maxLength, pattern, format
"date"/"email"), integer or number (minimum, maximum), boolean, enum, nested objects and
arrays of objects (minItems, maxItems); each property has a Vietnamese "title"; "required"
lists the mandatory properties. Anything else is refused when the schema is saved, so that
every schema can be rendered as an HTML form and every error can be said in Vietnamese.

Cross-field rules sit in an object's "x-rules" list (the root, a nested object or the items
of a list), each checked on the server and reported on one field:
- {"rule": "date_order", "start": "tu_ngay", "end": "den_ngay"}: end not before start;
- {"rule": "required_if", "field": "ly_do_khac", "when": "ly_do", "equals": "Khác"}: `field`
  is required when `when` has the value `equals` (or, without "equals", is filled / ticked);
- {"rule": "not_future", "field": "ngay_sinh"}: a date not after today.
An optional "message" replaces the generated one.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
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
RULES_KEY = "x-rules"
# Keys each cross-field rule needs (all name properties of the same object, but "equals").
RULE_KEYS = {
    "date_order": ("start", "end"),
    "required_if": ("field", "when"),
    "not_future": ("field",),
}
# When one field breaks several constraints, the person sees only the most useful message.
_PRIORITY = [
    "required",
    "type",
    "minLength",
    "format",
    "pattern",
    "maxLength",
    "enum",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "additionalProperties",
]

_format_checker = FormatChecker(formats=sorted(FORMATS))


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _kind_names() -> str:
    names = {
        "string": _("văn bản"),
        "integer": _("số nguyên"),
        "number": _("số"),
        "boolean": _("có/không"),
        "object": _("nhóm"),
        "array": _("nhóm lặp lại"),
    }
    return ", ".join(f"“{kind}” ({label})" for kind, label in names.items())


def _field_label(prop: Any, name: str) -> str:
    # A clerk knows the field by the title the citizen sees, not by its machine name.
    title = prop.get("title") if isinstance(prop, dict) else None
    label = title.strip() if isinstance(title, str) and title.strip() else name
    return _("Trường “%(title)s”") % {"title": label}


def _check_object(node: dict, where: str, problems: list[str], *, root: bool = False) -> None:
    properties = node.get("properties")
    if not isinstance(properties, dict) or not properties:
        problems.append(_("%(where)s: cần có ít nhất một trường.") % {"where": where})
        return
    for name, prop in properties.items():
        label = _field_label(prop, str(name))
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(name)):
            problems.append(
                _(
                    "%(where)s: tên máy “%(name)s” chỉ được gồm chữ không dấu, số và dấu gạch "
                    "dưới (_), không bắt đầu bằng số."
                )
                % {"where": label, "name": name}
            )
        _check_property(prop, label, problems)
    required = node.get("required", [])
    if not isinstance(required, list):
        problems.append(
            _("%(where)s: danh sách trường bắt buộc (“required”) phải là một danh sách.")
            % {"where": where}
        )
    else:
        missing = [str(r) for r in required if r not in properties]
        if missing:
            problems.append(
                _("%(where)s: trường bắt buộc “%(names)s” không có trong biểu mẫu.")
                % {"where": where, "names": "”, “".join(missing)}
            )
    extra = node.get("additionalProperties", False)
    if not isinstance(extra, bool):
        problems.append(
            _("%(where)s: “additionalProperties” chỉ được là true hoặc false.") % {"where": where}
        )
    _check_rules(node.get(RULES_KEY, []), properties, where, problems)


def _check_rules(rules: Any, properties: dict, path: str, problems: list[str]) -> None:
    if not isinstance(rules, list):
        problems.append(
            _("%(where)s: các quy tắc (“x-rules”) phải là một danh sách.") % {"where": path}
        )
        return
    for index, rule in enumerate(rules, start=1):
        where = _("%(where)s, quy tắc thứ %(n)s") % {"where": path, "n": index}
        kind = rule.get("rule") if isinstance(rule, dict) else None
        if kind not in RULE_KEYS:
            problems.append(
                _("%(where)s: loại quy tắc phải là một trong: %(kinds)s.")
                % {"where": where, "kinds": ", ".join(sorted(RULE_KEYS))}
            )
            continue
        for key in RULE_KEYS[kind]:
            name = rule.get(key)
            prop = properties.get(name) if isinstance(name, str) else None
            if not isinstance(prop, dict):
                problems.append(
                    _("%(where)s: “%(key)s” phải là tên một trường của cùng nhóm.")
                    % {"where": where, "key": key}
                )
            elif kind in ("date_order", "not_future") and prop.get("format") != "date":
                problems.append(
                    _("%(where)s: %(field)s phải có kiểu Ngày.")
                    % {"where": where, "field": _field_label(prop, name)}
                )
        if "message" in rule and not isinstance(rule["message"], str):
            problems.append(_("%(where)s: thông báo phải là văn bản.") % {"where": where})


def _check_property(prop: Any, path: str, problems: list[str]) -> None:
    if not isinstance(prop, dict):
        problems.append(_("%(where)s: mô tả trường phải là một đối tượng JSON.") % {"where": path})
        return
    kind = prop.get("type")
    if kind not in KEYS_BY_TYPE:
        problems.append(
            _("%(where)s: kiểu dữ liệu “%(kind)s” không được hỗ trợ; chọn một trong: %(kinds)s.")
            % {"where": path, "kind": kind, "kinds": _kind_names()}
        )
        return
    title = prop.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append(
            _("%(where)s: cần có nhãn (“title”) để công dân biết phải nhập gì.") % {"where": path}
        )
    unknown = {k for k in prop if not k.startswith("x-")} - COMMON_KEYS - KEYS_BY_TYPE[kind]
    if RULES_KEY in prop and kind != "object":
        unknown.add(RULES_KEY)
    if unknown:
        problems.append(
            _("%(where)s: không hỗ trợ thuộc tính %(keys)s.")
            % {"where": path, "keys": ", ".join(f"“{k}”" for k in sorted(unknown))}
        )
    if "enum" in prop and (
        kind not in SCALAR_TYPES or not isinstance(prop["enum"], list) or not prop["enum"]
    ):
        problems.append(
            _("%(where)s: danh sách lựa chọn (“enum”) phải có ít nhất một giá trị.")
            % {"where": path}
        )
    for key in ("minLength", "maxLength", "minItems", "maxItems"):
        if key in prop and not _is_count(prop[key]):
            problems.append(
                _("%(where)s: “%(key)s” phải là số nguyên không âm.") % {"where": path, "key": key}
            )
    for key in ("minimum", "maximum"):
        if key in prop and not _is_number(prop[key]):
            problems.append(_("%(where)s: “%(key)s” phải là một số.") % {"where": path, "key": key})
    if "pattern" in prop:
        try:
            re.compile(prop["pattern"])
        except (re.error, TypeError):
            problems.append(
                _("%(where)s: mẫu kiểm tra (“pattern”) không phải biểu thức hợp lệ.")
                % {"where": path}
            )
    if "format" in prop and prop["format"] not in FORMATS:
        problems.append(
            _("%(where)s: định dạng “%(format)s” không được hỗ trợ (chỉ “date” hoặc “email”).")
            % {"where": path, "format": prop["format"]}
        )
    if kind == "object":
        _check_object(prop, path, problems)
    elif kind == "array":
        items = prop.get("items")
        if not isinstance(items, dict) or items.get("type") != "object":
            problems.append(
                _("%(where)s: mỗi mục của nhóm lặp lại phải là một nhóm trường (“object”).")
                % {"where": path}
            )
        else:
            _check_property({"title": title or path, **items}, path, problems)


def validate_form_schema(schema: Any) -> None:
    """Raise ValidationError unless `schema` is a supported e-form schema (or empty)."""
    if schema in ({}, None):
        return
    if not isinstance(schema, dict):
        raise ValidationError(_("Biểu mẫu điện tử phải là một đối tượng JSON."))
    problems: list[str] = []
    if schema.get("type") != "object":
        problems.append(_("Biểu mẫu: “type” ở gốc phải là “object”."))
    unknown = set(schema) - ROOT_KEYS - COMMON_KEYS - KEYS_BY_TYPE["object"]
    unknown = {k for k in unknown if not k.startswith("x-")}
    if unknown:
        problems.append(
            _("Biểu mẫu: không hỗ trợ thuộc tính %(keys)s.")
            % {"keys": ", ".join(f"“{k}”" for k in sorted(unknown))}
        )
    if not problems:
        _check_object(schema, _("Biểu mẫu"), problems, root=True)
    if not problems:
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as exc:
            # Said from the error's fields, not its English text.
            where = ".".join(str(p) for p in exc.absolute_path) or _("gốc")
            problems.append(
                _('Biểu mẫu không hợp lệ tại "%(where)s" (quy tắc "%(rule)s").')
                % {"where": where, "rule": exc.validator}
            )
    if problems:
        raise ValidationError(problems)


ORDER_KEY = "x-order"


def with_field_order(schema: Any) -> Any:
    """Return the schema with "x-order" on every object: the order of its properties.

    PostgreSQL stores JSON as jsonb, which re-sorts object keys (shortest first); without the
    order kept as a list, the e-form would show "Lý do" before "Họ và tên".
    """
    if not isinstance(schema, dict):
        return schema
    node = dict(schema)
    properties = node.get("properties")
    if isinstance(properties, dict):
        node["properties"] = {k: with_field_order(v) for k, v in properties.items()}
        kept = [k for k in node.get(ORDER_KEY) or [] if k in properties]
        node[ORDER_KEY] = kept + [k for k in properties if k not in kept]
    if isinstance(node.get("items"), dict):
        node["items"] = with_field_order(node["items"])
    return node


def ordered_properties(node: dict) -> list[tuple[str, dict]]:
    """Return an object's (name, property) pairs in the author's order."""
    properties = node.get("properties") or {}
    order = [k for k in node.get(ORDER_KEY) or [] if k in properties]
    return [(k, properties[k]) for k in order + [k for k in properties if k not in order]]


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


def _title(schema: dict, path: list) -> str:
    node = _subschema(schema, path)
    return node.get("title") or (str(path[-1]) if path else _("Tờ khai"))


def _key(path: list) -> str:
    return ".".join(str(p) for p in path) or "__all__"


def _messages(error, schema: dict) -> list[tuple[str, str]]:
    """Return (field key, Vietnamese message) pairs for one jsonschema error, read from its
    fields (validator, validator_value, instance, path) — never from its English text."""
    path = list(error.absolute_path)
    validator = error.validator
    value = error.validator_value
    if validator == "required":
        present = error.instance if isinstance(error.instance, dict) else {}
        return [
            (
                _key([*path, name]),
                _("Vui lòng nhập %(title)s.") % {"title": _title(schema, [*path, name])},
            )
            for name in value
            if name not in present
        ]
    if validator == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        extras = sorted(set(error.instance) - known) if isinstance(error.instance, dict) else []
        return [(_key([*path, name]), _("Trường này không có trong tờ khai.")) for name in extras]
    title = _title(schema, path)
    kinds = {
        "string": _("chuỗi ký tự"),
        "integer": _("số nguyên"),
        "number": _("số"),
        "boolean": _("có hoặc không"),
        "array": _("danh sách"),
        "object": _("nhóm thông tin"),
    }
    if validator == "type":
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
    else:
        text = _("%(title)s không hợp lệ.") % {"title": title}
    return [(_key(path), text)]


def _as_date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _filled(value: Any) -> bool:
    return value not in (None, "", False, [], {})


def _rule_errors(schema: dict, node: dict, data: Any, path: list) -> list[tuple[str, str]]:
    """Check the "x-rules" of `node` (and of every nested object and list row) on `data`."""
    if not isinstance(data, dict):
        return []
    found: list[tuple[str, str]] = []
    for rule in node.get(RULES_KEY, []):
        kind, custom = rule.get("rule"), rule.get("message")
        if kind == "date_order":
            start, end = _as_date(data.get(rule["start"])), _as_date(data.get(rule["end"]))
            if start and end and end < start:
                field = [*path, rule["end"]]
                found.append(
                    (
                        _key(field),
                        custom
                        or _("%(end)s không được trước %(start)s.")
                        % {
                            "end": _title(schema, field),
                            "start": _title(schema, [*path, rule["start"]]),
                        },
                    )
                )
        elif kind == "required_if":
            trigger = data.get(rule["when"])
            active = trigger == rule["equals"] if "equals" in rule else _filled(trigger)
            if active and not _filled(data.get(rule["field"])):
                field = [*path, rule["field"]]
                found.append(
                    (
                        _key(field),
                        custom
                        or _("Vui lòng nhập %(title)s (bắt buộc khi chọn “%(when)s”).")
                        % {
                            "title": _title(schema, field),
                            "when": rule.get("equals", _title(schema, [*path, rule["when"]])),
                        },
                    )
                )
        elif kind == "not_future":
            day = _as_date(data.get(rule["field"]))
            if day and day > timezone.localdate():
                field = [*path, rule["field"]]
                found.append(
                    (
                        _key(field),
                        custom
                        or _("%(title)s không được sau ngày hôm nay.")
                        % {"title": _title(schema, field)},
                    )
                )
    for name, prop in ordered_properties(node):
        if prop.get("type") == "object":
            found += _rule_errors(schema, prop, data.get(name), [*path, name])
        elif prop.get("type") == "array" and isinstance(data.get(name), list):
            for index, row in enumerate(data[name]):
                found += _rule_errors(schema, prop.get("items", {}), row, [*path, name, index])
    return found


def validate_form_data(schema: dict, data: Any) -> dict[str, list[str]]:
    """Return one Vietnamese error message per field path (empty dict = `data` is valid)."""
    if not schema:
        return {}
    if not isinstance(data, dict):
        return {"__all__": [_("Tờ khai phải là một đối tượng JSON.")]}
    data = _strip_empty(data)
    validator = Draft202012Validator(schema, format_checker=_format_checker)
    rank = {name: index for index, name in enumerate(_PRIORITY)}
    ranked: list[tuple[int, str, str]] = []
    for error in validator.iter_errors(data):
        for key, text in _messages(error, schema):
            ranked.append((rank.get(error.validator, len(rank)), key, text))
    # Cross-field rules come after the field's own checks: "Vui lòng nhập…" beats "trước…".
    ranked += [(len(rank) + 1, key, text) for key, text in _rule_errors(schema, schema, data, [])]
    errors: dict[str, list[str]] = {}
    for _rank, key, text in sorted(ranked, key=lambda item: item[0]):
        errors.setdefault(key, [text])
    return dict(sorted(errors.items()))


def _json_reason(message: str) -> str:
    # json's own reasons are English; say the common ones in plain words.
    reasons = {
        "Expecting ',' delimiter": _("thiếu dấu phẩy"),
        "Expecting ':' delimiter": _("thiếu dấu hai chấm sau tên thuộc tính"),
        "Expecting property name enclosed in double quotes": _(
            "tên thuộc tính phải đặt trong dấu nháy kép, hoặc thừa dấu phẩy ở cuối"
        ),
        "Illegal trailing comma before end of object": _("thừa dấu phẩy ở cuối"),
        "Illegal trailing comma before end of array": _("thừa dấu phẩy ở cuối"),
        "Expecting value": _("thiếu giá trị hoặc có ký tự không hợp lệ"),
        "Unterminated string starting at": _("chuỗi chưa có dấu nháy kép đóng"),
        "Invalid control character at": _("có ký tự xuống dòng hoặc ký tự điều khiển trong chuỗi"),
        "Extra data": _("có nội dung thừa sau khi biểu mẫu đã kết thúc"),
        "Invalid \\escape": _("dấu gạch chéo ngược (\\) không hợp lệ"),
    }
    for english, plain in reasons.items():
        if message.startswith(english):
            return plain
    return _("cú pháp không hợp lệ")


def parse_form_schema(text: str) -> Any:
    """Parse the JSON text of an e-form schema; a syntax error is said in plain Vietnamese."""
    if not text.strip():
        return {}
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            _("Nội dung JSON bị lỗi ở dòng %(line)s, cột %(col)s: %(reason)s.")
            % {"line": exc.lineno, "col": exc.colno, "reason": _json_reason(exc.msg)},
            code="invalid",
        ) from exc
