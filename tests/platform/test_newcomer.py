"""The newcomer's commands: `make bench` (every group in one process, each in a fresh
database of its own) and `make run` on another port."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings

# Two groups one after the other, as `python -m bench` runs them: the second must reach its
# own database, not the one the first dropped (and its test environment must set up again).
SCRIPT = """
import sys

from bench.common import bench_database
from django.db import connection

for suffix in ("_t1", "_t2"):
    for test_environment in (True, False):
        with bench_database(suffix, test_environment=test_environment):
            with connection.cursor() as cursor:
                cursor.execute("SELECT current_database()")
                sys.stdout.write(f"{cursor.fetchone()[0]}\\n")
"""


@pytest.mark.postgres
def test_bench_groups_run_one_after_another_in_one_process():
    db = settings.DATABASES["default"]
    given = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": given, "DJANGO_SETTINGS_MODULE": "dvctt.settings.test"}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
        given = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        env["DATABASE_URL"] = given
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    name = db["NAME"]
    assert result.stdout.split() == [f"{name}_bench_t1"] * 2 + [f"{name}_bench_t2"] * 2


def _local_settings(**env: str) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("PUBLIC_BASE_URL", "PORT")}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings;"
            "import sys;"
            "sys.stdout.write(' '.join("
            "[settings.PUBLIC_BASE_URL, *settings.CSRF_TRUSTED_ORIGINS]))",
        ],
        cwd=settings.BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "dvctt.settings.local", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.split()


def test_make_run_on_another_port_links_to_that_port():
    assert _local_settings(PORT="8001") == ["http://127.0.0.1:8001"] * 2
    assert _local_settings() == ["http://127.0.0.1:8000"] * 2
    # A base URL that is set wins over the port.
    assert _local_settings(PORT="8001", PUBLIC_BASE_URL="https://dvc.example.vn")[0] == (
        "https://dvc.example.vn"
    )
    # The Makefile hands its PORT to the settings of every command of `make run`.
    dry_run = subprocess.run(
        ["make", "-n", "run", "PORT=8001"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    assert "PORT=8001 .venv/bin/python manage.py runserver 127.0.0.1:8001" in dry_run
