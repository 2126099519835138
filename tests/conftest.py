"""Shared fixtures. Tests run on the database DATABASE_URL names (PostgreSQL in CI).

On a bare laptop (SQLite, no Redis, no Chromium) the tests that need a missing service are
skipped with the reason; with CI=true nothing may be skipped, so they fail instead.
"""

from __future__ import annotations

import os
import shutil

import pytest
from django.conf import settings
from hypothesis import settings as hypothesis_settings

from tests.factories import AgencyFactory, CitizenFactory, make_official

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# Hypothesis profiles (README "Tests"): CI replays the same examples on every run, keeps no
# example database and allows a slow shared machine; local runs draw new examples each time
# and remember failures in .hypothesis/ (ignored by git); "explore" draws ten times as many.
# HYPOTHESIS_PROFILE picks one; otherwise CI=true means "ci" and anything else "dev".
# Tests that fix their own max_examples scale it with tests.tests.properties.examples().
# Hypothesis's own defaults as the parent: when it sees a CI variable it loads its built-in
# "ci" profile at import, which the local profiles must not inherit.
_BASE = hypothesis_settings.get_profile("default")
hypothesis_settings.register_profile(
    "ci", _BASE, derandomize=True, database=None, deadline=1000, print_blob=True
)
hypothesis_settings.register_profile("dev", _BASE, deadline=1000)
hypothesis_settings.register_profile("explore", _BASE, max_examples=1000, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if IN_CI else "dev"))


def _missing_services(item: pytest.Item) -> list[str]:
    missing = []
    if item.get_closest_marker("postgres") and not settings.IS_POSTGRES:
        missing.append("PostgreSQL (set DATABASE_URL=postgres://…)")
    if item.get_closest_marker("worker") and not os.environ.get("REDIS_URL"):
        missing.append("Redis (set REDIS_URL=redis://…)")
    if item.get_closest_marker("e2e") and not shutil.which(CHROMIUM):
        missing.append(f"Chromium at {CHROMIUM} (apt-get install chromium)")
    return missing


# Counts the proofs report (URL × user tries, fuzzing examples): printed in pytest's summary.
PROOF_LINES: list[str] = []


def pytest_terminal_summary(terminalreporter) -> None:
    for line in PROOF_LINES:
        terminalreporter.write_line(line)


def pytest_sessionfinish(session: pytest.Session) -> None:
    # Under pytest-xdist each worker hands its proof lines to the controller, which prints them.
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["proof_lines"] = list(PROOF_LINES)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    PROOF_LINES.extend(getattr(node, "workeroutput", {}).get("proof_lines", []))


def pytest_runtest_setup(item: pytest.Item) -> None:
    missing = _missing_services(item)
    if not missing:
        return
    reason = "needs " + ", ".join(missing)
    if IN_CI:
        pytest.fail(f"CI must run every test: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def signing_dir(tmp_path_factory):
    """A throwaway development CA for the session: every agency's key is issued from it when it
    first signs, and it is the trust root the validator checks against (dvctt/signing.py)."""
    from django.test import override_settings

    from dvctt import signing

    path = tmp_path_factory.mktemp("signing")
    with override_settings(SIGNING_DIR=path, SIGNING_DEV_PKI=True, SIGNING_KEYS={}):
        signing.dev_pki_make([])
        yield path


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters live in the (in-process) cache: each test starts from zero.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def agency(db):
    return AgencyFactory()


@pytest.fixture
def citizen(db):
    return CitizenFactory()


@pytest.fixture
def official(db, agency):
    return make_official(agency=agency)
