"""Writes of the catalogue: publishing versions, importing catalogue files."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import Agency, User
from dvctt.page_cache import catalogue_changed

from . import lexicon
from .catalogue_file import DEFAULT_CASE_NAME, clean_row
from .deadlines import days_value
from .models import (
    Component,
    FeeItem,
    Field,
    Procedure,
    ProcedureCase,
    ProcedureVersion,
    ProcessStep,
)

# re-exported: dossiers/selectors.py (issue 11) imports procedure_snapshot from here
from .selectors import procedure_snapshot as procedure_snapshot
from .text import fold


def _without_version(snapshot: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in snapshot.items() if key != "version"}


@transaction.atomic
def procedure_publish(*, procedure: Procedure, actor: User | None = None) -> ProcedureVersion:
    """Freeze the procedure's current content as a new version unless nothing changed."""
    # Lock the row so that two publishers cannot both take the same version number.
    locked = Procedure.objects.select_for_update().get(pk=procedure.pk)
    lexicon.words_store([locked.search_text])  # the search learns the edited wording
    snapshot = procedure_snapshot(procedure=locked)
    latest = locked.versions.order_by("-number").first()
    if latest is not None and _without_version(latest.snapshot) == _without_version(snapshot):
        return latest
    number = latest.number + 1 if latest is not None else max(locked.version, 1)
    snapshot["version"] = number
    if locked.version != number:
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


def _field_for(name: str, fields: dict[str, Field]) -> Field:
    field = fields.get(name)
    if field is not None:
        return field
    taken = {field.code for field in fields.values()}
    base = slugify(fold(name))[:70] or "linh-vuc"
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}-{n}"
    fields[name] = Field.objects.create(code=code, name=name)
    return fields[name]


_COMPONENT_COLUMNS = [
    "case",
    "name",
    "originals",
    "copies",
    "required",
    "kind",
    "note",
    "template_file",
    "max_size_mb",
    "once_only",
    "only_if",
    "position",
]


def _store_documents(
    procedure: Procedure, components: list[dict[str, Any]], *, created: bool
) -> None:
    # Cases and components are matched by name so that their ids (which dossier drafts and
    # attachments refer to) survive a re-import of an unchanged document list.
    stale_cases = {} if created else {case.name: case for case in procedure.cases.all()}
    case_names = list(dict.fromkeys(c["case"] for c in components)) or [DEFAULT_CASE_NAME]
    cases: dict[str, ProcedureCase] = {}
    new_cases: list[ProcedureCase] = []
    moved_cases: list[ProcedureCase] = []
    for position, name in enumerate(case_names):
        case = stale_cases.pop(name, None)
        if case is None:
            new_cases.append(ProcedureCase(procedure=procedure, name=name, position=position))
            case = new_cases[-1]
        elif case.position != position:
            case.position = position
            moved_cases.append(case)
        cases[name] = case
    ProcedureCase.objects.bulk_create(new_cases)
    ProcedureCase.objects.bulk_update(moved_cases, ["position"])

    existing: dict[tuple[str, str], list[Component]] = {}
    if not created:
        for component in procedure.components.select_related("case"):
            existing.setdefault((component.case.name, component.name), []).append(component)
    new: list[Component] = []
    changed: list[Component] = []
    kept: set[int | None] = set()
    for spec in components:
        matches = existing.get((spec["case"], spec["name"])) or []
        component = matches.pop(0) if matches else Component(procedure=procedure)
        values = {**spec, "case": cases[spec["case"]]}
        if component.pk is None:
            new.append(component)
        elif any(getattr(component, key) != values[key] for key in _COMPONENT_COLUMNS):
            changed.append(component)
        for key in _COMPONENT_COLUMNS:
            setattr(component, key, values[key])
        kept.add(component.pk)
    Component.objects.bulk_update(changed, _COMPONENT_COLUMNS)
    if not created:
        procedure.components.exclude(pk__in=kept - {None}).delete()
        ProcedureCase.objects.filter(pk__in=[case.pk for case in stale_cases.values()]).delete()
    Component.objects.bulk_create(new)


