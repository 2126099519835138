"""Fixtures of the dossier tests: a procedure at an agency, officials, files, dossiers."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.constants import StaffRoleName
from dossiers.filing import services
from dvctt import pdf
from tests.factories import make_official
from tests.procedures.factories import ProcedureFactory

# A real (blank) one-page PDF: an uploaded result is stamped and signed.
PDF = pdf.blank_pdf()
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40


def upload(name: str = "giay-to.pdf", content: bytes = PDF, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def procedure(agency):
    return ProcedureFactory(agencies=[agency])


@pytest.fixture
def free_procedure(agency):
    return ProcedureFactory(free=True, agencies=[agency])


@pytest.fixture
def reception(agency):
    return make_official(agency=agency, role=StaffRoleName.RECEPTION)


@pytest.fixture
def specialist(agency):
    return make_official(agency=agency, role=StaffRoleName.SPECIALIST)


@pytest.fixture
def leader(agency):
    return make_official(agency=agency, role=StaffRoleName.LEADER)


@pytest.fixture
def clerk(agency):
    return make_official(agency=agency, role=StaffRoleName.CLERK)


def required_components(dossier) -> list[dict]:
    return [c for c in dossier.case_components() if c["required"]]


def make_draft(citizen, procedure, *, complete: bool = True, **kwargs):
    """Create a draft; with complete=True its form is valid and required files are attached."""
    dossier = services.dossier_create_draft(
        actor=citizen,
        procedure_code=procedure.code,
        form_data={"ho_ten": "Nguyễn Văn Thử"} if complete else {},
        **kwargs,
    )
    if complete:
        for component in required_components(dossier):
            services.attachment_add(
                actor=citizen, dossier_id=dossier.pk, component_id=component["id"], upload=upload()
            )
    return dossier


def make_submitted(citizen, procedure, **kwargs):
    dossier = make_draft(citizen, procedure, **kwargs)
    return services.dossier_submit(actor=citizen, dossier_id=dossier.pk)


@pytest.fixture
def draft(citizen, procedure):
    return make_draft(citizen, procedure)


@pytest.fixture
def submitted(citizen, procedure):
    return make_submitted(citizen, procedure)
