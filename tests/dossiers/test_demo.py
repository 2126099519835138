"""seed_demo files demo dossiers once, through the real services."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from dossiers.models import Dossier

pytestmark = pytest.mark.django_db


def test_seed_demo_files_demo_dossiers_once():
    call_command("seed_demo", stdout=io.StringIO())
    codes = set(Dossier.objects.values_list("code", flat=True))
    assert len(codes) == 2
    assert {d.status for d in Dossier.objects.all()} == {"submitted", "in_progress"}
    assert all(d.events.filter(action="submit").exists() for d in Dossier.objects.all())
    call_command("seed_demo", stdout=io.StringIO())
    assert set(Dossier.objects.values_list("code", flat=True)) == codes
