"""The catalogue file format (procedures/data/procedures.json): one row checked and cleaned.

The shape of a row is declared once as a JSON Schema; a failed check is reported in
Vietnamese from the error's path (which key, which item), never from jsonschema's English
text. What the schema cannot say (the e-form, the step total, defaults) is done after it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError

from accounts.constants import StaffRoleName

from .constants import ApplicantType, OnceOnly, OnlineMode, default_applicant_types
from .deadlines import deadline_from_note, parse_days
from .forms_schema import validate_form_schema
from .process import validate_steps

DEFAULT_CASE_NAME = "Trường hợp chung"

# Keys of a catalogue row that map onto model columns; every other key is kept in `extra`.
KNOWN_KEYS = frozenset(
    {
        "code",
        "name",
        "field",
        "levels",
        "agency_type",
        "processing_days",
        "processing_calendar_days",
        "online_processing_days",
        "processing_note",
        "online_mode",
        "fees",
        "components",
        "result",
        "conditions",
        "legal_basis",
        "source",
        "form_schema",
        "steps",
        "agencies",
        "popularity",
        "paperless_only",
        "applicant_types",
        "is_published",
        "demo",
        "demo_fields",
        "once_only",
        "only_if",
    }
)
# Facts the demo may complete; a value under "demo" wins over the source's.
DEMO_KEYS = frozenset(
    {
        "field",
        "levels",
        "online_mode",
        "processing_days",
        "processing_calendar_days",
        "online_processing_days",
        "fees",
        "form_schema",
        "steps",
        "agencies",
        "popularity",
        "once_only",
        "only_if",
        "applicant_types",
    }
)

_TEXT = {"type": "string", "pattern": r"\S"}
# Why a listed document is not asked of the citizen (blank: it is asked).
_ONCE_ONLY = {"enum": [*OnceOnly.values, "", None, False]}
_DATE = r"^\d{4}-\d{2}-\d{2}$"
_COUNT = {"type": ["integer", "null"], "minimum": 0}
_ROW_SCHEMA = {
    "type": "object",
    "required": ["code", "name", "field"],
    "properties": {
        "code": {"type": "string", "pattern": r"\S", "maxLength": 30},
        "name": _TEXT,
        "field": _TEXT,
        "online_mode": {"enum": [*OnlineMode.values, "", None]},
        "applicant_types": {
            "type": ["array", "null"],
            "items": {"enum": ApplicantType.values},
            "uniqueItems": True,
        },
        "popularity": _COUNT,
        "levels": {"type": ["array", "null"], "items": {"type": "string"}},
        "legal_basis": {"type": ["array", "null"]},
        "fees": {
            "type": ["array", "null"],
            "items": {
                "type": "object",
                "properties": {
                    "amount_vnd": _COUNT,
                    "online_amount_vnd": _COUNT,
                    # the online rate's validity (YYYY-MM-DD), e.g. a reduction until a date
                    "online_from": {"type": ["string", "null"], "pattern": _DATE},
                    "online_until": {"type": ["string", "null"], "pattern": _DATE},
                },
            },
        },
        "components": {
            "type": ["array", "null"],
            "items": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": _TEXT,
                    "originals": _COUNT,
                    "copies": _COUNT,
                    "max_size_mb": _COUNT,
                    "once_only": _ONCE_ONLY,
                    "only_if": {"type": ["string", "null"]},
                },
            },
        },
        # [{"component": <1-based position>, "why": "state_data" | "e_form"}] — declared as data
        # next to the source's list, never guessed from the document's wording.
        "once_only": {
            "type": ["array", "null"],
            "items": {
                "type": "object",
                "required": ["component"],
                "properties": {
                    "component": {"type": "integer", "minimum": 1},
                    "why": _ONCE_ONLY,
                },
            },
        },
        # [{"component": <1-based position>, "condition": "người nước ngoài"}] — who must
        # submit a document whose text does not say it in words the import rule reads
        # ("" = everyone in its case: the phrase found in its text limits something else).
        "only_if": {
            "type": ["array", "null"],
            "items": {
                "type": "object",
                "required": ["component", "condition"],
                "properties": {
                    "component": {"type": "integer", "minimum": 1},
                    "condition": {"type": "string"},
                },
            },
        },
        "steps": {
            "type": ["array", "null"],
            "items": {
                "type": "object",
                "required": ["role", "duration_hours"],
                "properties": {
                    "role": {"enum": StaffRoleName.values},
                    "duration_hours": {"type": "integer", "minimum": 0},
                    "agency": {"type": ["string", "null"], "maxLength": 20},
                },
            },
        },
    },
}
_VALIDATOR = Draft202012Validator(_ROW_SCHEMA)

# (key, key inside an item of that list) → the reason; %(n)s is the item's 1-based number.
_COPIES = N_("thành phần hồ sơ thứ %(n)s: số bản phải là số nguyên không âm.")
_REASONS = {
    ("code",): N_("thiếu mã thủ tục hoặc mã dài quá 30 ký tự."),
    ("name",): N_("thiếu tên thủ tục."),
    ("field",): N_("thiếu lĩnh vực."),
    ("online_mode",): N_('mức độ trực tuyến "%(value)s" không hợp lệ (full, partial, none).'),
    ("popularity",): N_("mức độ phổ biến phải là số nguyên không âm."),
    ("levels",): N_("cấp thực hiện phải là danh sách chuỗi."),
    ("legal_basis",): N_("căn cứ pháp lý phải là danh sách."),
    ("fees",): N_("phí, lệ phí phải là danh sách."),
    ("fees", None): N_("phí thứ %(n)s không hợp lệ."),
    ("fees", "amount_vnd"): N_("Mức phí thứ %(n)s phải là số nguyên không âm (đồng)."),
    ("fees", "online_amount_vnd"): N_(
        "Mức phí trực tuyến thứ %(n)s phải là số nguyên không âm (đồng)."
    ),
    ("components",): N_("thành phần hồ sơ phải là danh sách."),
    ("components", None): N_("thành phần hồ sơ thứ %(n)s thiếu tên."),
    ("components", "originals"): _COPIES,
    ("components", "copies"): _COPIES,
    ("components", "max_size_mb"): N_(
        "thành phần hồ sơ thứ %(n)s: dung lượng tối đa không hợp lệ."
    ),
    ("components", "once_only"): N_(
        "thành phần hồ sơ thứ %(n)s: lý do không yêu cầu nộp không hợp lệ (state_data, e_form)."
    ),
    ("once_only",): N_('"once_only" phải là danh sách.'),
    ("once_only", None): N_('"once_only" mục %(n)s: cần "component" là số thứ tự giấy tờ.'),
    ("once_only", "why"): N_(
        '"once_only" mục %(n)s: lý do không yêu cầu nộp không hợp lệ (state_data, e_form).'
    ),
    ("only_if",): N_('"only_if" phải là danh sách.'),
    ("only_if", None): N_(
        '"only_if" mục %(n)s: cần "component" là số thứ tự giấy tờ và "condition" là chuỗi.'
    ),
    ("steps",): N_("các bước xử lý phải là danh sách."),
    ("steps", None): N_("bước xử lý thứ %(n)s thiếu vai trò hợp lệ."),
    ("steps", "duration_hours"): N_("bước xử lý thứ %(n)s: số giờ không hợp lệ."),
}
_ORDER = list(_ROW_SCHEMA["properties"])


def _path(error: SchemaError) -> list[Any]:
    path = list(error.absolute_path)
    if error.validator == "required":
        # the error sits on the object; name the first key it lacks
        path.append(next(key for key in error.validator_value if key not in error.instance))
    return path


def _reason(error: SchemaError) -> str:
    path = _path(error)
    key = path[0]
    if len(path) == 1:
        return _(_REASONS[(key,)]) % {"value": error.instance}
    leaf = path[2] if len(path) > 2 else None
    template = _REASONS.get((key, leaf)) or _REASONS[(key, None)]
    return _(template) % {"n": path[1] + 1}


def _first_error(errors: list[SchemaError]) -> SchemaError:
    # report what a reader of the file meets first: keys in schema order, items in file order
    return min(errors, key=lambda e: (_ORDER.index(_path(e)[0]), _path(e)[1:2]))


def case_name_from_condition(condition: str | None) -> str:
    """Return the case name for a component's `condition` (the data README's rule)."""
    name = " ".join((condition or "").split()).rstrip(":").strip()
    return name or DEFAULT_CASE_NAME


# --- Documents for some applicants only ---------------------------------------------------
# The catalogue says in a document's own text who must submit it: "Hộ chiếu (đối với người
# nước ngoài)", "Trường hợp ủy quyền thì …", "… trong trường hợp …", "Người nước ngoài … phải
# nộp …". Such a document is not required of everyone in its case (data README): it is asked
# with its condition shown. Only the document's first clause counts: a later "; trường hợp
# không có … thì nộp …" offers an alternative to the document, it does not limit who submits.
_CONDITION_WORDS = re.compile(
    r"(?<!thuộc )\b(đối với|trường hợp|nếu|trừ|chỉ áp dụng)\b", re.IGNORECASE
)
_LEADING = re.compile(r"^(?:trường hợp|nếu|đối với)\s+(?P<cond>.+)$", re.IGNORECASE | re.DOTALL)
# "(đối với người nước ngoài)", "(trừ người có giấy phép lái xe hạng A1)", "(…, nếu …)"
_PARENTHESISED = re.compile(
    r"\((?:[^()]*?,\s*)?"
    r"(?P<word>đối với|trường hợp|nếu|trừ(?=\s+(?:người|trường hợp))|áp dụng (?:đối với|cho))\s+"
    r"(?P<cond>[^()]+)\)"
    r"|\([^()]*?\snếu\s+(?P<if>[^()]+)\)",
    re.IGNORECASE,
)
_INLINE = re.compile(r"\s(?:trong|đối với) trường hợp\s+(?P<cond>.+)$", re.IGNORECASE | re.DOTALL)
# "… đối với người chưa đủ 14 tuổi", "… đối với thành viên là cá nhân": a kind of applicant.
# ("… đối với dự án …", "… đối với phương tiện …" limit a part of the document: not read.)
_FOR_WHOM = re.compile(
    r"\sđối với\s+(?P<cond>(?:người|cá nhân|tổ chức|thành viên|chủ|công dân|trẻ em|đối tượng)"
    r"\b.*)$",
    re.IGNORECASE | re.DOTALL,
)
_WHO_MUST = re.compile(r"^(?P<cond>[^,.;:()]{3,}(?:,[^,.;:()]+)?)\s+phải nộp\s", re.IGNORECASE)


def _first_clause(text: str) -> str:
    """Return the text up to the first "." or ";" outside parentheses."""
    depth = 0
    for index, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        after = text[index + 1 : index + 2]
        if depth <= 0 and (
            char == ";" or (char == "." and (after in (" ", "") or after.isupper()))
        ):
            return text[:index]
    return text


def _outside_parentheses(text: str) -> str:
    depth, kept = 0, []
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth <= 0 and char != ")":
            kept.append(char)
    return "".join(kept)


def _tidy(condition: str) -> str:
    return " ".join(condition.split()).strip(" ,.:;")


def _leading_condition(clause: str) -> str | None:
    match = _LEADING.match(clause)
    if not match:
        return None
    rest = match["cond"]
    # "Trường hợp X thì …", "Đối với X: …", "Trường hợp X phải có …"; else the first comma.
    ends = [i for i in (rest.find(" thì "), rest.find(":"), rest.find(" phải ")) if i > 0]
    if not ends and ", " in rest:
        ends = [rest.find(", ")]
    return _tidy(rest[: min(ends)] if ends else rest)


def component_condition(name: str) -> str | None:
    """Return who must submit a document, as its text says it; None for everyone in its case."""
    clause = _first_clause(" ".join((name or "").split()))
    if leading := _leading_condition(clause):
        return leading
    if match := _PARENTHESISED.search(clause):
        condition = _tidy(match["cond"] or match["if"])
        if (match["word"] or "").lower() == "trừ":
            return f"không phải {condition}"
        return "có giấy tờ này" if condition.lower() == "có" else condition
    outside = _outside_parentheses(clause)
    for pattern in (_INLINE, _FOR_WHOM):
        if match := pattern.search(outside):
            return _tidy(match["cond"])
    if match := _WHO_MUST.match(clause):
        return _tidy(match["cond"])
    return None


def unplaced_condition(name: str) -> str | None:
    """Return the conditional phrase of a document's first clause that the rule did not read."""
    if component_condition(name) is not None:
        return None
    clause = _outside_parentheses(_first_clause(" ".join((name or "").split())))
    match = _CONDITION_WORDS.search(clause)
    return clause[max(0, match.start() - 40) : match.end() + 60].strip() if match else None


