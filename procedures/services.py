"""Writes of the catalogue: publishing versions, importing catalogue files."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.constants import StaffRoleName
from accounts.models import Agency

from .constants import OnceOnly, OnlineMode
from .deadlines import days_value, deadline_from_note, parse_days
from .forms_schema import validate_form_schema
from .models import (
    Component,
    FeeItem,
    Field,
    Procedure,
    ProcedureCase,
    ProcedureVersion,
    ProcessStep,
)
from .process import validate_steps
from .text import fold


def _component_dict(component) -> dict[str, Any]:
    return {
        "id": component.id,
        "name": component.name,
        "originals": component.originals,
        "copies": component.copies,
        "required": component.required,
        "case": component.case_id,
        "max_size_mb": component.max_size_mb,
        "kind": component.kind,
        "note": component.note,
        "template_file": component.template_file,
        "template_url": (f"/thu-tuc/mau/{component.id}/" if component.template_upload else ""),
        "once_only": component.once_only,
    }


def procedure_snapshot(*, procedure: Procedure) -> dict[str, Any]:
    """Return the API detail representation (API.md §4) of the procedure as it is now."""
    procedure = (
        Procedure.objects.select_related("field")
        .prefetch_related("cases", "components", "fees", "steps", "agencies")
        .get(pk=procedure.pk)
    )
    cases = sorted(procedure.cases.all(), key=lambda c: (c.position, c.id))
    case_order = {case.id: index for index, case in enumerate(cases)}
    components = sorted(
        procedure.components.all(), key=lambda c: (case_order.get(c.case_id, 0), c.position, c.id)
    )
    flat = [_component_dict(c) for c in components]
    return {
        "code": procedure.code,
        "name": procedure.name,
        "field": procedure.field.name,
        "field_code": procedure.field.code,
        "levels": list(procedure.levels),
        "agency_type": procedure.agency_type,
        "online_mode": procedure.online_mode,
        "processing_days": days_value(procedure.processing_days),
        "processing_calendar_days": procedure.processing_calendar_days,
        "online_processing_days": days_value(procedure.online_processing_days),
        "processing_note": procedure.processing_note,
        "result": procedure.result,
        "conditions": procedure.conditions,
        "legal_basis": list(procedure.legal_basis),
        "paperless_only": procedure.paperless_only,
        "fees": [
            {
                "name": fee.name,
                "amount": fee.amount,
                "online_amount": fee.online_amount,
                "note": fee.note,
                "case": fee.case_id,
            }
            for fee in sorted(procedure.fees.all(), key=lambda f: (f.position, f.id))
        ],
        "cases": [
            {
                "id": case.id,
                "name": case.name,
                "processing_days": days_value(case.processing_days),
                "components": [c for c in flat if c["case"] == case.id],
            }
            for case in cases
        ],
        "components": flat,
        "form_schema": procedure.form_schema,
        "agencies": [
            {"code": agency.code, "name": agency.name}
            for agency in sorted(procedure.agencies.all(), key=lambda a: a.code)
        ],
        "steps": [
            {
                "position": step.position,
                "name": step.name,
                "role": step.role,
                "unit_code": step.unit_code,
                "duration_hours": step.duration_hours,
            }
            for step in sorted(procedure.steps.all(), key=lambda s: (s.position, s.id))
        ],
        "version": procedure.version,
    }


def _without_version(snapshot: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in snapshot.items() if key != "version"}


@transaction.atomic
def procedure_publish(*, procedure: Procedure, actor=None) -> ProcedureVersion:
    """Freeze the procedure's current content as a new version unless nothing changed."""
    # Lock the row so that two publishers cannot both take the same version number.
    locked = Procedure.objects.select_for_update().get(pk=procedure.pk)
    snapshot = procedure_snapshot(procedure=locked)
    latest = locked.versions.order_by("-number").first()
    if latest is not None and _without_version(latest.snapshot) == _without_version(snapshot):
        return latest
    number = latest.number + 1 if latest is not None else max(locked.version, 1)
    snapshot["version"] = number
    locked.version = number
    locked.save(update_fields=["version", "updated_at"])
    procedure.version = number
    return ProcedureVersion.objects.create(procedure=locked, number=number, snapshot=snapshot)


