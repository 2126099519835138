"""Officials' queue benchmark: /can-bo/ and the dossier list API at 1,000 and 1,000,000 dossiers.

Runs against PostgreSQL named by DATABASE_URL, in a dedicated database `<name>_benchq` that it
creates and drops. Dossiers are written with COPY in a realistic mix: 30 agencies (the
provincial centre holding a fifth of them), three years of filings, most settled, a few
percent open with due dates around today (some overdue), a share handed to another agency
(liên thông). For each size it measures, server-side through Django's test client:
- queue: the reception officer's default queue, the overdue queue — HTML page and API list;
- search: a search by dossier code — HTML page and API list;
- the number of SQL queries of the default queue page.
Sizes: BENCH_QUEUE_SIZES (default "1000,1000000"). Prints a table and `BENCH` lines.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import time
import uuid

from bench.common import _emit, _percentile, bench_database

RUNS = 20
GOAL_MS = 50.0
AGENCIES = 30
STATUS_MIX = [  # (status, share) of a live provincial system
    ("returned", 0.80),
    ("rejected", 0.02),
    ("withdrawn", 0.01),
    ("stopped", 0.01),
    ("result_issued", 0.02),
    ("approved", 0.01),
    ("in_progress", 0.06),
    ("received", 0.02),
    ("submitted", 0.02),
    ("supplement_requested", 0.015),
    ("awaiting_payment", 0.015),
]
OPEN = {"submitted", "received", "in_progress", "approved", "supplement_requested"}
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Hữu", "Thanh", "Quốc", "Thu", "Đức", "Kim"]
GIVEN = ["An", "Bình", "Cúc", "Dũng", "Hoa", "Khoa", "Lan", "Minh", "Nam", "Phúc", "Quân"]


def _setup_world():
    """Create the agencies, officials, one citizen account and a four-step procedure."""
    from accounts.constants import StaffRoleName, UserKind
    from accounts.models import Agency, StaffRole, User
    from procedures.models import Field, Procedure, ProcessStep
    from procedures.process import default_process_steps
    from procedures.services import procedure_publish

    agencies = [
        Agency.objects.create(
            code=f"000.00.{i + 1:02d}.H88", name=f"Cơ quan bench {i + 1}", level="commune"
        )
        for i in range(AGENCIES)
    ]
    field = Field.objects.create(code="bench-queue", name="Hộ tịch")
    procedure = Procedure.objects.create(
        code="7.000001", name="Đăng ký khai sinh (bench)", field=field, processing_days=5
    )
    procedure.agencies.set(agencies)
    for step in default_process_steps(5):
        ProcessStep.objects.create(procedure=procedure, **step)
    version = procedure_publish(procedure=procedure)
    citizen = User.objects.create_user("congdan-bench@example.vn", "x", kind=UserKind.CITIZEN)
    staff = {}
    for role in (StaffRoleName.RECEPTION, StaffRoleName.SPECIALIST, StaffRoleName.LEADER):
        users = []
        for n in range(10):
            user = User.objects.create_user(
                f"{role}{n}@bench.vn", "x", kind=UserKind.OFFICIAL, full_name=f"Cán bộ {role} {n}"
            )
            StaffRole.objects.create(user=user, agency=agencies[0], role=role)
            users.append(user)
        staff[role] = users
    return agencies, procedure, version, citizen, staff


def _fill(target: int, world, rng: random.Random, state: dict) -> None:
    """COPY dossiers until the table holds `target` rows."""
    from django.db import connection

    from dossiers.models import Dossier

    agencies, procedure, version, citizen, staff = world
    now = dt.datetime.now(dt.UTC)
    fields = list(Dossier._meta.concrete_fields)
    columns = [f'"{f.column}"' for f in fields]
    defaults = {f.attname: f.get_default() for f in fields}
    statuses = [s for s, _ in STATUS_MIX]
    weights = [w for _, w in STATUS_MIX]
    handlers = [u.pk for users in staff.values() for u in users]
    start = state.get("count", 0)
    sql = f"COPY dossiers_dossier ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(sql) as copy:
            for _ in range(start, target):
                status = rng.choices(statuses, weights)[0]
                agency = agencies[0] if rng.random() < 0.2 else rng.choice(agencies[1:])
                if status in OPEN or status in ("awaiting_payment", "result_issued"):
                    submitted = now - dt.timedelta(hours=rng.uniform(1, 24 * 25))
                    due = now + dt.timedelta(hours=rng.uniform(-24 * 6, 24 * 14))
                else:
                    submitted = now - dt.timedelta(days=rng.uniform(20, 3 * 365))
                    due = submitted + dt.timedelta(days=rng.uniform(3, 20))
                day = submitted.astimezone(dt.timezone(dt.timedelta(hours=7))).date()
                key = (agency.pk, day)
                sequences = state.setdefault("seq", {})
                sequences[key] = number = sequences.get(key, 0) + 1
                received = status not in ("submitted", "rejected", "withdrawn")
                step = None
                handling = agency.pk
                role = ""
                handler = None
                if received and status not in ("returned", "stopped"):
                    step = rng.randint(1, 4)
                    role = ["reception", "specialist", "leader", "clerk"][step - 1]
                    handler = rng.choice(handlers) if rng.random() < 0.6 else None
                    if status == "in_progress" and rng.random() < 0.05:
                        handling = rng.choice(agencies).pk  # liên thông
                values = dict(defaults)
                values.update(
                    id=uuid.UUID(int=rng.getrandbits(128), version=4),
                    code=f"{agency.code}-{day:%y%m%d}-{number:04d}",
                    procedure_id=procedure.pk,
                    procedure_version_id=version.pk,
                    case_id=0,
                    agency_id=agency.pk,
                    applicant_id=citizen.pk,
                    applicant_name=" ".join(
                        (rng.choice(SURNAMES), rng.choice(MIDDLE), rng.choice(GIVEN))
                    ),
                    applicant_id_number=f"0{rng.randint(1, 96):02d}{rng.randint(0, 3)}"
                    f"{rng.randint(0, 99):02d}{rng.randint(0, 999_999):06d}",
                    status=status,
                    created_at=submitted,
                    updated_at=submitted,
                    submitted_at=submitted,
                    received_at=submitted + dt.timedelta(hours=2) if received else None,
                    due_at=due if received else None,
                    completed_at=due if status in ("returned", "stopped") else None,
                    handling_agency_id=handling if received else None,
                    current_step=step,
                    current_role=role,
                    current_handler_id=handler,
                    step_due_at=due if step else None,
                )
                row = []
                for f in fields:
                    value = values[f.attname]
                    if isinstance(value, dict | list):
                        value = json.dumps(value)
                    row.append(value)
                copy.write_row(row)
    # A live table is kept vacuumed by autovacuum; a freshly COPYed one is not until it runs.
    # Vacuum now so that the plans measured are the steady state's (index-only counts).
    # (Django runs outside a transaction here: autocommit, as VACUUM needs.)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) dossiers_dossier")
    state["count"] = target


def _measure(label: str, world) -> dict[str, float]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from dossiers.models import Dossier

    agencies, staff = world[0], world[4]
    client = Client()
    client.force_login(staff["reception"][0])
    code = (
        Dossier.objects.filter(agency=agencies[0], status="submitted")
        .values_list("code", flat=True)
        .first()
    )
    queue_urls = [
        ("/can-bo/", {}),
        ("/can-bo/", {"queue": "overdue"}),
        ("/api/v1/dossiers/", {"queue": "reception"}),
        ("/api/v1/dossiers/", {"queue": "overdue"}),
    ]
    search_urls = [("/can-bo/", {"queue": "all", "q": code}), ("/api/v1/dossiers/", {"q": code})]

    def timed(urls) -> list[float]:
        for url, params in urls:  # warm the planner and caches
            assert client.get(url, params).status_code == 200
        out = []
        for _ in range(RUNS):
            for url, params in urls:
                began = time.perf_counter()
                response = client.get(url, params)
                out.append((time.perf_counter() - began) * 1000)
                assert response.status_code == 200
        return out

    queue_ms = timed(queue_urls)
    search_ms = timed(search_urls)
    with CaptureQueriesContext(connection) as queries:
        client.get("/can-bo/")
    return {
        f"queue_p50_{label}": statistics.median(queue_ms),
        f"queue_p95_{label}": _percentile(queue_ms, 95),
        f"queue_search_p95_{label}": _percentile(search_ms, 95),
        f"queue_queries_{label}": float(len(queries)),
    }


def _label(size: int) -> str:
    return f"{size // 1_000_000}m" if size >= 1_000_000 else f"{size // 1000}k"


def main() -> int:
    """Build the queue bench database, measure each size and print the report."""
    sizes = [int(s) for s in os.environ.get("BENCH_QUEUE_SIZES", "1000,1000000").split(",")]
    results: dict[str, float] = {}
    with bench_database("q", test_environment=False):
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        world = _setup_world()
        rng = random.Random(20261201)
        state: dict = {}
        for size in sizes:
            began = time.perf_counter()
            _fill(size, world, rng, state)
            results[f"queue_build_{_label(size)}"] = time.perf_counter() - began
            results.update(_measure(_label(size), world))

    _emit()
    _emit(f"Officials' queue benchmark ({RUNS} runs per URL, server-side, goal p95 {GOAL_MS} ms)")
    _emit(f"{'size':>9} | {'queue p50':>9} | {'queue p95':>9} | {'search p95':>10} | queries")
    _emit("-" * 60)
    for size in sizes:
        label = _label(size)
        _emit(
            f"{size:>9} | {results[f'queue_p50_{label}']:>6.2f} ms | "
            f"{results[f'queue_p95_{label}']:>6.2f} ms | "
            f"{results[f'queue_search_p95_{label}']:>7.2f} ms | "
            f"{results[f'queue_queries_{label}']:>7.0f}"
        )
    _emit()
    for name, value in results.items():
        unit = "s" if "build" in name else "queries" if "queries" in name else "ms"
        _emit(f"BENCH {name} {value:.3f} {unit}")
    return 0
