"""Papers as printed (issue 17.8): every paper of demo-like dossiers on the pages it should fill.

Built from the bundled catalogue and the demo accounts (long component names, real units), the
way the portal's own demo shows them. Set PAPER_PDFS to a folder to keep the PDFs and look at
them (`pdftoppm -png -r 80 file.pdf out`).
"""

from __future__ import annotations

import io
import os
import unicodedata
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.demo import AGENCY_A
from accounts.models import User
from dossiers.demo import _sample
from dossiers.filing import services
from dossiers.models import Dossier
from dossiers.papers import documents
from tests.dossiers.conftest import PDF
from tests.dossiers.papers import apologize, run, settle_and_return, to_appraised
from tests.procedures.conftest import _catalogue_snapshot, bundled_data, catalogue  # noqa: F401

pytestmark = pytest.mark.django_db
PAPER_PDFS = os.environ.get("PAPER_PDFS")


def _pages(content: bytes) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return [unicodedata.normalize("NFC", page.extract_text()) for page in reader.pages]


def _file(code: str, *, optional: int = 0) -> Dossier:
    """File procedure `code` online at agency A as the demo citizen, every required file on."""
    citizen = User.objects.get(email="congdan@demo.vn")
    dossier = services.dossier_create_draft(
        actor=citizen, procedure_code=code, agency_code=AGENCY_A
    )
    schema = dossier.snapshot.get("form_schema") or {}
    form = dict(dossier.form_data)
    for name in schema.get("required", []):
        form.setdefault(name, _sample(schema["properties"][name]))
    services.dossier_update_form(actor=citizen, dossier_id=dossier.pk, form_data=form)
    components = [c for c in dossier.case_components() if not c.get("once_only")]
    wanted = [c for c in components if c["required"]]
    wanted += [c for c in components if not c["required"]][:optional]
    for component in wanted:
        services.attachment_add(
            actor=citizen,
            dossier_id=dossier.pk,
            component_id=component["id"],
            upload=SimpleUploadedFile("giay-to.pdf", PDF),
        )
    return services.dossier_submit(actor=citizen, dossier_id=dossier.pk)


def _demo(email: str) -> User:
    return User.objects.get(email=email)


@pytest.fixture
def papers(catalogue):  # noqa: F811
    """Every kind of paper, rendered from demo-like dossiers: {kind: (dossier, PDF bytes)}."""
    reception, specialist = _demo("motcua@demo.vn"), _demo("chuyenvien@demo.vn")
    leader, clerk = _demo("lanhdao@demo.vn"), _demo("vanthu@demo.vn")
    citizen = _demo("congdan@demo.vn")
    # Received, late, apologised for, approved, its generated result issued and returned.
    done = run(_file("1.004873", optional=1), reception, "receive")
    apologize(done, leader, "Cần xác minh thêm thông tin về tình trạng hôn nhân tại nơi cư trú cũ.")
    to_appraised(done, reception=reception, specialist=specialist)
    run(done, leader, "approve")
    run(done, clerk, "issue_result")
    settle_and_return(done, clerk)
    # Incomplete at the desk: two components and a correction asked for, then refused.
    refused = _file("1.001193")
    components = [c for c in refused.case_components() if not c.get("once_only")]
    run(
        refused,
        reception,
        "request_supplement",
        "Hồ sơ thiếu giấy tờ chứng minh nơi cư trú và văn bản ủy quyền.",
        data={
            "items": [
                components[0]["id"],
                components[1]["id"],
                "Ghi lại họ tên người đi khai sinh đúng như trên giấy tờ tùy thân",
            ]
        },
    )
    for component in components[:2]:
        services.attachment_add(
            actor=citizen,
            dossier_id=refused.pk,
            component_id=component["id"],
            upload=SimpleUploadedFile("bo-sung.pdf", PDF),
        )
    run(refused, citizen, "supplement")
    run(refused, reception, "reject", "Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan.")
    rendered = {}
    for kind, dossier in [
        ("receipt", done),
        ("apology", done),
        ("control-slip", done),
        ("result", done),
        ("supplement-request", refused),
        ("rejection", refused),
    ]:
        content = documents.document_render(dossier_id=dossier.pk, kind=kind).file.read()
        if PAPER_PDFS:
            Path(PAPER_PDFS, f"{kind}.pdf").write_bytes(content)
        rendered[kind] = (Dossier.objects.get(pk=dossier.pk), content)
    return rendered


# The pages each paper of the demo-like dossiers fills: Mẫu 01 and 02 list long catalogue
# names (A5) and run onto a second page; the others fit one (Mẫu 05 on A4 landscape).
EXPECTED_PAGES = {
    "receipt": 2,
    "apology": 1,
    "control-slip": 1,
    "result": 1,
    "supplement-request": 2,
    "rejection": 1,
}
# A sentence just before each multi-page paper's signature: it shares the signature's page.
BEFORE_SIGNATURE = {
    "receipt": "Nhận kết quả tại",
    "supplement-request": "hồ sơ chỉ được yêu cầu bổ sung một lần",
}
VERIFY = "kiểm tra tính xác thực"


def _joined(page: str) -> str:
    return " ".join(page.split())


def test_every_paper_fills_the_pages_it_should_with_the_header_on_one_line(papers):
    for kind, (_dossier, content) in papers.items():
        pages = _pages(content)
        assert len(pages) == EXPECTED_PAGES[kind], (kind, len(pages))
        lines = pages[0].splitlines()
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in lines, kind
        assert "Độc lập - Tự do - Hạnh phúc" in lines, kind
        # The last page carries the end of the text, the signature and the verification note.
        last = _joined(pages[-1])
        assert VERIFY in last, kind
        if kind in BEFORE_SIGNATURE:
            assert BEFORE_SIGNATURE[kind] in last, kind


def test_the_signature_never_stands_alone_wherever_the_page_breaks(papers):
    # However many components Mẫu 01 lists, the page break never falls right before the
    # signature block or before the verification note.
    dossier, _content = papers["receipt"]
    data = documents.document_data(dossier, "receipt")
    name = "Giấy tờ có giá trị chứng minh thông tin về cư trú trong trường hợp cơ quan " * 2
    for count in range(1, 9):
        data["components"] = [
            {"name": f"{n}. {name}", "form": "Bản điện tử", "count": 1} for n in range(count)
        ]
        pages = [_joined(p) for p in _pages(documents.render_pdf("receipt", data, token="t"))]
        for page in pages:
            if "NGƯỜI TIẾP NHẬN HỒ SƠ" in page:
                assert "Nhận kết quả tại" in page, (count, len(pages))
        assert VERIFY in pages[-1] and "NGƯỜI TIẾP NHẬN HỒ SƠ" in pages[-1], count
