"""Full-stack load benchmark (`make bench BENCH=load`): the portal as production runs it.

In a dedicated PostgreSQL database `<name>_bench_load` (created and dropped) it seeds the demo
data plus LOAD_CITIZENS citizens with API tokens, then starts, on loopback:
- gunicorn (gthread, 2 processes × 4 threads) with dvctt.settings.production — DEBUG off, a
  long random secret, static files collected and served by WhiteNoise, Redis cache and broker;
- a Celery worker on every queue (it renders papers, syncs the hub, sends notices);
and drives them with locust, headless, bounded in time:
1. single-page phases, LOAD_USERS users each, LOAD_PAGE_SECONDS: /_bench/ping (a bare JSON
   view) before each of home, search, a procedure page, tracking, LOAD_ROUNDS times; a page's
   ratio is its req/s ÷ the ping phase's just before it, the median of its rounds →
   `BENCH public_page_ratio` (the lowest ratio, tracking included) and
   `BENCH catalogue_page_ratio` (the lowest of home, search and procedure);
2. the mix, LOAD_MIX_SECONDS: visitors, citizens filing through the API, reception officials
   receiving from their queue → req/s, p50, p95, errors per kind of request;
3. intake, LOAD_INTAKE_SECONDS: citizens only, create → attach → submit back to back →
   `BENCH intake_rps` (dossiers submitted per second; reported with the error count);
and the memory (RSS from /proc) of every server process after the mix.
The machine is shared (the figures move with its load; `uptime` is printed with them).
"""

from __future__ import annotations

import csv
import json
import logging
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from bench.common import _database_urls, _emit, bench_database

