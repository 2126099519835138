"""Scale-out on real servers: a streaming read replica, an S3-protocol object store, two web
processes sharing the database and the files. No mocks: each test starts the servers it needs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from dvctt.db_router import REPLICA, PrimaryReplicaRouter, replica_alias
from tests import replica
from tests.drills import database_url, free_port, wait_for

ROOT = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent
PDF = b"%PDF-1.4\n% scale-out\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


# --- the read replica ----------------------------------------------------------------------
def test_without_a_replica_every_read_stays_on_the_primary():
    assert REPLICA not in settings.DATABASES
    assert replica_alias() == "default"
    router = PrimaryReplicaRouter()
    assert router.db_for_read(object) is None
    assert router.db_for_write(object) == "default"
    assert router.allow_migrate(REPLICA, "dossiers") is False


REPLICA_CHILD = textwrap.dedent(
    """
    import datetime as dt, json, sys, time
    import django
    django.setup()
    from django.core.management import call_command
    from django.db import DatabaseError, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from accounts.constants import StaffRoleName
    from dossiers.models import Dossier
    from tests.dossiers.conftest import make_submitted
    from tests.factories import AgencyFactory, CitizenFactory, make_official
    from tests.procedures.factories import ProcedureFactory

    agency = AgencyFactory()
    procedure = ProcedureFactory(agencies=[agency])
    dossier = make_submitted(CitizenFactory(), procedure)
    official = make_official(agency=agency, role=StaffRoleName.RECEPTION)
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        in_recovery = cursor.fetchone()[0]
    deadline = time.monotonic() + 30
    while not Dossier.objects.using("replica").filter(pk=dossier.pk).exists():
        assert time.monotonic() < deadline, "the replica never received the dossier"
        time.sleep(0.1)
    today = timezone.localdate().isoformat()
    client = Client()
    client.force_login(official)
    with CaptureQueriesContext(connections["default"]) as primary, \\
            CaptureQueriesContext(connections["replica"]) as standby:
        answer = client.get("/api/v1/register/", {"from": today, "to": today, "format": "csv"})
        body = b"".join(answer.streaming_content) if answer.streaming else answer.content
    try:
        Dossier.objects.using("replica").filter(pk=dossier.pk).update(applicant_name="x")
        refused = ""
    except DatabaseError as exc:
        refused = str(exc)
    sys.stdout.write(json.dumps({
        "in_recovery": in_recovery,
        "status": answer.status_code,
        "code_in_export": dossier.code in body.decode("utf-8-sig"),
        "register_on_replica": [q["sql"] for q in standby if "dossiers_dossier" in q["sql"]],
        "register_on_primary": [
            q["sql"] for q in primary if 'FROM "dossiers_dossier"' in q["sql"]
        ],
        "write_refused": refused,
    }))
    """
)


@pytest.mark.postgres
def test_the_register_export_reads_from_a_real_streaming_replica():
    why = replica.available()
    if why:
        pytest.fail(f"cannot make a replica here: {why}")
    with replica.streaming_replica() as (primary_url, replica_url):
        import psycopg

        with psycopg.connect(primary_url, autocommit=True) as conn:
            conn.execute("CREATE DATABASE dvctt")
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "dvctt.settings.test",
            "DATABASE_URL": primary_url.rsplit("/", 1)[0] + "/dvctt",
            "DATABASE_REPLICA_URL": replica_url.rsplit("/", 1)[0] + "/dvctt",
            "PYTHONPATH": str(ROOT),
        }
        env.pop("REDIS_URL", None)
        child = subprocess.run(
            [sys.executable, "-c", REPLICA_CHILD],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    assert child.returncode == 0, child.stderr[-3000:]
    result = json.loads(child.stdout.strip().splitlines()[-1])
    assert result["in_recovery"] is True  # a real standby, fed by streaming replication
    assert result["status"] == 200
    assert result["code_in_export"]
    assert result["register_on_replica"], "the register was not read from the replica"
    assert result["register_on_primary"] == []
    assert "read-only" in result["write_refused"]


# --- the object store ----------------------------------------------------------------------
@contextmanager
def s3_server() -> Iterator[dict[str, str]]:
    """Start moto's S3-protocol server on a free port; yield the settings that point at it."""
    port = free_port()
    proc = subprocess.Popen(
        [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:

        def up() -> bool:
            try:
                return requests.get(endpoint, timeout=5).status_code < 500
            except requests.RequestException:
                return False

        wait_for(up, timeout=60, what="the S3 server")
        env = {
            "STORAGE_S3_BUCKET": "dvctt-media",
            "STORAGE_S3_ENDPOINT_URL": endpoint,
            "STORAGE_S3_REGION": "us-east-1",
            "STORAGE_S3_ACCESS_KEY": "testing",
            "STORAGE_S3_SECRET_KEY": "testing-secret",
        }
        _client(env).create_bucket(Bucket=env["STORAGE_S3_BUCKET"])
        yield env
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _client(env: dict[str, str]):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=env["STORAGE_S3_ENDPOINT_URL"],
        region_name=env["STORAGE_S3_REGION"],
        aws_access_key_id=env["STORAGE_S3_ACCESS_KEY"],
        aws_secret_access_key=env["STORAGE_S3_SECRET_KEY"],
    )


def _s3_storages(env: dict[str, str]) -> dict:
    return {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": env["STORAGE_S3_BUCKET"],
                "endpoint_url": env["STORAGE_S3_ENDPOINT_URL"],
                "region_name": env["STORAGE_S3_REGION"],
                "access_key": env["STORAGE_S3_ACCESS_KEY"],
                "secret_key": env["STORAGE_S3_SECRET_KEY"],
                "default_acl": None,
                "file_overwrite": False,
                "addressing_style": "path",
            },
        },
        "staticfiles": settings.STORAGES["staticfiles"],
    }


