"""Fixtures of the catalogue tests: the bundled catalogue imported into the test database."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from accounts.demo import seed_demo_accounts
from procedures.services import procedures_import

BUNDLED = Path(__file__).resolve().parents[2] / "procedures" / "data" / "procedures.json"


@pytest.fixture(scope="session")
def bundled_data() -> dict:
    return json.loads(BUNDLED.read_text(encoding="utf-8"))


@pytest.fixture
def catalogue(db, bundled_data):
    """Import the bundled catalogue (with the demo agencies A and B) and return the result."""
    seed_demo_accounts()
    return procedures_import(data=copy.deepcopy(bundled_data))