def procedure_current_version(*, procedure: Procedure) -> ProcedureVersion:
    """Return the latest published version of the procedure, publishing one if none exists."""
    latest = procedure.versions.order_by("-number").first()
    if latest is not None:
        return latest
    return procedure_publish(procedure=procedure)


# --- Import and export of catalogue files (format of shared/data/procedures.json) ----------

# Keys of a catalogue row that map onto model columns; every other key is kept in `extra`.
_KNOWN_KEYS = {
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
    "is_published",
    "demo",
    "demo_fields",
    "once_only",
}
# Facts the demo may complete; a value under "demo" wins over the source's.
_DEMO_KEYS = {
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
}
DEFAULT_CASE_NAME = "Trường hợp chung"


class ImportRowError(Exception):
    """A catalogue row that cannot be imported; carries its 1-based position and code."""

    def __init__(self, position: int, code: str, reason: str):
        self.position, self.code, self.reason = position, code, reason
        super().__init__(f"Thủ tục thứ {position} (mã {code or '?'}): {reason}")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    published: int = 0
    warnings: list[str] = dataclass_field(default_factory=list)


def case_name_from_condition(condition: str | None) -> str:
    """Return the case name for a component's `condition` (the data README's rule)."""
    name = " ".join((condition or "").split()).rstrip(":").strip()
    return name or DEFAULT_CASE_NAME


def _required(component: dict) -> bool:
    # The source often leaves "bắt buộc" unset; such a document is required within its case
    # unless its own text makes it conditional ("nếu có", "trường hợp…") — data README.
    # A parenthesised "(nếu …)" ties the document to a choice of the applicant, e.g. the paper
    # declaration "(nếu … nộp hồ sơ theo hình thức trực tiếp …)" that the e-form replaces online.
    if component.get("required") is not None:
        return bool(component["required"])
    text = (component.get("name") or "").strip().lower()
    return not (text.startswith("trường hợp") or "nếu có" in text or "(nếu " in text)


def _merged(row: dict) -> tuple[dict, list[str]]:
    demo = row.get("demo") or {}
    if not isinstance(demo, dict):
        raise ValueError(_('"demo" phải là một đối tượng.'))
    merged = {**row}
    demo_fields = [key for key in demo if key in _DEMO_KEYS]
    merged.update({key: demo[key] for key in demo_fields})
    for key in row.get("demo_fields") or []:
        if key not in demo_fields:
            demo_fields.append(key)
    return merged, sorted(demo_fields)


def _once_only_value(value: Any) -> str:
    if value in (None, "", False):
        return ""
    if value not in OnceOnly.values:
        raise ValueError(
            _('lý do không yêu cầu nộp "%(v)s" không hợp lệ (%(ok)s).')
            % {"v": value, "ok": ", ".join(OnceOnly.values)}
        )
    return value


def _once_only_by_position(items: Any) -> dict[int, str]:
    # "once_only": [{"component": <1-based position>, "why": "state_data" | "e_form"}] —
    # declared as data next to the source's list, never guessed from the document's wording.
    if items in (None, []):
        return {}
    if not isinstance(items, list):
        raise ValueError(_('"once_only" phải là danh sách.'))
    found = {}
    for item in items:
        position = item.get("component") if isinstance(item, dict) else None
        if isinstance(position, bool) or not isinstance(position, int) or position < 1:
            raise ValueError(_('"once_only": mỗi mục cần "component" là số thứ tự giấy tờ.'))
        found[position] = _once_only_value(item.get("why"))
    return found


