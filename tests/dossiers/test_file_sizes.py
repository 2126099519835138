"""Attachment sizes are shown by Django's own filesizeformat, in the reader's language."""

from __future__ import annotations

import pytest
from django.template.defaultfilters import filesizeformat

from tests.dossiers.conftest import make_submitted

pytestmark = pytest.mark.django_db


def test_citizen_and_official_pages_show_the_size_of_each_file(
    client, citizen, procedure, reception
):
    dossier = make_submitted(citizen, procedure)
    attachment = dossier.attachments.get()
    shown = filesizeformat(attachment.size)
    client.force_login(citizen)
    assert f"({shown})" in client.get(f"/ho-so-cua-toi/{dossier.pk}/").content.decode()
    client.force_login(reception)
    html = client.get(f"/can-bo/ho-so/{dossier.pk}/").content.decode()
    assert f"({shown}, SHA-256" in html
