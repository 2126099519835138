"""Hostile uploads are refused with a clear Vietnamese message and nothing is stored."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from dossiers.filing import check_upload, sanitize_filename, services
from dossiers.models import Attachment
from dvctt.errors import InvalidInput
from tests.dossiers.conftest import JPEG, PDF, PNG, required_components, upload

pytestmark = pytest.mark.django_db


def _attach(citizen, dossier, file):
    component = required_components(dossier)[0]
    return services.attachment_add(
        actor=citizen, dossier_id=dossier.pk, component_id=component["id"], upload=file
    )


@pytest.fixture
def empty_draft(citizen, procedure):
    return services.dossier_create_draft(actor=citizen, procedure_code=procedure.code)


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("hop-dong.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100, "chương trình"),
        ("anh.jpg", b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "chương trình"),
        (
            "so-do.png",
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>',
            "SVG",
        ),
        ("trang.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "SVG/HTML"),
        ("tai-lieu.pdf", b"PK\x03\x04" + b"\x00" * 100, "PDF, JPEG hoặc PNG"),
        ("ghi-chu.txt", "xin chào".encode(), "PDF, JPEG hoặc PNG"),
    ],
)
def test_files_that_are_not_pdf_jpeg_png_are_refused(citizen, empty_draft, name, content, needle):
    with pytest.raises(InvalidInput) as exc:
        _attach(citizen, empty_draft, SimpleUploadedFile(name, content))
    assert needle in exc.value.message
    assert "Chỉ nhận tệp PDF, JPEG hoặc PNG" in exc.value.message
    assert not Attachment.objects.exists()


def test_empty_file_is_refused(citizen, empty_draft):
    with pytest.raises(InvalidInput) as exc:
        _attach(citizen, empty_draft, SimpleUploadedFile("trong.pdf", b""))
    assert "rỗng" in exc.value.message
    assert not Attachment.objects.exists()


def test_oversize_file_is_refused(citizen, empty_draft, settings):
    settings.DOSSIER_UPLOAD_MAX_MB = 1
    from procedures.models import Component

    # The component's own limit (max_size_mb, 10 by default) wins; make it 1 MB here.
    snapshot = empty_draft.procedure_version.snapshot
    for component in snapshot["components"]:
        component["max_size_mb"] = 1
    empty_draft.procedure_version.save()
    big = PDF + b"0" * (1024 * 1024)
    with pytest.raises(InvalidInput) as exc:
        _attach(citizen, empty_draft, SimpleUploadedFile("lon.pdf", big))
    assert "lớn hơn 1 MB" in exc.value.message
    assert not Attachment.objects.exists()
    assert Component.objects.exists()


def test_content_decides_the_type_not_the_name(citizen, empty_draft):
    attachment = _attach(citizen, empty_draft, SimpleUploadedFile("anh-chup.pdf", PNG))
    assert attachment.content_type == "image/png"
    assert attachment.file.name.endswith(".png")
    assert attachment.original_name == "anh-chup.pdf"


def test_traversal_names_are_sanitised_and_storage_name_is_random(citizen, empty_draft):
    attachment = _attach(citizen, empty_draft, SimpleUploadedFile("../../etc/passwd\x00.pdf", PDF))
    assert attachment.original_name == "passwd_.pdf"
    assert "passwd" not in attachment.file.name
    assert ".." not in attachment.file.name
    assert attachment.file.name.startswith("dossiers/")
    windows = _attach(citizen, empty_draft, SimpleUploadedFile("..\\..\\boot.ini.jpg", JPEG))
    assert windows.original_name == "boot.ini.jpg"


def test_a_new_upload_replaces_the_current_one(citizen, empty_draft):
    first = _attach(citizen, empty_draft, upload("a.pdf"))
    second = _attach(citizen, empty_draft, upload("b.pdf"))
    first.refresh_from_db()
    assert not first.is_current and first.superseded_by_id == second.pk
    assert second.is_current and len(second.sha256) == 64


def test_component_of_another_case_is_refused(citizen, empty_draft):
    with pytest.raises(InvalidInput) as exc:
        services.attachment_add(
            actor=citizen, dossier_id=empty_draft.pk, component_id=999999, upload=upload()
        )
    assert "component" in exc.value.fields


@given(st.text(max_size=300))
def test_sanitised_names_never_hold_a_path(name):
    clean = sanitize_filename(name)
    assert clean and len(clean) <= 150
    assert "/" not in clean and "\\" not in clean and "\x00" not in clean
    assert not clean.startswith(".")


def test_check_upload_reports_size_and_hash():
    checked = check_upload(upload(), max_mb=10)
    assert checked.size == len(PDF) and checked.content_type == "application/pdf"
    assert checked.stored_name.endswith(".pdf") and len(checked.stored_name) == 36
