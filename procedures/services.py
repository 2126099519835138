"""Writes of the catalogue: publishing versions, importing catalogue files."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from .models import Procedure, ProcedureVersion


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
        "processing_days": procedure.processing_days,
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
                "processing_days": case.processing_days,
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
