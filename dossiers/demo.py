"""Demo dossiers for the officials' workspace (idempotent): filed by the second demo citizen."""

from __future__ import annotations

import logging
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from accounts.demo import AGENCY_A
from accounts.models import User
from dvctt import pdf
from dvctt.errors import ApplicationError
from procedures.models import ProcedureCase

from .filing import services as filing_services
from .models import Dossier
from .workflow import services as workflow_services

log = logging.getLogger(__name__)
# A real (blank) PDF: an uploaded result is stamped and signed, which needs a readable file.
DEMO_PDF = pdf.blank_pdf("DVCTT demo")
# (procedure code, actions run after submission: (role e-mail, action, inputs))
APPRAISAL: dict[str, str] = {"proposal": "approve", "note": "Hồ sơ đầy đủ, đề nghị giải quyết."}
DemoAction = tuple[str, str, dict[str, Any]]
DEMO_DOSSIERS: list[tuple[str, list[DemoAction]]] = [
    ("1.004194", []),  # Đăng ký tạm trú: waits at the desk of agency A
    # With the specialist of agency A, handed over by the desk.
    ("1.002755", [("motcua@demo.vn", "receive", {}), ("motcua@demo.vn", "forward", {})]),
    # Đăng ký khai sinh (liên thông): appraised at A, now at UBND xã Demo (agency B).
    (
        "1.001193",
        [
            ("motcua@demo.vn", "receive", {}),
            ("motcua@demo.vn", "forward", {}),
            ("chuyenvien@demo.vn", "forward", {**APPRAISAL, "to_agency": "000.00.02.H99"}),
        ],
    ),
]


def _sample(prop: dict):
    if "enum" in prop:
        return prop["enum"][0]
    if prop.get("type") in ("integer", "number"):
        return prop.get("minimum", 1)
    if prop.get("type") == "boolean":
        return True
    if prop.get("format") == "date":
        return "2026-01-15"
    if prop.get("format") == "email":
        return "congdan2@demo.vn"
    return "Nội dung mẫu"[: prop.get("maxLength", 100)]


def seed_demo_dossiers() -> int:
    """Create the demo dossiers unless the second demo citizen already has some."""
    citizen = User.objects.filter(email="congdan2@demo.vn").first()
    if citizen is None or Dossier.objects.filter(applicant=citizen).exists():
        return 0
    created = 0
    for code, actions in DEMO_DOSSIERS:
        try:
            with transaction.atomic():
                _file_one(citizen, code, actions)
            created += 1
        except (ApplicationError, User.DoesNotExist) as exc:
            # The catalogue may change; a demo dossier that no longer fits is simply left out.
            log.warning("demo dossier %s skipped: %s", code, exc)
    return created


def _file_one(citizen: User, code: str, actions: list[DemoAction]) -> None:
    first_case = ProcedureCase.objects.filter(procedure__code=code).order_by("position", "id")
    dossier = filing_services.dossier_create_draft(
        actor=citizen,
        procedure_code=code,
        agency_code=AGENCY_A,
        case_id=first_case.values_list("pk", flat=True).first(),
    )
    schema = dossier.snapshot.get("form_schema") or {}
    form = dict(dossier.form_data)
    for name in schema.get("required", []):
        form.setdefault(name, _sample(schema["properties"][name]))
    filing_services.dossier_update_form(actor=citizen, dossier_id=dossier.pk, form_data=form)
    for component in dossier.case_components():
        if component.get("required") and not component.get("once_only"):
            filing_services.attachment_add(
                actor=citizen,
                dossier_id=dossier.pk,
                component_id=component["id"],
                upload=SimpleUploadedFile("giay-to-mau.pdf", DEMO_PDF),
            )
    filing_services.dossier_submit(actor=citizen, dossier_id=dossier.pk)
    for email, action, inputs in actions:
        workflow_services.dossier_run_action(
            actor=User.objects.get(email=email), dossier_id=dossier.pk, action=action, **inputs
        )
