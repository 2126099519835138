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


# The server and database `make bench` was given, read once: each group then points Django at
# a database of its own on that server (the environment's DATABASE_URL changes on the way).
_GIVEN_URL: list[str] = []


def _database_urls(suffix: str = "") -> tuple[str, str, str]:
    """Return the server's admin URL, the bench database's URL and its name `<name>_bench…`."""
    if not _GIVEN_URL:
        _GIVEN_URL.append(os.environ.get("DATABASE_URL", ""))
    url = _GIVEN_URL[0]
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
    environment is set up (and torn down after): e-mail goes into memory, not out of the
    machine; a group that measures page rendering leaves it off, since its instrumented
    template rendering (a signal and a context copy per template) is test-only cost a server
    does not pay. Groups run one after another in one process (`make bench`): Django is set up
    once, so each block repoints the default connection at its own database.
    """
    admin_url, bench_url, bench = _database_urls(suffix)
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dvctt.settings.test")
    _recreate(admin_url, bench)
    import django

    django.setup()  # reads DATABASE_URL the first time only; a no-op afterwards
    from django.conf import settings
    from django.db import connections

    connections.close_all()
    settings.DATABASES["default"]["NAME"] = bench
    connections["default"].settings_dict["NAME"] = bench
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()  # ids of the previous group's database
    test_env = False
    try:
        if test_environment:
            from django.test.utils import setup_test_environment

            setup_test_environment()
            test_env = True
        yield
    finally:
        if test_env:
            from django.test.utils import teardown_test_environment

            teardown_test_environment()
        connections.close_all()
        _recreate(admin_url, bench, drop_only=True)
