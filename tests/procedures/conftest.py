"""Fixtures of the catalogue tests: the bundled catalogue imported into the test database."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from accounts.demo import seed_demo_accounts
from procedures import lexicon
from procedures.services import ImportResult, procedures_import
from tests import db_snapshot

BUNDLED = Path(__file__).resolve().parents[2] / "procedures" / "data" / "procedures.json"


@pytest.fixture(scope="session")
def bundled_data() -> dict:
    return json.loads(BUNDLED.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def _catalogue_snapshot(
    django_db_setup, django_db_blocker, bundled_data
) -> tuple[ImportResult, db_snapshot.Snapshot]:
    """Import the catalogue once per session (rolled back) and keep the rows it wrote."""

    def build() -> ImportResult:
        seed_demo_accounts()
        return procedures_import(data=copy.deepcopy(bundled_data))

    with django_db_blocker.unblock():
        captured = db_snapshot.capture(build)
    lexicon.invalidate()
    return captured


@pytest.fixture
def catalogue(db, _catalogue_snapshot) -> ImportResult:
    """The bundled catalogue (with the demo agencies A and B) and its import result."""
    result, snapshot = _catalogue_snapshot
    db_snapshot.restore(snapshot)
    lexicon.invalidate()
    return copy.deepcopy(result)
