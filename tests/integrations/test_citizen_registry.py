"""Citizen registry adapter: stand-in, HTTP client with timeouts, choice by settings."""

from __future__ import annotations

import datetime as dt

import pytest
import requests
import responses

from integrations.citizen_registry import (
    HttpCitizenRegistry,
    RegistryUnavailable,
    StandInCitizenRegistry,
    citizen_lookup,
    get_citizen_registry,
)

BASE = "http://registry.test"


def test_stand_in_knows_the_demo_people():
    registry = StandInCitizenRegistry()
    an = registry.lookup("001090012345")
    assert an.full_name == "Nguyễn Văn An" and an.phone == "0912345678"
    assert registry.lookup("079185001234").full_name == "Trần Thị Bình"
    assert registry.lookup("000000000000") is None


def test_settings_choose_the_adapter(settings):
    settings.CITIZEN_REGISTRY_URL = ""
    assert isinstance(get_citizen_registry(), StandInCitizenRegistry)
    settings.CITIZEN_REGISTRY_URL = BASE
    settings.OUTSIDE_CALL_TIMEOUT_SECONDS = 2.5
    registry = get_citizen_registry()
    assert isinstance(registry, HttpCitizenRegistry) and registry.timeout == 2.5


@responses.activate
def test_http_client_reads_a_person():
    responses.get(
        f"{BASE}/citizens/001090012345",
        json={
            "id_number": "001090012345",
            "full_name": "Nguyễn Văn An",
            "date_of_birth": "1990-05-12",
            "address": "Hà Nội",
        },
    )
    record = HttpCitizenRegistry(BASE, timeout=1).lookup("001090012345")
    assert record.full_name == "Nguyễn Văn An" and record.date_of_birth == dt.date(1990, 5, 12)
    assert responses.calls[0].request.headers["Accept"] == "application/json"


@responses.activate
def test_http_client_unknown_person_and_bad_ids():
    responses.get(f"{BASE}/citizens/001090099999", status=404)
    client = HttpCitizenRegistry(BASE, timeout=1)
    assert client.lookup("001090099999") is None
    assert client.lookup("../../admin") is None
    assert len(responses.calls) == 1


@responses.activate
@pytest.mark.parametrize(
    "failure",
    [
        {"status": 500},
        {"body": requests.Timeout("timed out")},
        {"body": requests.ConnectionError("refused")},
        {"status": 200, "body": "not json"},
    ],
)
def test_http_client_failures_raise_unavailable(failure):
    responses.get(f"{BASE}/citizens/001090012345", **failure)
    with pytest.raises(RegistryUnavailable):
        HttpCitizenRegistry(BASE, timeout=1).lookup("001090012345")


@responses.activate
def test_lookup_degrades_to_unknown_when_registry_is_down(settings):
    settings.CITIZEN_REGISTRY_URL = BASE
    responses.get(f"{BASE}/citizens/001090012345", body=requests.Timeout("slow"))
    assert citizen_lookup("001090012345") is None


@responses.activate
def test_timeout_is_passed_to_every_call(monkeypatch):
    seen = {}
    real_get = requests.get

    def spy(*args, **kwargs):
        seen.update(kwargs)
        return real_get(*args, **kwargs)

    monkeypatch.setattr(requests, "get", spy)
    responses.get(f"{BASE}/citizens/001090012345", status=404)
    HttpCitizenRegistry(BASE, timeout=3).lookup("001090012345")
    assert seen["timeout"] == 3
