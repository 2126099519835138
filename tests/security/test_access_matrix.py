"""Access matrix generated from the URL conf: every dossier and file URL × every outsider.

Each URL that takes a dossier id (HTML and API, whoever added it) is tried with GET, POST,
PATCH and DELETE by: nobody signed in, another citizen, an official of another agency, and —
for writes — a same-agency official whose role may not do them. Each answer must refuse
(404 / 403, 401 or a login redirect; 405 for a method the URL does not take) and nothing in
the database may change. The closing line prints the number of combinations tried.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from accounts.constants import StaffRoleName
from dossiers.models import Attachment, Dossier, DossierEvent
from tests.conftest import PROOF_LINES
from tests.dossiers.conftest import make_draft, make_submitted
from tests.factories import AgencyFactory, CitizenFactory, make_official

SAMPLE = {"step": "2", "action": "receive", "kind": "receipt"}


def _routes(patterns, prefix=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route


def dossier_routes() -> list[str]:
    """Every route of the URL conf that names a dossier (and so may reach one's data)."""
    return sorted({r for r in _routes(get_resolver().url_patterns) if "<uuid:dossier_id>" in r})


def _fill(route: str, dossier: Dossier, attachment: Attachment) -> str:
    values = {"dossier_id": str(dossier.pk), "attachment_id": str(attachment.pk), **SAMPLE}

    def one(match):
        return values.get(match.group(2), "x")

    path = re.sub(r"<(?:(\w+):)?(\w+)>", one, route.lstrip("^").rstrip("$"))
    return "/" + path


def _state():
    return (
        sorted(
            Dossier.objects.values_list(
                "pk", "status", "updated_at", "draft_step", "applicant_id", "agency_id"
            )
        ),
        DossierEvent.objects.count(),
        sorted(Attachment.objects.values_list("pk", "is_current")),
    )


REFUSED = {401, 403, 404, 405}


def _refused(response) -> bool:
    if response.status_code in REFUSED:
        return True
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_no_outsider_reaches_any_dossier_or_file_url(agency, procedure):
    owner = CitizenFactory()
    draft = make_draft(owner, procedure)
    submitted = make_submitted(owner, procedure)
    other_agency = AgencyFactory()
    outsiders = {
        "anonymous": None,
        "other_citizen": CitizenFactory(),
        "other_agency_reception": make_official(agency=other_agency),
        "other_agency_leader": make_official(agency=other_agency, role=StaffRoleName.LEADER),
    }
    wrong_role = make_official(agency=agency, role=StaffRoleName.SPECIALIST)
    routes = dossier_routes()
    assert len(routes) >= 10, routes  # the matrix sees the dossier URLs of every app
    before = _state()
    tried, leaks = 0, []
    for dossier in (draft, submitted):
        attachment = dossier.attachments.first()
        for route in routes:
            path = _fill(route, dossier, attachment)
            is_api = path.startswith("/api/")
            for who, user in [*outsiders.items(), ("wrong_role", wrong_role)]:
                client = APIClient() if is_api else Client()
                if user is not None:
                    client.force_login(user)
                for method in ("get", "post", "patch", "delete"):
                    if who == "wrong_role" and method == "get":
                        continue  # same-agency officials may read; their role limits writes
                    data = {"note": "thử", "component": 1, "form_data": {}}
                    kwargs = {"format": "json"} if is_api else {}
                    if method == "get":
                        response = getattr(client, method)(path)
                    elif is_api:
                        response = getattr(client, method)(path, data, **kwargs)
                    else:
                        response = getattr(client, method)(path, data)
                    tried += 1
                    if not _refused(response):
                        leaks.append((who, method.upper(), path, response.status_code))
    assert leaks == []
    assert _state() == before
    PROOF_LINES.append(
        f"access matrix: {len(routes)} dossier URLs, {tried} URL × user × method tries"
    )
