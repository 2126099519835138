"""What the benchmark groups share: a PostgreSQL database of their own, percentiles, the report."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit


def _emit(line: str = "") -> None:
    """Write one line of the report (the table for people, BENCH lines for tools)."""
    sys.stdout.write(f"{line}\n")


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _database_urls(suffix: str = "") -> tuple[str, str, str]:
    """Return the server's admin URL, the bench database's URL and its name `<name>_bench…`."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "make bench cần PostgreSQL: đặt DATABASE_URL=postgres://user@host:5432/tên_csdl "
            "(bench tạo và xóa cơ sở dữ liệu riêng <tên>_bench)."
        )
    parts = urlsplit(url)
    bench = f"{parts.path.lstrip('/') or 'dvctt'}_bench{suffix}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    return admin, urlunsplit(parts._replace(path=f"/{bench}")), bench


def _recreate(admin_url: str, bench: str, *, drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{bench}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{bench}"')


@contextmanager
def bench_database(suffix: str = "", *, test_environment: bool = True) -> Iterator[None]:
    """Run the block with Django set up on a fresh database `<name>_bench<suffix>`, dropped after.

    The database is empty (the block migrates it). With `test_environment`, Django's test
    environment is set up: e-mail goes into memory, not out of the machine; a group that
    measures page rendering leaves it off, since its instrumented template rendering (a signal
    and a context copy per template) is test-only cost a server does not pay.
    """
    admin_url, bench_url, bench = _database_urls(suffix)
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dvctt.settings.test")
    _recreate(admin_url, bench)
    try:
        import django

        django.setup()
        if test_environment:
            from django.test.utils import setup_test_environment

            setup_test_environment()
        yield
    finally:
        from django.db import connections

        connections.close_all()
        _recreate(admin_url, bench, drop_only=True)
