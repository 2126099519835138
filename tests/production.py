"""Run manage.py in a child process under the production settings (tests of deployment)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from django.conf import settings

# Made-up secrets of the right shape: production refuses to start without them.
PRODUCTION_SECRETS = {
    "DJANGO_SECRET_KEY": "x7$kP2!vQ9@mZ4#rT6^wY8&uB1*eN3(hJ5)cL0-aS+dF=gH_jK" * 2,
    "VNPAY_HASH_SECRET": "Q3v9LmZ2pX7rT4wK8nB6yH1c",
    "POSTAL_SHARED_SECRET": "m8Rt2WqZ5vK9pL3xN7bC4hJ6",
    # Not a secret, but production refuses to start without a real gateway (issue 18.2).
    "VNPAY_PAYMENT_URL": "https://pay.vnpay.vn/vpcpay.html",
}


def production_signing_keys(tmp_path) -> dict[str, str]:
    """A throwaway CA and one agency key in tmp_path, as production reads them (SIGNING_*)."""
    from dvctt import signing

    ca = signing.make_ca("CA thử nghiệm")
    key_file = tmp_path / "agency.p12"
    key_file.write_bytes(
        signing.issue_pkcs12(
            ca, agency_code="000.00.01.H99", agency_name="Cơ quan thử", passphrase=b"pass-A"
        )
    )
    roots = tmp_path / "ca.pem"
    roots.write_bytes(signing.pem_certificate(ca[1]))
    keys = {"000.00.01.H99": {"pkcs12": str(key_file), "passphrase_env": "SIGNING_PASS_A"}}
    return {
        "SIGNING_KEYS": json.dumps(keys),
        "SIGNING_PASS_A": "pass-A",
        "SIGNING_TRUST_ROOTS": str(roots),
    }


def production_env(tmp_path, **overrides) -> dict[str, str]:
    """Environment of a production process on a throw-away SQLite database, without Redis."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dvctt.settings.production",
        **PRODUCTION_SECRETS,
        **production_signing_keys(tmp_path),
        "DJANGO_ALLOWED_HOSTS": "dichvucong.demo.gov.vn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        **overrides,
    }
    env.pop("REDIS_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests, never in deployment
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run `manage.py *args` in env and return its outcome with stdout and stderr as text."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