def _amount(value: Any, label: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(_("%(label)s phải là số nguyên không âm (đồng).") % {"label": label})
    return value


def _clean_row(row: Any) -> dict[str, Any]:
    """Validate one catalogue row and return the values to store (ValueError on bad data)."""
    if not isinstance(row, dict):
        raise ValueError(_("mỗi thủ tục phải là một đối tượng JSON."))
    data, demo_fields = _merged(row)
    code = str(data.get("code") or "").strip()
    if not code or len(code) > 30:
        raise ValueError(_("thiếu mã thủ tục hoặc mã dài quá 30 ký tự."))
    name = " ".join(str(data.get("name") or "").split())
    if not name:
        raise ValueError(_("thiếu tên thủ tục."))
    field_name = " ".join(str(data.get("field") or "").split())
    if not field_name:
        raise ValueError(_("thiếu lĩnh vực."))
    online_mode = data.get("online_mode") or OnlineMode.PARTIAL
    if online_mode not in OnlineMode.values:
        raise ValueError(
            _('mức độ trực tuyến "%(mode)s" không hợp lệ (full, partial, none).')
            % {"mode": online_mode}
        )
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
    levels = data.get("levels") or []
    if not isinstance(levels, list) or not all(isinstance(level, str) for level in levels):
        raise ValueError(_("cấp thực hiện phải là danh sách chuỗi."))
    fees = []
    for index, fee in enumerate(data.get("fees") or [], start=1):
        if not isinstance(fee, dict):
            raise ValueError(_("phí thứ %(n)s không hợp lệ.") % {"n": index})
        fees.append(
            {
                "name": (str(fee.get("name") or "") or _("Phí, lệ phí"))[:300],
                "amount": _amount(fee.get("amount_vnd"), _("Mức phí thứ %(n)s") % {"n": index}),
                "online_amount": _amount(
                    fee.get("online_amount_vnd"),
                    _("Mức phí trực tuyến thứ %(n)s") % {"n": index},
                ),
                "note": str(fee.get("note") or ""),
                "position": index,
            }
        )
    once_only = _once_only_by_position(data.get("once_only"))
    components = []
    for index, component in enumerate(data.get("components") or [], start=1):
        if not isinstance(component, dict) or not str(component.get("name") or "").strip():
            raise ValueError(_("thành phần hồ sơ thứ %(n)s thiếu tên.") % {"n": index})
        counts = {}
        for key in ("originals", "copies"):
            value = component.get(key, 1 if key == "originals" else 0)
            value = 0 if value is None else value
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(
                    _("thành phần hồ sơ thứ %(n)s: số bản phải là số nguyên không âm.")
                    % {"n": index}
                )
            counts[key] = value
        files = component.get("form_files") or []
        components.append(
            {
                "case": case_name_from_condition(component.get("condition")),
                "name": str(component["name"]).strip(),
                "required": _required(component),
                "kind": str(component.get("kind") or "")[:30],
                "note": str(component.get("note") or ""),
                "template_file": str(files[0])[:300] if files else "",
                "once_only": once_only.get(index, _once_only_value(component.get("once_only"))),
                "max_size_mb": int(component.get("max_size_mb") or 10),
                "position": index,
                **counts,
            }
        )
    form_schema = data.get("form_schema") or {}
    try:
        validate_form_schema(form_schema)
    except DjangoValidationError as exc:
        raise ValueError(
            _("biểu mẫu điện tử không hợp lệ: %(e)s") % {"e": "; ".join(exc.messages)}
        ) from exc
    steps = []
    for index, step in enumerate(data.get("steps") or [], start=1):
        if not isinstance(step, dict) or step.get("role") not in StaffRoleName.values:
            raise ValueError(_("bước xử lý thứ %(n)s thiếu vai trò hợp lệ.") % {"n": index})
        hours = step.get("duration_hours")
        if isinstance(hours, bool) or not isinstance(hours, int) or hours < 0:
            raise ValueError(_("bước xử lý thứ %(n)s: số giờ không hợp lệ.") % {"n": index})
        steps.append(
            {
                "position": int(step.get("position") or index),
                "name": str(step.get("name") or "")[:200] or _("Bước %(n)s") % {"n": index},
                "role": step["role"],
                "unit_code": str(step.get("unit_code") or "")[:50],
                "duration_hours": hours,
            }
        )
    try:
        validate_steps(processing_days=days, durations=[s["duration_hours"] for s in steps])
    except DjangoValidationError as exc:
        raise ValueError("; ".join(exc.messages)) from exc
    legal_basis = data.get("legal_basis") or []
    if not isinstance(legal_basis, list):
        raise ValueError(_("căn cứ pháp lý phải là danh sách."))
    return {
        "code": code,
        "field_name": field_name,
        "fees": fees,
        "components": components,
        "steps": steps,
        "agencies": [str(a) for a in data.get("agencies") or []],
        "values": {
            "name": name,
            "levels": levels,
            "agency_type": str(data.get("agency_type") or ""),
            "online_mode": online_mode,
            "processing_days": days,
            "processing_calendar_days": calendar,
            "online_processing_days": online_days,
            "processing_note": str(data.get("processing_note") or ""),
            "result": str(data.get("result") or ""),
            "conditions": str(data.get("conditions") or ""),
            "legal_basis": legal_basis,
            "form_schema": form_schema,
            "paperless_only": bool(data.get("paperless_only", False)),
            "is_published": bool(data.get("is_published", True)),
            "popularity": int(data.get("popularity") or 0),
            "source": str(data.get("source") or "")[:500],
            "demo_fields": demo_fields,
            "extra": {key: value for key, value in row.items() if key not in _KNOWN_KEYS},
        },
    }


def _field_for(name: str) -> Field:
    field = Field.objects.filter(name=name).first()
    if field is not None:
        return field
    base = slugify(fold(name))[:70] or "linh-vuc"
    code, n = base, 1
    while Field.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return Field.objects.create(code=code, name=name)


def _store(clean: dict, agencies_by_code: dict[str, Agency]) -> tuple[Procedure, bool]:
    procedure = Procedure.objects.filter(code=clean["code"]).first()
    created = procedure is None
    if created:
        procedure = Procedure(code=clean["code"])
    for key, value in clean["values"].items():
        setattr(procedure, key, value)
    procedure.field = _field_for(clean["field_name"])
    procedure.full_clean(exclude=["field", "agencies", "source", "search_text"])
    procedure.save()

    # Cases and components are matched by name so that their ids (which dossier drafts and
    # attachments refer to) survive a re-import of an unchanged document list.
    cases = {case.name: case for case in procedure.cases.all()}
    case_names = list(dict.fromkeys(c["case"] for c in clean["components"])) or [DEFAULT_CASE_NAME]
    kept_cases = {}
    for position, case_name in enumerate(case_names):
        case = cases.pop(case_name, None) or ProcedureCase(procedure=procedure, name=case_name)
        case.position = position
        case.save()
        kept_cases[case_name] = case
    existing = {}
    for component in procedure.components.select_related("case"):
        existing.setdefault((component.case.name, component.name), []).append(component)
    kept_components = set()
    for spec in clean["components"]:
        matches = existing.get((spec["case"], spec["name"])) or []
        component = matches.pop(0) if matches else Component(procedure=procedure)
        component.case = kept_cases[spec["case"]]
        for key in ("name", "originals", "copies", "required", "kind", "note"):
            setattr(component, key, spec[key])
        for key in ("template_file", "max_size_mb", "position", "once_only"):
            setattr(component, key, spec[key])
        component.save()
        kept_components.add(component.pk)
    procedure.components.exclude(pk__in=kept_components).delete()
    ProcedureCase.objects.filter(pk__in=[case.pk for case in cases.values()]).delete()

    procedure.fees.all().delete()
    FeeItem.objects.bulk_create(FeeItem(procedure=procedure, **fee) for fee in clean["fees"])
    procedure.steps.all().delete()
    ProcessStep.objects.bulk_create(
        ProcessStep(procedure=procedure, **step) for step in clean["steps"]
    )
    procedure.agencies.set(
        [agencies_by_code[code] for code in clean["agencies"] if code in agencies_by_code]
    )
    return procedure, created


@transaction.atomic
def procedures_import(*, data: Any, actor=None) -> ImportResult:
    """Create or update procedures by code from a catalogue file; all rows or none."""
    if not isinstance(data, dict) or not isinstance(data.get("procedures"), list):
        raise ImportRowError(0, "", _('tệp phải là đối tượng JSON có danh sách "procedures".'))
    result = ImportResult()
    agencies_by_code = {agency.code: agency for agency in Agency.objects.all()}
    seen: set[str] = set()
    for position, row in enumerate(data["procedures"], start=1):
        code = str(row.get("code") or "") if isinstance(row, dict) else ""
        try:
            clean = _clean_row(row)
            if clean["code"] in seen:
                raise ValueError(_("mã thủ tục bị trùng trong tệp."))
            seen.add(clean["code"])
            missing = [c for c in clean["agencies"] if c not in agencies_by_code]
            if missing:
                result.warnings.append(
                    _("Thủ tục %(code)s: bỏ qua cơ quan chưa có %(codes)s.")
                    % {"code": clean["code"], "codes": ", ".join(missing)}
                )
            procedure, created = _store(clean, agencies_by_code)
        except (ValueError, DjangoValidationError) as exc:
            reason = "; ".join(exc.messages) if isinstance(exc, DjangoValidationError) else str(exc)
            raise ImportRowError(position, code, reason) from exc
        if created:
            result.created += 1
        else:
            result.updated += 1
        before = procedure.versions.order_by("-number").values_list("pk", flat=True).first()
        version = procedure_publish(procedure=procedure, actor=actor)
        if version.pk != before:
            result.published += 1
    return result


def procedure_export_row(*, procedure: Procedure) -> dict[str, Any]:
    """Return one procedure in the catalogue file format (the inverse of the import)."""
    snapshot = procedure_snapshot(procedure=procedure)
    case_names = {case["id"]: case["name"] for case in snapshot["cases"]}
    row = {
        "code": procedure.code,
        "name": procedure.name,
        "field": snapshot["field"],
        "levels": snapshot["levels"],
        "agency_type": procedure.agency_type,
        "processing_days": days_value(procedure.processing_days),
        "processing_calendar_days": procedure.processing_calendar_days,
        "online_processing_days": days_value(procedure.online_processing_days),
        "processing_note": procedure.processing_note,
        "online_mode": procedure.online_mode,
        "fees": [
            {
                "name": fee["name"],
                "amount_vnd": fee["amount"],
                "online_amount_vnd": fee["online_amount"],
                "note": fee["note"],
            }
            for fee in snapshot["fees"]
        ],
        "components": [
            {
                "name": c["name"],
                "originals": c["originals"],
                "copies": c["copies"],
                "required": c["required"],
                "condition": case_names[c["case"]],
                "kind": c["kind"],
                "note": c["note"],
                "max_size_mb": c["max_size_mb"],
                **({"once_only": c["once_only"]} if c.get("once_only") else {}),
                **({"form_files": [c["template_file"]]} if c["template_file"] else {}),
            }
            for c in snapshot["components"]
        ],
        "result": procedure.result,
        "conditions": procedure.conditions,
        "legal_basis": snapshot["legal_basis"],
        "source": procedure.source,
        "form_schema": procedure.form_schema,
        "steps": snapshot["steps"],
        "agencies": [agency["code"] for agency in snapshot["agencies"]],
        "popularity": procedure.popularity,
        "paperless_only": procedure.paperless_only,
        "is_published": procedure.is_published,
        "demo_fields": list(procedure.demo_fields),
        **procedure.extra,
    }
    return row


def procedures_export(*, procedures) -> dict[str, Any]:
    """Return the procedures as a catalogue file (the format import_procedures reads)."""
    return {
        "source_notes": [_("Xuất từ DVCTT; các trường trong demo_fields là dữ liệu mẫu.")],
        "procedures": [procedure_export_row(procedure=p) for p in procedures],
    }


@transaction.atomic
def search_words_refresh(*, actor=None) -> int:
    """Add the words of every procedure's search text to the lexicon; return how many new."""
    from . import lexicon
    from .models import SearchWord

    before = SearchWord.objects.count()
    words: set[str] = set()
    for text in Procedure.objects.values_list("search_text", flat=True).iterator(chunk_size=5000):
        words |= lexicon.words_of(text)
    SearchWord.objects.bulk_create(
        [SearchWord(word=word) for word in sorted(words)], ignore_conflicts=True, batch_size=5000
    )
    lexicon.invalidate()
    return SearchWord.objects.count() - before