def test_the_settings_build_the_s3_storage_from_the_environment(tmp_path):
    from tests.production import manage, production_env

    env = production_env(tmp_path, STORAGE_S3_BUCKET="ho-so", STORAGE_S3_PREFIX="media")
    out = manage(env, "shell", "-c", "from django.conf import settings as s; "
                 "import json,sys; sys.stdout.write(json.dumps(s.STORAGES))")  # fmt: skip
    assert out.returncode == 0, out.stderr
    storages_setting = json.loads(out.stdout.strip().splitlines()[-1])
    assert storages_setting["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storages_setting["default"]["OPTIONS"]["bucket_name"] == "ho-so"
    assert storages_setting["default"]["OPTIONS"]["default_acl"] is None  # never public
    assert "Manifest" in storages_setting["staticfiles"]["BACKEND"]


@pytest.mark.django_db
def test_uploads_and_papers_go_to_the_object_store(settings, citizen, agency):
    from accounts.constants import StaffRoleName
    from dossiers.papers.documents import document_render
    from dossiers.workflow import services as workflow
    from tests.dossiers.conftest import make_submitted
    from tests.factories import make_official
    from tests.procedures.factories import ProcedureFactory

    with s3_server() as env:
        settings.STORAGES = _s3_storages(env)
        assert type(storages["default"]).__name__ == "S3Storage"
        dossier = make_submitted(citizen, ProcedureFactory(agencies=[agency]))
        workflow.dossier_run_action(
            actor=make_official(agency=agency, role=StaffRoleName.RECEPTION),
            dossier_id=dossier.pk,
            action="receive",
        )
        attachment = dossier.attachments.first()
        paper = document_render(dossier_id=dossier.pk, kind="receipt")
        keys = {
            item["Key"]
            for item in _client(env).list_objects_v2(Bucket="dvctt-media").get("Contents", [])
        }
        assert attachment.file.name in keys
        assert paper.file.name in keys
        with attachment.file.open("rb") as stored:
            assert stored.read().startswith(b"%PDF")
        # nothing of it on this machine's disk
        assert not (Path(settings.MEDIA_ROOT) / attachment.file.name).exists()
        name = storages["default"].save("probe/x.txt", ContentFile(b"abc"))
        assert storages["default"].exists(name)


# --- two web processes ---------------------------------------------------------------------
@contextmanager
def web_process(env: dict[str, str], log: Path) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [
            str(BIN / "gunicorn"), "dvctt.wsgi:application",
            "--worker-class", "gthread", "--workers", "1", "--threads", "2",
            "--bind", f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:

        def up() -> bool:
            assert proc.poll() is None, log.read_text()[-3000:]
            try:
                return requests.get(f"{url}/thu-tuc/", timeout=10).status_code == 200
            except requests.RequestException:
                return False

        wait_for(up, timeout=90, what=f"the web process on {url}")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_file_uploaded_through_one_web_process_is_served_by_another(tmp_path, agency):
    from django.test import Client
    from knox.models import AuthToken

    from tests.dossiers.conftest import make_draft, required_components
    from tests.factories import CitizenFactory
    from tests.procedures.factories import ProcedureFactory

    citizen = CitizenFactory()
    draft = make_draft(citizen, ProcedureFactory(agencies=[agency]), complete=False)
    component = required_components(draft)[0]["id"]
    token = AuthToken.objects.create(citizen)[1]
    login = Client()
    login.force_login(citizen)  # a session in the database, as the sign-in page makes it
    session = login.cookies[settings.SESSION_COOKIE_NAME].value
    with s3_server() as s3_env:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "dvctt.settings.test",
            "DATABASE_URL": database_url(),
            "MEDIA_ROOT": str(tmp_path / "media"),
            **s3_env,
        }
        env.pop("REDIS_URL", None)
        log = tmp_path / "web.log"
        with web_process(env, log) as first, web_process(env, log) as second:
            uploaded = requests.post(
                f"{first}/api/v1/dossiers/{draft.pk}/attachments/",
                headers={"Authorization": f"Token {token}"},
                data={"component": str(component)},
                files={"file": ("giay-to.pdf", PDF, "application/pdf")},
                timeout=30,
            )
            assert uploaded.status_code == 201, uploaded.text
            started = time.monotonic()
            served = requests.get(
                f"{second}{uploaded.json()['url']}",
                cookies={settings.SESSION_COOKIE_NAME: session},
                timeout=30,
                allow_redirects=False,
            )
            assert time.monotonic() - started < 30
    assert served.status_code == 200, served.text[:500]
    assert served.content == PDF
    # the file lives in the shared object store, not on either process's disk
    assert not any((tmp_path / "media").rglob("*"))


def test_sessions_live_in_redis_when_there_is_one(tmp_path):
    from tests.production import manage, production_env

    code = "from django.conf import settings as s; import sys; sys.stdout.write(s.SESSION_ENGINE)"
    env = production_env(tmp_path)
    without = manage(env, "shell", "-c", code)
    env["REDIS_URL"] = "redis://127.0.0.1:6379/15"
    with_redis = manage(env, "shell", "-c", code)
    assert without.stdout.endswith("django.contrib.sessions.backends.db"), without.stderr
    # through the cache (Redis) with the database behind it: any web process, any restart
    assert with_redis.stdout.endswith("backends.cached_db"), with_redis.stderr
