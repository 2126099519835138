"""Fixtures of the service-quality tests: a pinned clock and the dossier fixtures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dvctt.workdays import VN_TZ
from tests.dossiers.conftest import (  # noqa: F401 - fixtures shared with the dossier tests
    clerk,
    leader,
    procedure,
    reception,
    specialist,
)


@pytest.fixture
def citizen_client(client, citizen):
    client.force_login(citizen)
    return client


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN_TZ)


class Clock:
    def __init__(self) -> None:
        self.now = vn(2026, 11, 25, 8, 0)  # a Wednesday

    def set(self, *args: int) -> None:
        self.now = vn(*args)


@pytest.fixture
def clock(monkeypatch):
    """Pin django.utils.timezone.now (services, auto_now fields) to a settable instant."""
    c = Clock()
    monkeypatch.setattr(timezone, "now", lambda: c.now)
    return c
