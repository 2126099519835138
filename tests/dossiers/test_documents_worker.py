"""A real Celery worker on its own queue renders every paper after the actions commit."""

from __future__ import annotations

import time

import pytest
from django.conf import settings as django_settings

from dossiers.models import Dossier, DossierDocument
from dossiers.papers import documents
from dvctt import pades
from tests.dossiers.conftest import make_submitted
from tests.dossiers.papers import (
    apologize,
    pdf_qr_texts,
    pdf_text,
    run,
    settle_and_return,
    supplement_then_reject,
    to_appraised,
)
from tests.drills import queue_worker
from tests.procedures.factories import ProcedureFactory

pytestmark = [pytest.mark.worker, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pdf_worker(settings):
    """Start `celery worker` on a pdf queue of its own, sharing the test's database and media."""
    with queue_worker(
        "pytest-pdf",
        loglevel="WARNING",
        stop_timeout=30,
        MEDIA_ROOT=str(django_settings.MEDIA_ROOT),
        SIGNING_DIR=str(django_settings.SIGNING_DIR),
    ) as queue:
        settings.DOCUMENTS_RENDER_AHEAD = True
        settings.PDF_QUEUE = queue
        yield queue


def _wait_for(kinds_by_dossier: dict, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    missing = kinds_by_dossier
    while time.monotonic() < deadline:
        missing = {
            pk: kinds
            - set(DossierDocument.objects.filter(dossier_id=pk).values_list("kind", flat=True))
            for pk, kinds in kinds_by_dossier.items()
        }
        if not any(missing.values()):
            return
        time.sleep(0.5)
    raise AssertionError(f"the worker did not render {missing} within {timeout} s")


def test_worker_renders_every_kind_once_after_the_commit(
    pdf_worker, client, citizen, agency, reception, leader, specialist, clerk
):
    procedure = ProcedureFactory(agencies=[agency], extra={"result_template": "extract"})
    done = make_submitted(citizen, procedure)
    run(done, reception, "receive")
    apologize(done, leader, "Chờ ý kiến của cơ quan phối hợp")
    to_appraised(done, reception=reception, specialist=specialist)
    run(done, leader, "approve")
    run(done, clerk, "issue_result")
    settle_and_return(done, clerk)
    refused = make_submitted(citizen, procedure)
    supplement_then_reject(
        refused,
        reception=reception,
        citizen=citizen,
        request="Thiếu tờ khai có chữ ký",
        refusal="Hồ sơ không thuộc thẩm quyền",
    )

    _wait_for(
        {
            done.pk: {"receipt", "apology", "control-slip", "result"},
            refused.pk: {"supplement-request", "rejection"},
        }
    )
    # Each action re-scheduled the dossier's papers; unchanged ones were skipped, so the worker
    # stored each paper once per distinct content (the control slip grows with each hand-over).
    time.sleep(2)  # let the last queued renders finish before counting
    for dossier, kind in [(done, "receipt"), (done, "apology"), (done, "result")]:
        assert DossierDocument.objects.filter(dossier=dossier, kind=kind).count() == 1, kind

    for dossier in (done, refused):
        dossier = Dossier.objects.get(pk=dossier.pk)
        for kind in documents.document_kinds(dossier):
            stored = documents._current(dossier, kind)
            content = stored.file.read()
            text = pdf_text(content)
            assert dossier.code in text and dossier.applicant_name in text, kind
            assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text, kind
            assert documents._local(stored.issued_at).strftime("%d/%m/%Y") in text, kind
            [url] = pdf_qr_texts(content)
            page = client.get(url.removeprefix(django_settings.PUBLIC_BASE_URL))
            assert page.status_code == 200 and stored.sha256 in page.content.decode(), kind
            # Signed by the agency in the worker, with the key the test's development CA issued.
            assert stored.signed_at is not None, kind
            assert pades.pdf_check(content).state == pades.VALID, kind
    result = pdf_text(documents._current(done, "result").file.read())
    assert "TRÍCH LỤC" in result
