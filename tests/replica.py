"""A real PostgreSQL primary with a streaming standby, made for one test (tests of scale-out).

The shared server of the machine (127.0.0.1:5432) accepts no replication connection (its
pg_hba.conf has no `replication` line) and its configuration is not ours to change; so the
fixture makes a small cluster of its own with the server's binaries: initdb a primary (trust
on loopback, replication allowed: initdb's own pg_hba), start it on a free port, take a base
backup of it with `pg_basebackup -R` (standby.signal and primary_conninfo written), start
that as a hot standby on another port. Both run as the `postgres` OS user (the server
refuses root) and are stopped and removed after.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.drills import free_port

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def available() -> str | None:
    """Return why a replica cannot be made here, or None when it can."""
    if not (PG_BIN / "postgres").exists():
        return f"no PostgreSQL server binaries in {PG_BIN}"
    if shutil.which("runuser") is None or os.geteuid() != 0:
        return "the servers must be started as the postgres OS user (needs root and runuser)"
    return None


def _as_postgres(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["runuser", "-u", "postgres", "--", *args],
        check=True,
        capture_output=True,
        text=True,
        timeout=180,
        **kwargs,
    )


def _start(data: Path, port: int, sockets: Path, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            "runuser", "-u", "postgres", "--", str(PG_BIN / "postgres"),
            "-D", str(data),
            "-p", str(port),
            "-c", "listen_addresses=127.0.0.1",
            "-c", f"unix_socket_directories={sockets}",
            "-c", "wal_level=replica",
            "-c", "max_wal_senders=4",
            "-c", "hot_standby=on",
            "-c", "fsync=off",
            "-c", "shared_buffers=16MB",
            "-c", "max_connections=30",
        ],
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip


def _wait_ready(port: int, proc: subprocess.Popen, log: Path, seconds: float = 90.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"postgres on port {port} exited:\n{log.read_text()[-2000:]}")
        ready = subprocess.run(
            [str(PG_BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres"],
            capture_output=True,
        )
        if ready.returncode == 0:
            return
        time.sleep(0.3)
    raise RuntimeError(f"postgres on port {port} not ready:\n{log.read_text()[-2000:]}")


@contextmanager
def streaming_replica() -> Iterator[tuple[str, str]]:
    """Yield (primary URL, replica URL) of a fresh primary and its streaming hot standby."""
    base = Path(tempfile.mkdtemp(prefix="dvctt-replica-"))
    base.chmod(0o755)
    shutil.chown(base, "postgres", "postgres")
    primary_dir, replica_dir, log = base / "primary", base / "replica", base / "server.log"
    log.touch()
    shutil.chown(log, "postgres", "postgres")
    procs: list[subprocess.Popen] = []
    try:
        _as_postgres(
            str(PG_BIN / "initdb"), "-D", str(primary_dir), "-U", "postgres", "-A", "trust",
            "--no-sync", "-E", "UTF8", "--locale", "C.UTF-8",
        )  # fmt: skip
        primary_port = free_port()
        procs.append(_start(primary_dir, primary_port, base, log))
        _wait_ready(primary_port, procs[0], log)
        # Asked only once the primary holds its port: two free_port() calls in a row may
        # answer the same number, and the "replica" would then be the primary itself.
        replica_port = free_port()
        while replica_port == primary_port:
            replica_port = free_port()
        _as_postgres(
            str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary_port),
            "-U", "postgres", "-D", str(replica_dir), "-R", "-X", "stream", "--no-sync",
        )  # fmt: skip
        procs.append(_start(replica_dir, replica_port, base, log))
        _wait_ready(replica_port, procs[1], log)
        yield (
            f"postgres://postgres@127.0.0.1:{primary_port}/postgres",
            f"postgres://postgres@127.0.0.1:{replica_port}/postgres",
        )
    finally:
        for proc in reversed(procs):
            # runuser passes SIGTERM on: "smart" shutdown, then a kill if it lingers
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(base, ignore_errors=True)
