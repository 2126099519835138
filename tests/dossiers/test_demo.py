"""seed_demo files demo dossiers once, through the real services."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from accounts.demo import AGENCY_A, AGENCY_B
from dossiers.models import Dossier

pytestmark = pytest.mark.django_db


def test_seed_demo_files_demo_dossiers_once():
    call_command("seed_demo", stdout=io.StringIO())
    codes = set(Dossier.objects.values_list("code", flat=True))
    assert len(codes) == 3
    assert {d.status for d in Dossier.objects.all()} == {"submitted", "in_progress"}
    # The inter-agency demo dossier waits at UBND xã Demo (agency B), filed at agency A.
    shared = Dossier.objects.get(procedure__code="1.001193")
    assert shared.handling_agency.code == AGENCY_B and shared.agency.code == AGENCY_A
    assert shared.current_step == 3 and shared.appraisal_proposal == "approve"
    assert list(shared.handovers.values_list("to_step", flat=True)) == [2, 3]
    assert all(d.events.filter(action="submit").exists() for d in Dossier.objects.all())
    call_command("seed_demo", stdout=io.StringIO())
    assert set(Dossier.objects.values_list("code", flat=True)) == codes