def _store(
    clean: dict[str, Any],
    *,
    procedure: Procedure | None,
    fields: dict[str, Field],
    agencies_by_code: dict[str, Agency],
) -> tuple[Procedure, bool]:
    created = procedure is None
    if procedure is None:
        procedure = Procedure(code=clean["code"])
    for key, value in clean["values"].items():
        setattr(procedure, key, value)
    procedure.field = _field_for(clean["field_name"], fields)
    # the code is unique within the file and matched to the stored row by the caller
    procedure.full_clean(
        exclude=["field", "agencies", "source", "search_text"], validate_unique=False
    )
    procedure.save()
    lexicon.words_store([procedure.search_text])
    _store_documents(procedure, clean["components"], created=created)
    if not created:
        procedure.fees.all().delete()
        procedure.steps.all().delete()
    FeeItem.objects.bulk_create(FeeItem(procedure=procedure, **fee) for fee in clean["fees"])
    ProcessStep.objects.bulk_create(
        ProcessStep(
            procedure=procedure,
            **{**step, "agency": agencies_by_code.get(step["agency"]) if step["agency"] else None},
        )
        for step in clean["steps"]
    )
    agencies = [agencies_by_code[code] for code in clean["agencies"] if code in agencies_by_code]
    if created:
        Procedure.agencies.through.objects.bulk_create(
            Procedure.agencies.through(procedure=procedure, agency=agency) for agency in agencies
        )
    else:
        procedure.agencies.set(agencies)
    return procedure, created


def _clean_rows(rows: list[Any]) -> list[dict[str, Any]]:
    cleaned, seen = [], set()
    for position, row in enumerate(rows, start=1):
        try:
            clean = clean_row(row)
            if clean["code"] in seen:
                raise ValueError(_("mã thủ tục bị trùng trong tệp."))
        except ValueError as exc:
            code = str(row.get("code") or "") if isinstance(row, dict) else ""
            raise ImportRowError(position, code, str(exc)) from exc
        seen.add(clean["code"])
        cleaned.append(clean)
    return cleaned


@transaction.atomic
def procedures_import(*, data: Any, actor: User | None = None) -> ImportResult:
    """Create or update procedures by code from a catalogue file; all rows or none."""
    if not isinstance(data, dict) or not isinstance(data.get("procedures"), list):
        raise ImportRowError(0, "", _('tệp phải là đối tượng JSON có danh sách "procedures".'))
    cleaned = _clean_rows(data["procedures"])
    result = ImportResult()
    agencies_by_code = {agency.code: agency for agency in Agency.objects.all()}
    fields = {field.name: field for field in Field.objects.all()}
    stored = Procedure.objects.in_bulk([clean["code"] for clean in cleaned], field_name="code")
    for position, clean in enumerate(cleaned, start=1):
        missing = [c for c in clean["agencies"] if c not in agencies_by_code]
        if missing:
            result.warnings.append(
                _("Thủ tục %(code)s: bỏ qua cơ quan chưa có %(codes)s.")
                % {"code": clean["code"], "codes": ", ".join(missing)}
            )
        try:
            procedure, created = _store(
                clean,
                procedure=stored.get(clean["code"]),
                fields=fields,
                agencies_by_code=agencies_by_code,
            )
        except DjangoValidationError as exc:
            raise ImportRowError(position, clean["code"], "; ".join(exc.messages)) from exc
        before = None
        if created:
            result.created += 1
        else:
            result.updated += 1
            before = procedure.versions.order_by("-number").values_list("pk", flat=True).first()
        version = procedure_publish(procedure=procedure, actor=actor)
        if version.pk != before:
            result.published += 1
    # bulk writes (fees, steps, cases) send no signals: retire the cached pages once, here
    transaction.on_commit(catalogue_changed)
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
                **{k: fee[k] for k in ("online_from", "online_until") if fee.get(k)},
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
                **({"only_if": c["only_if"]} if c.get("only_if") else {}),
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
        "applicant_types": list(procedure.applicant_types),
        "is_published": procedure.is_published,
        "demo_fields": list(procedure.demo_fields),
        **procedure.extra,
    }
    return row


def procedures_export(*, procedures: Iterable[Procedure]) -> dict[str, Any]:
    """Return the procedures as a catalogue file (the format import_procedures reads)."""
    return {
        "source_notes": [_("Xuất từ DVCTT; các trường trong demo_fields là dữ liệu mẫu.")],
        "procedures": [procedure_export_row(procedure=p) for p in procedures],
    }


@transaction.atomic
def search_words_refresh(*, actor: User | None = None) -> int:
    """Add the words of every procedure's search text to the lexicon; return how many new."""
    from .models import SearchWord

    before = SearchWord.objects.count()
    texts = Procedure.objects.values_list("search_text", flat=True).iterator(chunk_size=5000)
    lexicon.words_store(texts)
    transaction.on_commit(catalogue_changed)  # the suggestions of empty searches may change
    return SearchWord.objects.count() - before