ROOT = Path(__file__).resolve().parent.parent
# Enough simulated clients that their keep-alive connections spread evenly over the server's
# processes (with 8, one process often got most of them and the run measured half a server).
USERS = int(os.environ.get("LOAD_USERS", "32"))
PAGE_SECONDS = int(os.environ.get("LOAD_PAGE_SECONDS", "6"))
ROUNDS = int(os.environ.get("LOAD_ROUNDS", "3"))
MIX_SECONDS = int(os.environ.get("LOAD_MIX_SECONDS", "25"))
INTAKE_SECONDS = int(os.environ.get("LOAD_INTAKE_SECONDS", "20"))
CITIZENS = int(os.environ.get("LOAD_CITIZENS", "40"))
RATIO_GOAL = 0.5
INTAKE_GOAL = 50.0
FILED_PROCEDURE = "1.004194"  # Đăng ký tạm trú: one case, one step at the desk
PAGES = ["home", "search", "procedure", "tracking"]
PAGE_CLASSES = {
    "ping": "Ping",
    "home": "Home",
    "search": "Search",
    "procedure": "ProcedurePage",
    "tracking": "TrackingPage",
}
FAILURES: list[str] = []  # what locust reported as failed, for the report
QUERIES = ["dang ky khai sinh", "tam tru", "ket hon", "ho chieu", "giay phep xay dung"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _seed(plan_path: Path) -> None:
    """Seed the demo data and the bench citizens; write what the locust users need."""
    from django.core.management import call_command
    from django.utils import timezone
    from knox.models import AuthToken

    from accounts.constants import IdentitySource, UserKind
    from accounts.demo import AGENCY_A
    from accounts.models import User
    from dossiers.demo import _sample
    from dossiers.filing import services as filing_services
    from dossiers.models import Dossier
    from procedures.models import Component, Procedure

    call_command("migrate", verbosity=0)
    logging.disable(logging.INFO)  # the seed's in-process tasks log each run
    try:
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    finally:
        logging.disable(logging.NOTSET)
    tokens = []
    for n in range(CITIZENS):
        user = User.objects.create_user(
            email=f"bench{n}@demo.vn",
            password=secrets.token_urlsafe(16),
            full_name=f"Công dân Bench {n}",
            kind=UserKind.CITIZEN,
            id_number=f"0010990{n:05d}",
            phone="0912345678",
            address="Số 1 phố Tràng Tiền, Hà Nội",
            identity_verified_at=timezone.now(),
            identity_verified_via=IdentitySource.REGISTRY,
        )
        tokens.append(AuthToken.objects.create(user)[1])
    official = User.objects.get(email="motcua@demo.vn")
    # What a citizen sends for the filed procedure: the e-form's required fields and a file
    # for each required component, found as the demo dossiers find them.
    # The first case with files to upload (the first case of this procedure has only data the
    # portal fetches itself: the e-form and the population database).
    case_id = (
        Component.objects.filter(procedure__code=FILED_PROCEDURE, required=True, once_only="")
        .order_by("case__position", "case_id")
        .values_list("case_id", flat=True)
        .first()
    )
    probe_user = User.objects.get(email="bench0@demo.vn")
    probe = filing_services.dossier_create_draft(
        actor=probe_user, procedure_code=FILED_PROCEDURE, agency_code=AGENCY_A, case_id=case_id
    )
    schema = probe.snapshot.get("form_schema") or {}
    form = {name: _sample(schema["properties"][name]) for name in schema.get("required", [])}
    form.update(  # the fields with a format of their own, as a citizen fills them
        {
            k: v
            for k, v in {
                "ho_ten": "Công dân Bench",
                "so_dinh_danh": "001099000001",
                "dia_chi_tam_tru": "Số 1 phố Tràng Tiền, Hà Nội",
                "tu_ngay": "2027-01-04",
                "den_ngay": "2027-06-30",
            }.items()
            if k in schema.get("properties", {})
        }
    )
    components = [
        c["id"] for c in probe.case_components() if c.get("required") and not c.get("once_only")
    ]
    probe.delete()
    tracking = [
        (code, "1234")  # the demo dossiers' applicant, congdan2@demo.vn, id …1234
        for code in Dossier.objects.exclude(code="").values_list("code", flat=True)
    ]
    plan = {
        "citizen_tokens": tokens,
        "official_token": AuthToken.objects.create(official)[1],
        "filing": {
            "procedure": FILED_PROCEDURE,
            "agency": AGENCY_A,
            "case": case_id,
            "form_data": form,
            "components": components,
        },
        "tracking": tracking,
        "queries": QUERIES,
        "procedure_codes": list(
            Procedure.objects.order_by("-popularity", "code").values_list("code", flat=True)[:20]
        ),
    }
    plan_path.write_text(json.dumps(plan), encoding="utf-8")


def _signing_env(folder: Path) -> dict[str, str]:
    """Production signs with each agency's own key: a throwaway CA and a key per agency."""
    from dvctt import signing
    from procedures.models import Agency

    folder.mkdir(parents=True, exist_ok=True)
    ca = signing.make_ca("CA bench")
    passphrase = secrets.token_urlsafe(12)
    keys: dict[str, dict[str, str]] = {}
    for code, name in Agency.objects.values_list("code", "name"):
        key_file = folder / f"{len(keys)}.p12"
        key_file.write_bytes(
            signing.issue_pkcs12(
                ca, agency_code=code, agency_name=name, passphrase=passphrase.encode()
            )
        )
        keys[code] = {"pkcs12": str(key_file), "passphrase_env": "BENCH_SIGNING_PASSPHRASE"}
    roots = folder / "ca.pem"
    roots.write_bytes(signing.pem_certificate(ca[1]))
    return {
        "SIGNING_KEYS": json.dumps(keys),
        "SIGNING_TRUST_ROOTS": str(roots),
        "BENCH_SIGNING_PASSPHRASE": passphrase,
    }


def _server_env(database_url: str, media: Path, static: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(_signing_env(media.parent / "signing"))
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "dvctt.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
            "VNPAY_HASH_SECRET": secrets.token_urlsafe(24),
            "POSTAL_SHARED_SECRET": secrets.token_urlsafe(24),
            "VNPAY_PAYMENT_URL": "https://vnpay.invalid/paymentv2/vpcpay.html",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_DEBUG": "false",
            # Plain HTTP on loopback: no TLS terminator in front here.
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": database_url,
            "DATABASE_POOL": "true",
            "REDIS_URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
            "MEDIA_ROOT": str(media),
            "STATIC_ROOT": str(static),
            "BENCH_PING_ENABLED": "true",
            # API clients here only sign in with tokens the harness made.
            "MFA_REQUIRED_FOR_OFFICIALS": "false",
            # Every simulated client shares 127.0.0.1: per-address limits would throttle the
            # bench, not a population of citizens.
            "RATE_LIMIT_TRACKING": "1000000/m",
            "RATE_LIMIT_UPLOAD": "1000000/m",
            "RATE_LIMIT_UPLOAD_ACCOUNT": "1000000/m",
            "RATE_LIMIT_DRAFT": "1000000/m",
            "RATE_LIMIT_DRAFT_ACCOUNT": "1000000/m",
            "DOSSIER_MAX_OPEN_DRAFTS": "1000000",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def _wait_up(url: str, proc: subprocess.Popen, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited ({proc.returncode}) before answering")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 (loopback)
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f} s")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _locust(host: str, classes: list[str], seconds: int, users: int, out: Path) -> dict:
    """Run locust headless; return {name: row} of its statistics (the CSV it writes)."""
    prefix = out / f"locust-{'-'.join(classes)}"
    ran = subprocess.run(  # noqa: S603 (our own executables, fixed arguments)
        [
            str(Path(sys.executable).parent / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--host",
            host,
            "-u",
            str(users),
            "-r",
            str(users),
            "-t",
            f"{seconds}s",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--exit-code-on-error",
            "0",
            *classes,
        ],
        env={**os.environ, "BENCH_LOAD_PLAN": str(out / "plan.json")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=seconds + 120,
    )
    if ran.returncode:
        raise RuntimeError(f"locust failed ({ran.returncode}): {ran.stderr[-2000:]}")
    rows = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
        for row in csv.DictReader(stats):
            rows[row["Name"]] = row
    with open(f"{prefix}_failures.csv", encoding="utf-8") as failures:
        for row in csv.DictReader(failures):
            FAILURES.append(f"{row['Occurrences']}× {row['Name']}: {row['Error'][:300]}")
    return rows


def _row(row: dict) -> dict[str, float]:
    return {
        "requests": float(row["Request Count"]),
        "failures": float(row["Failure Count"]),
        "rps": float(row["Requests/s"]),
        "p50": float(row["50%"] or 0),
        "p95": float(row["95%"] or 0),
    }


@contextmanager
def serving(work: Path) -> Iterator[tuple[str, Path, subprocess.Popen, subprocess.Popen]]:
    """Seed a bench database, start gunicorn and a worker on it; yield (host, plan, web, worker).

    `python -m bench.load --hold` keeps this up until interrupted, for profiling by hand.
    """
    procs: list[subprocess.Popen] = []
    try:
        with bench_database("_load", test_environment=False):
            _, database_url, _ = _database_urls("_load")
            plan = work / "plan.json"
            _seed(plan)
            # Collected once per machine and refreshed each run (hashing and compressing every
            # file again from nothing takes minutes).
            static = Path(tempfile.gettempdir()) / "dvctt-bench-static"
            env = _server_env(database_url, work / "media", static)
            from django.db import connections

            connections.close_all()
            bin_dir = Path(sys.executable).parent
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
                cwd=ROOT,
                env=env,
                check=True,
            )
            port = _free_port()
            host = f"http://127.0.0.1:{port}"
            log = open(work / "server.log", "a")  # noqa: SIM115
            web = subprocess.Popen(  # noqa: S603
                [
                    str(bin_dir / "gunicorn"),
                    "dvctt.wsgi:application",
                    "--worker-class",
                    "gthread",
                    "--workers",
                    "2",
                    "--threads",
                    "4",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--timeout",
                    "60",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=log,
            )
            procs.append(web)
            worker = subprocess.Popen(  # noqa: S603
                [
                    str(bin_dir / "celery"),
                    "-A",
                    "dvctt",
                    "worker",
                    "--loglevel=WARNING",
                    "--concurrency=1",
                    "-Q",
                    "sync,notify,pdf,default",
                    "-n",
                    f"bench-load-{port}@%h",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=log,
            )
            procs.append(worker)
            _wait_up(f"{host}/_bench/ping", web)
            # Pages another run cached in this Redis were rendered from another database.
            from django.core.cache.backends.redis import RedisCache

            from dvctt.page_cache import VERSION_KEY

            RedisCache(env["REDIS_URL"], {}).set(VERSION_KEY, secrets.token_hex(16), None)
            # Warm up: each page the users ask for once (imports, connections, page cache).
            plan_data = json.loads(plan.read_text(encoding="utf-8"))
            warm = ["/", *(f"/thu-tuc/?q={quote(q)}" for q in QUERIES)]
            warm += [f"/thu-tuc/{code}/" for code in plan_data["procedure_codes"]]
            for path in warm:
                urllib.request.urlopen(f"{host}{path}", timeout=60).read()  # noqa: S310
            yield host, plan, web, worker
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="dvctt-load-"))
    try:
        with serving(work) as (host, _plan, web, worker):
            uptime_before = Path("/proc/loadavg").read_text().split()[:3]
            # Each page right after a ping phase of its own, in ROUNDS rounds: the machine's
            # load moves between phases (locust shares its cores), so each page is compared
            # with the bare view measured next to it, and the median round is kept.
            rounds: dict[str, list[tuple[dict[str, float], dict[str, float]]]] = {}
            for _round in range(ROUNDS):
                for name in PAGES:
                    ping = _row(_locust(host, ["Ping"], PAGE_SECONDS, USERS, work)["ping"])
                    cls = PAGE_CLASSES[name]
                    page = _row(_locust(host, [cls], PAGE_SECONDS, USERS, work)[name])
                    rounds.setdefault(name, []).append((page, ping))
            pages: dict[str, dict[str, float]] = {}
            pings: dict[str, dict[str, float]] = {}
            for name, measured in rounds.items():
                measured.sort(key=lambda pair: pair[0]["rps"] / max(pair[1]["rps"], 1e-9))
                pages[name], pings[name] = measured[len(measured) // 2]
            pages["ping"] = {
                key: sum(p[key] for p in pings.values()) / len(pings) for key in pages[PAGES[0]]
            }
            mix = _locust(host, ["Visitor", "Citizen", "Official"], MIX_SECONDS, USERS, work)
            memory = {"gunicorn master": _rss_mb(web.pid)}
            for n, pid in enumerate(_children(web.pid)):
                memory[f"gunicorn worker {n + 1}"] = _rss_mb(pid)
            memory["celery worker"] = _rss_mb(worker.pid)
            for n, pid in enumerate(_children(worker.pid)):
                memory[f"celery child {n + 1}"] = _rss_mb(pid)
            intake = _locust(host, ["Intake"], INTAKE_SECONDS, USERS, work)
            uptime_after = Path("/proc/loadavg").read_text().split()[:3]
    finally:
        shutil.rmtree(work, ignore_errors=True)

    _emit()
    _emit(
        f"Load benchmark (gunicorn gthread 2×4, production settings, {USERS} users per page "
        f"phase, loopback; load average before {' '.join(uptime_before)}, "
        f"after {' '.join(uptime_after)})"
    )
    _emit(f"{'phase / request':<24} | {'req/s':>8} | {'p50':>7} | {'p95':>7} | {'errors':>6}")
    _emit("-" * 66)

    def line(label: str, stats: dict[str, float]) -> None:
        _emit(
            f"{label:<24} | {stats['rps']:>8.1f} | {stats['p50']:>4.0f} ms | "
            f"{stats['p95']:>4.0f} ms | {stats['failures']:>6.0f}"
        )

    for name, stats in pages.items():
        line(f"page: {name}", stats)
    for name, row in mix.items():
        line(f"mix: {name}", _row(row))
    for name, row in intake.items():
        line(f"intake: {name}", _row(row))
    for failure in FAILURES[:10]:
        _emit(f"failed: {failure}")
    _emit()
    for label, rss in memory.items():
        _emit(f"RSS {label:<20} {rss:>7.1f} MB")
    _emit()
    ratios = {
        name: pages[name]["rps"] / pings[name]["rps"] if pings[name]["rps"] else 0.0
        for name in PAGES
    }
    heaviest = min(PAGES, key=lambda name: ratios[name])
    ratio = ratios[heaviest]
    submitted = _row(intake["api submit"]) if "api submit" in intake else None
    intake_errors = _row(intake["Aggregated"])["failures"] if "Aggregated" in intake else -1
    intake_rps = submitted["rps"] - submitted["failures"] / INTAKE_SECONDS if submitted else 0.0
    mix_errors = _row(mix["Aggregated"])["failures"] if "Aggregated" in mix else -1
    for name in PAGES:
        _emit(
            f"{name}: {pages[name]['rps']:.1f} req/s ÷ ping next to it "
            f"{pings[name]['rps']:.1f} req/s = {ratios[name]:.3f}"
        )
    _emit(f"heaviest public page: {heaviest} ({pages[heaviest]['rps']:.1f} req/s)")
    for name in ["ping", *PAGES]:
        _emit(f"BENCH load_{name}_rps {pages[name]['rps']:.3f} rps")
    _emit(f"BENCH load_mix_rps {_row(mix['Aggregated'])['rps']:.3f} rps")
    _emit(f"BENCH load_mix_errors {mix_errors:.0f} errors")
    _emit(f"BENCH intake_errors {intake_errors:.0f} errors")
    _emit(f"BENCH load_web_rss_max {max(memory.values()):.1f} MB")
    # The catalogue pages alone (what anonymous visitors mostly ask for, and what the page
    # cache serves); tracking is a rate-limited look-up of one dossier, rendered per request.
    catalogue_ratio = min(ratios[name] for name in ("home", "search", "procedure"))
    _emit(f"BENCH catalogue_page_ratio {catalogue_ratio:.3f} ratio")
    _emit(f"BENCH public_page_ratio {ratio:.3f} ratio")
    _emit(f"BENCH intake_rps {intake_rps:.3f} rps")
    ok = ratio >= RATIO_GOAL and intake_rps >= INTAKE_GOAL and intake_errors == 0
    _emit(f"BENCH load_goals_met {1 if ok else 0} bool")
    return 0


def hold() -> None:
    """Keep the bench's server up (for a profiler or locust by hand) until interrupted."""
    work = Path(tempfile.mkdtemp(prefix="dvctt-load-"))

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt  # `kill` stops the servers too (a background job ignores ^C)

    signal.signal(signal.SIGTERM, stop)
    try:
        with serving(work) as (host, plan, _web, _worker):
            _emit(f"serving {host}; plan {plan}; logs {work / 'server.log'}; Ctrl-C stops")
            sys.stdout.flush()
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["--hold"]:
        hold()
