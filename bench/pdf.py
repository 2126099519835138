"""Paper benchmark (`make bench BENCH=pdf`): the receipt PDF and a 100,000-row register.

In its own database `<name>_bench` (created and dropped like the search benchmark):
- receipt_pdf: Mẫu 01 of a received dossier, data read and PDF rendered (QR included), warm
  (the first renders load fonts and are left out), p50/p95 over repeated runs;
- sign: a two-page Mẫu 01 stamped and signed by its agency (dvctt/pades.py: the visible
  signature drawn, PAdES with an EC key of a throwaway development CA, no timestamp authority),
  warm, p50/p95; and an uploaded two-page result stamped with its QR code and signed;
- register: the CSV and the XLSX export (Mẫu 06) of 100,000 dossiers received in one year,
  consumed as the response would stream them: wall time, and the peak of Python memory
  (tracemalloc, a second pass, since tracing slows the code it measures).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import statistics
import time
import tracemalloc

from bench.common import _percentile, bench_database

RUNS = 40
WARMUP = 3
REGISTER_ROWS = int(os.environ.get("BENCH_REGISTER_ROWS", "100000"))  # smaller: a quick run
ROWS_LABEL = f"{REGISTER_ROWS // 1000}k"
GOALS_MS = {"receipt_pdf_p50": 150.0, "receipt_pdf_p95": 400.0, "sign_p95": 300.0}


def _setup_dossier():
    """Create an agency, its desk, a citizen and a procedure; file and receive one dossier."""
    from accounts.constants import AgencyLevel, StaffRoleName, UserKind
    from accounts.models import Agency, StaffRole, User
    from dossiers.filing import services as filing_services
    from dossiers.workflow import services as workflow_services
    from procedures.constants import OnlineMode
    from procedures.models import Component, Field, Procedure, ProcedureCase
    from procedures.services import procedure_publish

    agency = Agency.objects.create(
        code="000.00.01.H99",
        name="Trung tâm Phục vụ hành chính công tỉnh Bench",
        level=AgencyLevel.PROVINCE,
    )
    reception = User.objects.create_user(
        email="motcua@bench.vn", password="x", full_name="Lê Thị Cúc", kind=UserKind.OFFICIAL
    )
    StaffRole.objects.create(user=reception, agency=agency, role=StaffRoleName.RECEPTION)
    citizen = User.objects.create_user(
        email="congdan@bench.vn",
        password="x",
        full_name="Nguyễn Văn An",
        kind=UserKind.CITIZEN,
        id_number="001090012345",
        phone="0912345678",
        address="Số 1 đường Trần Hưng Đạo, phường Hoàn Kiếm",
    )
    procedure = Procedure.objects.create(
        code="1.001193",
        name="Thủ tục đăng ký khai sinh",
        field=Field.objects.create(code="ho-tich", name="Hộ tịch"),
        online_mode=OnlineMode.FULL,
        processing_days=3,
    )
    procedure.agencies.set([agency])
    case = ProcedureCase.objects.create(procedure=procedure, name="Đăng ký khai sinh đúng hạn")
    for position, name in enumerate(
        ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh", "Giấy tờ tùy thân của người yêu cầu"]
    ):
        Component.objects.create(
            procedure=procedure, case=case, name=name, required=False, position=position
        )
    procedure_publish(procedure=procedure)
    dossier = filing_services.dossier_create_draft(
        actor=citizen, procedure_code=procedure.code, form_data={}
    )
    dossier = filing_services.dossier_submit(actor=citizen, dossier_id=dossier.pk)
    workflow_services.dossier_run_action(actor=reception, dossier_id=dossier.pk, action="receive")
    return dossier, reception


def _measure_receipt(dossier_id) -> list[float]:
    from dossiers.models import Dossier
    from dossiers.papers import documents

    def once() -> float:
        began = time.perf_counter()
        dossier = Dossier.objects.select_related("agency", "procedure", "procedure_version").get(
            pk=dossier_id
        )
        data = documents.document_data(dossier, "receipt")
        content = documents.render_pdf("receipt", data, token="bench-token-" + "x" * 32)
        assert content.startswith(b"%PDF")
        return (time.perf_counter() - began) * 1000

    for _ in range(WARMUP):
        once()
    return [once() for _ in range(RUNS)]


def _measure_sign(dossier_id) -> tuple[list[float], list[float], int]:
    """Time stamping and signing a two-page paper, and an uploaded two-page result."""
    import tempfile

    from django.test import override_settings

    from dossiers.models import Dossier
    from dossiers.papers import documents
    from dvctt import pades

    dossier = Dossier.objects.select_related("agency", "procedure", "procedure_version").get(
        pk=dossier_id
    )
    data = documents.document_data(dossier, "receipt")
    # Enough components for Mẫu 01 to run onto a second A5 page.
    data["components"] = [
        {"name": f"Giấy tờ số {n} kèm theo hồ sơ đăng ký", "form": "Bản điện tử", "count": 1}
        for n in range(24)
    ]
    paper = documents.render_pdf("receipt", data, token="bench-token-" + "x" * 32)
    from pyhanko.pdf_utils.reader import PdfFileReader

    pages = len(pades._page_refs(PdfFileReader(io.BytesIO(paper))))
    agency = dossier.agency
    with tempfile.TemporaryDirectory() as keys, override_settings(SIGNING_DIR=keys):

        def once(content: bytes, url: str) -> float:
            began = time.perf_counter()
            signed = pades.pdf_sign(
                content, agency_code=agency.code, agency_name=agency.name, verify_url=url
            )
            elapsed = (time.perf_counter() - began) * 1000
            assert len(signed) > len(content)
            return elapsed

        url = "http://127.0.0.1:8000/xac-thuc/" + "x" * 43 + "/"
        for _ in range(WARMUP):
            once(paper, "")
            once(paper, url)
        signed = [once(paper, "") for _ in range(RUNS)]
        return signed, [once(paper, url) for _ in range(RUNS)], pages


def _fill_register(template, reception, rows: int) -> None:
    """Bulk-insert `rows` received dossiers (and their receive events) over one year."""
    from dossiers.constants import DossierStatus
    from dossiers.models import Dossier, DossierEvent
    from dvctt import workdays

    rng = random.Random(20261201)
    start = dt.datetime(2025, 1, 1, 7, 30, tzinfo=workdays.VN_TZ)
    statuses = [DossierStatus.RECEIVED, DossierStatus.IN_PROGRESS, DossierStatus.RETURNED]
    batch = 5_000
    for offset in range(0, rows, batch):
        dossiers = []
        for n in range(offset, min(rows, offset + batch)):
            received = start + dt.timedelta(minutes=rng.randrange(365 * 24 * 60))
            status = rng.choice(statuses)
            dossiers.append(
                Dossier(
                    code=f"{template.agency.code}-B{n:07d}",
                    procedure_id=template.procedure_id,
                    procedure_version_id=template.procedure_version_id,
                    case_id=template.case_id,
                    case_name=template.case_name,
                    agency_id=template.agency_id,
                    applicant_id=template.applicant_id,
                    applicant_name=f"Người nộp thứ {n}",
                    applicant_id_number=template.applicant_id_number,
                    applicant_phone=template.applicant_phone,
                    applicant_address=template.applicant_address,
                    status=status,
                    submitted_at=received - dt.timedelta(hours=2),
                    received_at=received,
                    due_at=received + dt.timedelta(days=3),
                    completed_at=received + dt.timedelta(days=2)
                    if status == DossierStatus.RETURNED
                    else None,
                )
            )
        created = Dossier.objects.bulk_create(dossiers, batch_size=batch)
        DossierEvent.objects.bulk_create(
            [
                DossierEvent(
                    dossier=d,
                    action="receive",
                    from_status="submitted",
                    to_status="received",
                    actor=reception,
                    actor_name=reception.full_name,
                    at=d.received_at or d.created_at,
                )
                for d in created
            ],
            batch_size=batch,
        )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE dossiers_dossier")
        cursor.execute("ANALYZE dossiers_dossierevent")


def _export(kind: str, agency_id: int) -> int:
    """Consume one export as the response would; return the bytes produced."""
    from dossiers.papers import register

    agency_ids, date_from, date_to = [agency_id], dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    if kind == "csv":
        chunks = register.register_csv(agency_ids=agency_ids, date_from=date_from, date_to=date_to)
        return sum(len(chunk.encode()) for chunk in chunks)
    output = register.register_xlsx(agency_ids=agency_ids, date_from=date_from, date_to=date_to)
    try:
        return len(output.read())
    finally:
        output.close()


def run() -> dict[str, float]:
    """Build the data, measure, and return the figures (name → value)."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    dossier, reception = _setup_dossier()
    results: dict[str, float] = {}
    receipt_ms = _measure_receipt(dossier.pk)
    results["receipt_pdf_p50"] = statistics.median(receipt_ms)
    results["receipt_pdf_p95"] = _percentile(receipt_ms, 95)
    results["receipt_pdf_max"] = max(receipt_ms)
    sign_ms, upload_ms, pages = _measure_sign(dossier.pk)
    assert pages == 2, f"the signed paper should have two pages, not {pages}"
    results["sign_p50"] = statistics.median(sign_ms)
    results["sign_p95"] = _percentile(sign_ms, 95)
    results["sign_upload_p95"] = _percentile(upload_ms, 95)

    began = time.perf_counter()
    _fill_register(dossier, reception, REGISTER_ROWS)
    results["register_build_s"] = time.perf_counter() - began
    for kind in ("csv", "xlsx"):
        began = time.perf_counter()
        size = _export(kind, dossier.agency_id)
        results[f"register_{kind}_{ROWS_LABEL}_s"] = time.perf_counter() - began
        results[f"register_{kind}_{ROWS_LABEL}_mb"] = size / 1024 / 1024
        tracemalloc.start()
        _export(kind, dossier.agency_id)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        results[f"register_{kind}_{ROWS_LABEL}_peak_mb"] = peak / 1024 / 1024
    return results


