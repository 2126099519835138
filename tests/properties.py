"""How many examples a property test draws under the loaded Hypothesis profile."""

from __future__ import annotations

from hypothesis import settings

# The profile's default (100 in "ci" and "dev", 1000 in "explore"; see tests/conftest.py).
_BASE = 100


def examples(n: int) -> int:
    """Return `n` examples scaled by the profile (a test that costs database rows fixes `n`)."""
    profile = settings.default
    base = profile.max_examples if profile is not None else _BASE
    return max(1, n * base // _BASE)