def unplaced_conditions(rows: list[Any]) -> list[tuple[str, int, str]]:
    """List (code, position, phrase) of documents whose conditional phrase nothing places.

    A phrase is placed when the rule reads it or the data declares the document's condition
    (`only_if` of the component or of the demo block, "" for "everyone in its case").
    """
    unplaced = []
    for row in rows:
        if not isinstance(row, dict):
            continue
        data, _demo_fields = _merged(row)
        declared = {
            item.get("component") for item in data.get("only_if") or [] if isinstance(item, dict)
        }
        for n, component in enumerate(data.get("components") or [], start=1):
            if n in declared or not isinstance(component, dict) or "only_if" in component:
                continue
            if phrase := unplaced_condition(str(component.get("name") or "")):
                unplaced.append((str(row.get("code") or ""), n, phrase))
    return unplaced


def _only_if(component: dict, declared: str | None) -> str:
    """Return the condition of a document: declared in the data, else read from its text."""
    if declared is not None:
        return _tidy(declared)
    if component.get("only_if"):
        return _tidy(str(component["only_if"]))
    return component_condition(component.get("name") or "") or ""


def _required(component: dict, only_if: str) -> bool:
    # The source often leaves "bắt buộc" unset; such a document is required within its case
    # unless its own text makes it conditional ("nếu có", "trường hợp…") — data README.
    # A parenthesised "(nếu …)" ties the document to a choice of the applicant, e.g. the paper
    # declaration "(nếu … nộp hồ sơ theo hình thức trực tiếp …)" that the e-form replaces online.
    if only_if:
        return False
    if component.get("required") is not None:
        return bool(component["required"])
    text = (component.get("name") or "").strip().lower()
    return not (text.startswith("trường hợp") or "nếu có" in text or "(nếu " in text)