def report(results: dict[str, float], emit) -> None:
    """Print the table for people and the BENCH lines for tools."""
    emit()
    emit(f"Paper benchmark (receipt: {RUNS} warm runs; register: {REGISTER_ROWS:,} rows, 1 year)")
    emit(
        f"receipt PDF p50 {results['receipt_pdf_p50']:.1f} ms (goal ≤ 150), "
        f"p95 {results['receipt_pdf_p95']:.1f} ms (goal ≤ 400), "
        f"max {results['receipt_pdf_max']:.1f} ms"
    )
    emit(
        f"stamp and sign a two-page paper p50 {results['sign_p50']:.1f} ms, "
        f"p95 {results['sign_p95']:.1f} ms (goal ≤ 300); an uploaded result with its QR stamp "
        f"p95 {results['sign_upload_p95']:.1f} ms"
    )
    for kind in ("csv", "xlsx"):
        emit(
            f"register {kind.upper():4}: {results[f'register_{kind}_{ROWS_LABEL}_s']:.2f} s, "
            f"{results[f'register_{kind}_{ROWS_LABEL}_mb']:.1f} MB file, "
            f"peak Python memory {results[f'register_{kind}_{ROWS_LABEL}_peak_mb']:.1f} MB"
        )
    emit()
    for name, value in results.items():
        unit = "s" if name.endswith("_s") else "MB" if name.endswith("_mb") else "ms"
        emit(f"BENCH {name} {value:.3f} {unit}")
    met = all(results[name] <= goal for name, goal in GOALS_MS.items())
    emit(f"BENCH pdf_goals_met {1 if met else 0} bool")


def main(emit) -> int:
    """Run the paper benchmark in a database of its own and report through `emit`."""
    with bench_database():
        results = run()
    report(results, emit)
    return 0
