"""Fault-drill machinery: a Redis server, a hub, an SMTP server and Celery workers of our own.

Redis runs on a port of 6390–6399 that nothing else uses (never the shared 6379); the hub and
SMTP servers are threads on loopback ports the OS picks; workers are real `celery worker -B`
processes on the test database, with sweep and backoff intervals shrunk to fractions of a
second so a drill takes seconds.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from django.db import connection
from kombu import pools as kombu_pools

from dvctt.celery import app as celery_app

REDIS_PORTS = range(6390, 6400)


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(predicate, *, timeout: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A private redis-server; stop() and start() simulate an outage on the same port."""

    def __init__(self) -> None:
        port = next((p for p in REDIS_PORTS if _port_free(p)), None)
        assert port, "no free port in 6390–6399 for the drill's Redis"
        self.port: int = port
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                *("--port", str(self.port), "--bind", "127.0.0.1", "--save", ""),
                *("--appendonly", "no", "--protected-mode", "yes"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: not _port_free(self.port), timeout=10, what="redis-server")
        time.sleep(0.2)
        assert self.proc.poll() is None, f"redis-server could not start on port {self.port}"

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None


class HubHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        hub: FakeHub = self.server.hub  # type: ignore[attr-defined]
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with hub.lock:
            hub.requests += 1
            failing = hub.requests <= hub.fail_first
        if hub.delay:
            time.sleep(hub.delay)
        if failing or self.path != "/dossier-events":
            self.send_response(500)
            self.end_headers()
            return
        with hub.lock:
            hub.accepted.append(
                {
                    **body,
                    "_key": self.headers.get("Idempotency-Key"),
                    "_auth": self.headers.get("Authorization"),
                }
            )
        self.send_response(201)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


class FakeHub:
    """The national hub on loopback: answers 500 to the first `fail_first` requests."""

    def __init__(self, *, fail_first: int = 0, delay: float = 0.0) -> None:
        self.fail_first = fail_first
        self.delay = delay
        self.requests = 0
        self.accepted: list[dict] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), HubHandler)
        self.server.hub = self  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class SmtpHandler(socketserver.StreamRequestHandler):
    def _say(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self._say("220 drill ESMTP")
        while line := self.rfile.readline().decode("latin-1").strip():
            verb = line.split(" ", 1)[0].upper()
            if verb == "DATA":
                self._say("354 go on")
                data = []
                while (chunk := self.rfile.readline().decode("utf-8", "replace")) not in (
                    ".\r\n",
                    "",
                ):
                    data.append(chunk)
                self.server.messages.append("".join(data))  # type: ignore[attr-defined]
                self._say("250 queued")
            elif verb == "QUIT":
                self._say("221 bye")
                return
            else:
                self._say("250 ok")


class SmtpServer:
    """A minimal SMTP server that keeps the messages it receives."""

    def __init__(self, port: int) -> None:
        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", port), SmtpHandler)
        self.server.messages = []  # type: ignore[attr-defined]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def messages(self) -> list[str]:
        return self.server.messages  # type: ignore[attr-defined]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Worker:
    """`celery worker -B` (embedded beat: the sweepers) as a separate process."""

    def __init__(self, *, redis_url: str, tmp_path: Path, **env: str) -> None:
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "DJANGO_SETTINGS_MODULE": "dvctt.settings.test",
            "REDIS_URL": redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "OUTBOX_SWEEP_SECONDS": "0.5",
            "HUB_RETRY_BASE_SECONDS": "0.2",
            "HUB_RETRY_MAX_SECONDS": "1",
            "HUB_CLAIM_SECONDS": "2",
            "NOTIFICATION_RETRY_BASE_SECONDS": "0.5",
            "OUTSIDE_CALL_TIMEOUT_SECONDS": "3",
            **env,
        }
        self.tmp_path = tmp_path
        self.proc: subprocess.Popen | None = None
        self.log = tmp_path / "worker.log"

    def start(self) -> None:
        celery = Path(sys.executable).with_name("celery")
        self.proc = subprocess.Popen(
            [
                str(celery),
                *("-A", "dvctt", "worker", "-B", "--pool=solo", "--loglevel=INFO"),
                *(
                    "-s",
                    str(self.tmp_path / "beat-schedule"),
                    "--without-gossip",
                    "--without-mingle",
                ),
                *("-n", f"drill-{os.getpid()}-{time.monotonic_ns()}@%h"),
            ],
            env=self.env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
            # Its own process group: `-B` runs beat in a child process, which a SIGKILL of the
            # worker alone would leave running after the test.
            start_new_session=True,
        )

    def kill(self) -> None:
        """SIGKILL: no cleanup, no acknowledgement, as when a machine dies (beat included)."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.proc:
            # Whatever is left of its group (a beat child) goes with it.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@contextmanager
def queue_worker(
    prefix: str,
    *,
    loglevel: str = "INFO",
    stop_timeout: float = 20,
    pool: str = "solo",
    **env: str,
) -> Iterator[str]:
    """Run `celery worker` on a queue of its own, on the test database; yield the queue's name.

    This process's tasks stop being eager meanwhile, so `apply_async(queue=…)` reaches the
    worker. A worker that died on its own (not by our SIGTERM) fails with its log.
    """
    queue = f"{prefix}-{uuid.uuid4().hex[:8]}"
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("celery")),
            *("-A", "dvctt", "worker", "-Q", queue, f"--pool={pool}", "-n", f"{queue}@%h"),
            *(("--concurrency=1",) if pool == "prefork" else ()),
            *("--without-gossip", "--without-mingle", f"--loglevel={loglevel}"),
        ],
        env={
            **os.environ,
            "DATABASE_URL": database_url(),
            "DJANGO_SETTINGS_MODULE": "dvctt.settings.test",
            **env,
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield queue
    finally:
        celery_app.conf.task_always_eager = previous
        proc.terminate()
        try:
            output, _ = proc.communicate(timeout=stop_timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            output, _ = proc.communicate()
        assert proc.returncode in (0, -15), output


@contextmanager
def web_process_broker(url: str):
    """Point this (web) process's Celery app at the drill's Redis, tasks no longer eager."""
    conf = celery_app.conf
    previous = (conf.broker_url, conf.task_always_eager)

    def reset_pools() -> None:
        kombu_pools.reset()  # closes and forgets every pooled connection and producer
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    conf.broker_url, conf.task_always_eager = url, False
    reset_pools()
    try:
        yield
    finally:
        conf.broker_url, conf.task_always_eager = previous
        reset_pools()
