"""Citizen registry adapter (Cơ sở dữ liệu quốc gia về dân cư): look a person up once-only.

Nghị định 42/2022/NĐ-CP Điều 12 asks portals to fill known data from the national databases
instead of making citizens retype it. Three parts (docs/design.md rule 4): the interface, an HTTP
client for CITIZEN_REGISTRY_URL with a timeout on every call, and a built-in stand-in that
knows the demo people of docs/api.md §2. An unset URL selects the stand-in.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import asdict, dataclass
from typing import Protocol

import requests
from django.conf import settings

log = logging.getLogger(__name__)
ID_NUMBER_RE = re.compile(r"[0-9]{12}")  # whole value (fullmatch), ASCII digits only


@dataclass(frozen=True)
class CitizenRecord:
    """What the registry tells about one person."""

    id_number: str
    full_name: str
    date_of_birth: dt.date | None = None
    address: str = ""
    phone: str = ""
    email: str = ""

    def as_dict(self) -> dict[str, str]:
        data = asdict(self)
        data["date_of_birth"] = self.date_of_birth.isoformat() if self.date_of_birth else ""
        return data


class RegistryUnavailable(Exception):
    """The registry did not answer in time or answered with an error."""


class CitizenRegistry(Protocol):
    def lookup(self, id_number: str) -> CitizenRecord | None:
        """Return the person with this personal id number, or None if unknown."""


class HttpCitizenRegistry:
    """Client of the registry's HTTP API: GET {base}/citizens/{id_number} → JSON."""

    def __init__(self, base_url: str, *, timeout: float, token: str = "") -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.token = token

    def lookup(self, id_number: str) -> CitizenRecord | None:
        """Return the person with this personal id number, or None if unknown."""
        if not ID_NUMBER_RE.fullmatch(id_number or ""):
            return None
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            resp = requests.get(
                f"{self.base_url}/citizens/{id_number}", headers=headers, timeout=self.timeout
            )
        except requests.RequestException as exc:
            raise RegistryUnavailable(str(exc)) from exc
        if resp.status_code == 404:
            return None
        if resp.status_code != 200:
            raise RegistryUnavailable(f"HTTP {resp.status_code}")
        try:
            data = resp.json()
            dob = data.get("date_of_birth") or ""
            return CitizenRecord(
                id_number=str(data["id_number"]),
                full_name=str(data.get("full_name", "")),
                date_of_birth=dt.date.fromisoformat(dob) if dob else None,
                address=str(data.get("address", "")),
                phone=str(data.get("phone", "")),
                email=str(data.get("email", "")),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise RegistryUnavailable(f"bad answer: {exc}") from exc


# The demo people of docs/api.md §2, as the registry would know them.
DEMO_PEOPLE = {
    "001090012345": CitizenRecord(
        "001090012345",
        "Nguyễn Văn An",
        dt.date(1990, 5, 12),
        "Số 12 phố Hàng Bạc, phường Hoàn Kiếm, Hà Nội",
        "0912345678",
        "congdan@demo.vn",
    ),
    "079185001234": CitizenRecord(
        "079185001234",
        "Trần Thị Bình",
        dt.date(1985, 9, 3),
        "Số 5 đường Lê Lợi, phường Sài Gòn, TP. Hồ Chí Minh",
        "0987654321",
        "congdan2@demo.vn",
    ),
    "001200000123": CitizenRecord(
        "001200000123",
        "Phạm Minh Châu",
        dt.date(2000, 1, 20),
        "Thôn Đông, xã Demo, tỉnh Demo",
        "0901000123",
        "",
    ),
}


class StandInCitizenRegistry:
    """The built-in stand-in: answers from DEMO_PEOPLE, as the real registry would."""

    def __init__(self, people: dict[str, CitizenRecord] | None = None) -> None:
        self.people = DEMO_PEOPLE if people is None else people

    def lookup(self, id_number: str) -> CitizenRecord | None:
        """Return the person with this personal id number, or None if unknown."""
        return self.people.get((id_number or "").strip())


def get_citizen_registry() -> CitizenRegistry:
    """Return the registry chosen by settings (unset CITIZEN_REGISTRY_URL = the stand-in)."""
    if settings.CITIZEN_REGISTRY_URL:
        return HttpCitizenRegistry(
            settings.CITIZEN_REGISTRY_URL,
            timeout=settings.OUTSIDE_CALL_TIMEOUT_SECONDS,
            token=settings.CITIZEN_REGISTRY_TOKEN,
        )
    return StandInCitizenRegistry()


def citizen_lookup(id_number: str) -> CitizenRecord | None:
    """Look a person up; an unreachable registry is logged and treated as 'unknown'."""
    try:
        return get_citizen_registry().lookup(id_number)
    except RegistryUnavailable:
        # Once-only is a convenience: the citizen can still type their data themselves.
        log.warning("citizen registry unavailable", exc_info=True)
        return None
