"""A real Celery worker on its own queue renders every paper after the actions commit."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from dossiers import documents, services
from dossiers.models import Dossier, DossierDocument
from dvctt.celery import app as celery_app
from tests.dossiers.conftest import make_submitted, upload
from tests.dossiers.papers import (
    apologize,
    pdf_qr_texts,
    pdf_text,
    run,
    settle_and_return,
    to_appraised,
)
from tests.platform.test_worker import _database_url
from tests.procedures.factories import ProcedureFactory

pytestmark = [pytest.mark.worker, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pdf_worker(settings):
    """Start `celery worker` on a pdf queue of its own, sharing the test's database and media."""
    queue = f"pytest-pdf-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "dvctt.settings.test",
        "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
    }
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "dvctt",
            "worker",
            "-Q",
            queue,
            "--pool=solo",
            "-n",
            f"{queue}@%h",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    settings.DOCUMENTS_RENDER_AHEAD = True
    settings.PDF_QUEUE = queue
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield queue
    finally:
        celery_app.conf.task_always_eager = previous
        proc.terminate()
        try:
            output, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            output, _ = proc.communicate()
        assert proc.returncode in (0, -15), output


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
    run(refused, reception, "request_supplement", "Thiếu tờ khai có chữ ký")
    services.attachment_add(
        actor=citizen,
        dossier_id=refused.pk,
        component_id=refused.case_components()[0]["id"],
        upload=upload(),
    )
    run(refused, citizen, "supplement")
    run(refused, reception, "reject", "Hồ sơ không thuộc thẩm quyền")

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
    result = pdf_text(documents._current(done, "result").file.read())
    assert "TRÍCH LỤC" in result
