"""Hypothesis runs the same examples in CI and explores locally (tests/conftest.py)."""

from __future__ import annotations

import os

from hypothesis import settings

from tests.conftest import IN_CI
from tests.properties import examples


def test_ci_profile_is_deterministic_and_keeps_no_example_database():
    ci = settings.get_profile("ci")
    assert ci.derandomize is True
    assert ci.database is None
    assert ci.deadline is not None  # a deadline, generous for a shared CI machine


def test_local_profiles_explore():
    dev, explore = settings.get_profile("dev"), settings.get_profile("explore")
    assert not dev.derandomize and not explore.derandomize
    assert explore.max_examples == 10 * dev.max_examples


def test_the_profile_follows_the_environment():
    chosen = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if IN_CI else "dev")
    assert settings.default == settings.get_profile(chosen)
    assert examples(25) == 25 * settings.get_profile(chosen).max_examples // 100