def _merged(row: dict) -> tuple[dict, list[str]]:
    demo = row.get("demo") or {}
    if not isinstance(demo, dict):
        raise ValueError(_('"demo" phải là một đối tượng.'))
    merged = {**row}
    demo_fields = [key for key in demo if key in DEMO_KEYS]
    merged.update({key: demo[key] for key in demo_fields})
    for key in row.get("demo_fields") or []:
        if key not in demo_fields:
            demo_fields.append(key)
    return merged, sorted(demo_fields)


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:  # the schema checked the shape; an impossible day sets no limit
        return None


def _fee(fee: dict, position: int) -> dict[str, Any]:
    return {
        "name": (str(fee.get("name") or "") or _("Phí, lệ phí"))[:300],
        "amount": fee.get("amount_vnd"),
        "online_amount": fee.get("online_amount_vnd"),
        "online_from": _date(fee.get("online_from")),
        "online_until": _date(fee.get("online_until")),
        "note": str(fee.get("note") or ""),
        "position": position,
    }


def _component(
    component: dict, position: int, once_only: dict[int, str], only_if: dict[int, str]
) -> dict[str, Any]:
    files = component.get("form_files") or []
    condition = _only_if(component, only_if.get(position))
    return {
        "case": case_name_from_condition(component.get("condition")),
        "name": component["name"].strip(),
        "required": _required(component, condition),
        "only_if": condition,
        "kind": str(component.get("kind") or "")[:30],
        "note": str(component.get("note") or ""),
        "template_file": str(files[0])[:300] if files else "",
        "once_only": once_only.get(position, component.get("once_only") or ""),
        "max_size_mb": component.get("max_size_mb") or 10,
        "position": position,
        "originals": component.get("originals", 1) or 0,
        "copies": component.get("copies") or 0,
    }


