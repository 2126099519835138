"""A paper is a plug-in (issue 19.2): one builder registered by @paper in its own module is
listed, rendered, stored, served and verified through the normal path."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.constants import StaffRoleName
from dossiers.constants import DossierStatus
from dossiers.models import DossierDocument
from dossiers.papers import PAPERS, document_links, unregister_paper
from dossiers.papers.documents import document_kinds
from dossiers.papers.tasks import documents_render
from tests.dossiers import fake_paper
from tests.dossiers.factories import dossier_in
from tests.dossiers.papers import pdf_text
from tests.factories import AgencyFactory, make_official

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide(settings, tmp_path):
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}]
    fake_paper.install(tmp_path)
    yield PAPERS[fake_paper.KIND]
    unregister_paper(fake_paper.KIND)


@pytest.fixture
def received():
    agency = AgencyFactory()
    desk = make_official(agency=agency, role=StaffRoleName.RECEPTION)
    dossier = dossier_in(DossierStatus.RECEIVED, agency=agency, officials={"reception": desk})
    return dossier, desk


def test_the_decorator_registers_the_paper(guide):
    assert guide.label == fake_paper.LABEL and guide.template == fake_paper.TEMPLATE
    assert guide.build is fake_paper.guide_data
    assert list(PAPERS)[-1] == fake_paper.KIND  # listed after the built-in papers


def test_a_received_dossier_has_it_and_the_desk_gets_it_as_pdf(guide, received, client):
    dossier, desk = received
    assert document_kinds(dossier)[-1] == fake_paper.KIND
    assert (fake_paper.KIND, fake_paper.LABEL) in document_links(dossier, for_citizen=True)

    client.force_login(desk)
    page = client.get(f"/can-bo/ho-so/{dossier.pk}/").content.decode()
    url = f"/can-bo/ho-so/{dossier.pk}/giay-to/{fake_paper.KIND}/"
    assert url in page and fake_paper.LABEL in page

    r = client.get(url)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(b"".join(r.streaming_content)).split())
    assert "phiếu hướng dẫn nhận kết quả" in text.lower()  # its template (the title in capitals)
    assert dossier.code in text and desk.get_full_name() in text  # the builder's data
    stored = DossierDocument.objects.get(dossier=dossier, kind=fake_paper.KIND)

    # The same data is not rendered again; the verification page names the paper.
    assert client.get(url).status_code == 200
    assert DossierDocument.objects.filter(dossier=dossier, kind=fake_paper.KIND).count() == 1
    verify = client.get(f"/xac-thuc/{stored.token}/").content.decode()
    assert fake_paper.LABEL in verify


def test_the_api_and_the_worker_render_it(guide, received):
    dossier, _desk = received
    api = APIClient()
    api.force_authenticate(dossier.applicant)
    r = api.get(f"/api/v1/dossiers/{dossier.pk}/documents/{fake_paper.KIND}/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    # The `pdf` worker's task renders every paper the dossier has, the fake one included.
    documents_render.apply(args=[str(dossier.pk)]).get()
    kinds = set(DossierDocument.objects.filter(dossier=dossier).values_list("kind", flat=True))
    assert {fake_paper.KIND, "receipt", "control-slip"} <= kinds


def test_a_dossier_not_received_has_no_such_paper(guide):
    submitted = dossier_in(DossierStatus.SUBMITTED)
    assert fake_paper.KIND not in document_kinds(submitted)
    api = APIClient()
    api.force_authenticate(submitted.applicant)
    r = api.get(f"/api/v1/dossiers/{submitted.pk}/documents/{fake_paper.KIND}/")
    assert r.status_code == 404 and r.json()["code"] == "not_found"


def test_an_unregistered_paper_is_gone(received):
    dossier, _desk = received
    assert fake_paper.KIND not in PAPERS
    assert fake_paper.KIND not in document_kinds(dossier)
    api = APIClient()
    api.force_authenticate(dossier.applicant)
    r = api.get(f"/api/v1/dossiers/{dossier.pk}/documents/{fake_paper.KIND}/")
    assert r.status_code == 404
