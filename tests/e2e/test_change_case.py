"""Browser: a citizen on the attachments step goes back to the case choice, picks the other
case, sees which files would be deleted and confirms; the shared document's file stays.
axe-clean at 1280 and 390 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD
from dossiers.filing import services
from dossiers.models import Dossier
from procedures.models import Component
from procedures.services import procedure_publish
from tests.dossiers.conftest import upload
from tests.factories import AgencyFactory, CitizenFactory
from tests.procedures.factories import ProcedureFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def _both_widths(page, axe_check) -> None:
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        axe_check(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.set_viewport_size({"width": 1280, "height": 900})


def test_citizen_changes_the_case_of_a_draft(page, login, axe_check):
    agency = AgencyFactory()
    citizen = CitizenFactory()
    citizen.set_password(DEMO_PASSWORD)
    citizen.save()
    procedure = ProcedureFactory(multi_case=True, agencies=[agency], publish=False)
    for case in procedure.cases.all():
        Component.objects.create(
            procedure=procedure, case=case, name="Căn cước công dân", position=5
        )
    procedure_publish(procedure=procedure)
    first, second = procedure.cases.order_by("position")
    dossier = services.dossier_create_draft(
        actor=citizen, procedure_code=procedure.code, case_id=first.pk
    )
    for component in dossier.case_components():
        services.attachment_add(
            actor=citizen,
            dossier_id=dossier.pk,
            component_id=component["id"],
            upload=upload(f"tep-{component['id']}.pdf"),
        )

    login(page, citizen.email)
    page.goto(f"/ho-so/{dossier.pk}/buoc/4/")
    page.get_by_role("link", name="Đổi trường hợp").click()
    expect(page.get_by_role("heading", name="Đổi trường hợp")).to_be_visible()
    expect(page.get_by_label("Trường hợp 1")).to_be_checked()
    _both_widths(page, axe_check)
    page.get_by_label("Trường hợp 2").check()
    page.get_by_role("button", name="Chọn trường hợp này").click()
    expect(page.get_by_role("heading", name="Đổi trường hợp và xoá tệp?")).to_be_visible()
    _both_widths(page, axe_check)
    assert Dossier.objects.get(pk=dossier.pk).case_id == first.pk  # nothing written yet
    page.get_by_role("button", name="Đổi trường hợp và xoá các tệp này").click()
    expect(page.get_by_text("Đã đổi sang trường hợp “Trường hợp 2”.")).to_be_visible()
    changed = Dossier.objects.get(pk=dossier.pk)
    assert changed.case_id == second.pk
    assert list(changed.attachments.values_list("component_name", flat=True)) == [
        "Căn cước công dân"
    ]