def _step(step: dict, position: int) -> dict[str, Any]:
    return {
        "position": int(step.get("position") or position),
        "name": str(step.get("name") or "")[:200] or _("Bước %(n)s") % {"n": position},
        "role": step["role"],
        "unit_code": str(step.get("unit_code") or "")[:50],
        "duration_hours": step["duration_hours"],
        # Inter-agency (liên thông): the code of the agency doing the step; None = filing agency.
        "agency": str(step["agency"]) if step.get("agency") else None,
    }


def clean_row(row: Any) -> dict[str, Any]:
    """Check one catalogue row and return the values to store (ValueError with the reason)."""
    if not isinstance(row, dict):
        raise ValueError(_("mỗi thủ tục phải là một đối tượng JSON."))
    data, demo_fields = _merged(row)
    errors = list(_VALIDATOR.iter_errors(data))
    if errors:
        raise ValueError(_reason(_first_error(errors)))
    try:
        days = parse_days(data.get("processing_days")) or 0
        online_days = parse_days(data.get("online_processing_days"))
    except ValueError as exc:
        raise ValueError(
            _("thời hạn giải quyết phải là số ngày không âm (tối đa 2 chữ số thập phân).")
        ) from exc
    # The catalogue says calendar days and a separate online time in its note; an explicit
    # key of the row wins over what the note says.
    from_note = deadline_from_note(str(data.get("processing_note") or ""), days)
    calendar = data.get("processing_calendar_days")
    calendar = from_note["calendar"] if calendar is None else bool(calendar)
    if online_days is None and "online_processing_days" not in data:
        online_days = from_note["online_days"]
    form_schema = data.get("form_schema") or {}
    try:
        validate_form_schema(form_schema)
    except DjangoValidationError as exc:
        raise ValueError(
            _("biểu mẫu điện tử không hợp lệ: %(e)s") % {"e": "; ".join(exc.messages)}
        ) from exc
    steps = [_step(step, n) for n, step in enumerate(data.get("steps") or [], start=1)]
    once_only = {item["component"]: item.get("why") or "" for item in data.get("once_only") or []}
    only_if = {item["component"]: item["condition"] for item in data.get("only_if") or []}
    try:
        validate_steps(processing_days=days, durations=[s["duration_hours"] for s in steps])
    except DjangoValidationError as exc:
        raise ValueError("; ".join(exc.messages)) from exc
    return {
        "code": data["code"].strip(),
        "field_name": " ".join(data["field"].split()),
        "fees": [_fee(fee, n) for n, fee in enumerate(data.get("fees") or [], start=1)],
        "components": [
            _component(component, n, once_only, only_if)
            for n, component in enumerate(data.get("components") or [], start=1)
        ],
        "steps": steps,
        "agencies": [str(a) for a in data.get("agencies") or []],
        "values": {
            "name": " ".join(data["name"].split()),
            "levels": data.get("levels") or [],
            "agency_type": str(data.get("agency_type") or ""),
            "online_mode": data.get("online_mode") or OnlineMode.PARTIAL,
            "processing_days": days,
            "processing_calendar_days": calendar,
            "online_processing_days": online_days,
            "processing_note": str(data.get("processing_note") or ""),
            "result": str(data.get("result") or ""),
            "conditions": str(data.get("conditions") or ""),
            "legal_basis": data.get("legal_basis") or [],
            "form_schema": form_schema,
            "paperless_only": bool(data.get("paperless_only", False)),
            "applicant_types": data.get("applicant_types") or default_applicant_types(),
            "is_published": bool(data.get("is_published", True)),
            "popularity": data.get("popularity") or 0,
            "source": str(data.get("source") or "")[:500],
            "demo_fields": demo_fields,
            "extra": {key: value for key, value in row.items() if key not in KNOWN_KEYS},
        },
    }
