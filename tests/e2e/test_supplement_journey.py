"""Browser: the desk asks for one named document; the citizen sees only that document, is told
what is missing, uploads it and sends the supplement. A request in words only opens every
document and the e-form. axe-clean at 1280 and 390 px.
"""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from accounts.constants import StaffRoleName
from accounts.demo import DEMO_PASSWORD
from dossiers.models import Dossier
from dossiers.workflow import services
from tests.dossiers.conftest import PDF, make_submitted
from tests.factories import AgencyFactory, CitizenFactory, make_official
from tests.procedures.factories import ProcedureFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def test_desk_requests_one_document_and_citizen_supplies_it(page, login, axe_check, tmp_path):
    agency = AgencyFactory()
    citizen = CitizenFactory()
    reception = make_official(agency=agency, role=StaffRoleName.RECEPTION)
    for user in (citizen, reception):
        user.set_password(DEMO_PASSWORD)
        user.save()
    procedure = ProcedureFactory(agencies=[agency])
    dossier = make_submitted(citizen, procedure)
    services.dossier_run_action(actor=reception, dossier_id=dossier.pk, action="receive")
    first = dossier.case_components()[0]
    shots = os.environ.get("SCREENSHOTS_DIR")  # set it to look at the pages

    login(page, reception.email)
    page.goto(f"/can-bo/ho-so/{dossier.pk}/")
    form = page.locator("form", has=page.get_by_role("button", name="Yêu cầu bổ sung"))
    form.get_by_label("Lý do (Yêu cầu bổ sung)").fill("Bản tờ khai bị mờ")
    form.get_by_label(first["name"]).check()
    axe_check(page)
    if shots:
        page.screenshot(path=f"{shots}/desk-1280.png", full_page=True)
        page.set_viewport_size({"width": 390, "height": 900})
        page.screenshot(path=f"{shots}/desk-390.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})
    form.get_by_label("Tôi xác nhận thực hiện “Yêu cầu bổ sung”").check()
    form.get_by_role("button", name="Yêu cầu bổ sung").click()
    page.wait_for_load_state()
    assert "Đã thực hiện" in page.content()
    page.context.clear_cookies()

    login(page, citizen.email)
    page.goto(f"/ho-so-cua-toi/{dossier.pk}/bo-sung/")
    assert page.locator(".component").count() == 1
    page.get_by_role("button", name="Gửi hồ sơ bổ sung").click()
    assert "Chưa tải lên bản bổ sung" in page.content()
    pdf = tmp_path / "to-khai.pdf"
    pdf.write_bytes(PDF)
    page.locator("input[type=file]").set_input_files(str(pdf))
    page.locator(".upload-form button[type=submit]").click()
    page.wait_for_load_state()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        axe_check(page)
        if shots:
            page.screenshot(path=f"{shots}/supplement-{width}.png", full_page=True)
    page.get_by_role("button", name="Gửi hồ sơ bổ sung").click()
    page.wait_for_load_state()
    assert Dossier.objects.get(pk=dossier.pk).status == "in_progress"


def test_text_only_request_answered_with_a_file_and_a_corrected_form(
    page, login, axe_check, tmp_path
):
    # docs/api.md §4: a text item opens every document and the e-form. The desk asks at reception
    # for a correction in words only; the citizen replaces a file and corrects the declaration
    # on the supplement page; the desk then receives the dossier.
    agency = AgencyFactory()
    citizen = CitizenFactory()
    reception = make_official(agency=agency, role=StaffRoleName.RECEPTION)
    for user in (citizen, reception):
        user.set_password(DEMO_PASSWORD)
        user.save()
    procedure = ProcedureFactory(agencies=[agency])
    dossier = make_submitted(citizen, procedure)
    optional = next(c for c in dossier.case_components() if not c["required"])

    login(page, reception.email)
    page.goto(f"/can-bo/ho-so/{dossier.pk}/")
    form = page.locator("form", has=page.get_by_role("button", name="Yêu cầu bổ sung"))
    form.get_by_label("Lý do (Yêu cầu bổ sung)").fill("Tờ khai ghi sai họ tên")
    form.get_by_label("Nội dung khác cần bổ sung, sửa đổi (mỗi dòng một mục)").fill(
        "Ghi đúng họ tên như trên căn cước"
    )
    form.get_by_label("Tôi xác nhận thực hiện “Yêu cầu bổ sung”").check()
    form.get_by_role("button", name="Yêu cầu bổ sung").click()
    page.wait_for_load_state()
    assert Dossier.objects.get(pk=dossier.pk).status == "supplement_requested"
    page.context.clear_cookies()

    login(page, citizen.email)
    page.goto(f"/ho-so-cua-toi/{dossier.pk}/bo-sung/")
    assert page.get_by_text("Ghi đúng họ tên như trên căn cước").is_visible()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        axe_check(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.set_viewport_size({"width": 1280, "height": 900})
    # Every document is open; this one was not even named.
    pdf = tmp_path / "giay-to-moi.pdf"
    pdf.write_bytes(PDF)
    page.locator(f"#file-{optional['id']}").set_input_files(str(pdf))
    page.locator(f"#component-{optional['id']} .upload-form button[type=submit]").click()
    expect(page.get_by_role("link", name="giay-to-moi.pdf")).to_be_visible()
    # The e-form comes prefilled with what was filed.
    name = page.get_by_label("Họ và tên", exact=False).first
    assert name.input_value() == "Nguyễn Văn Thử"
    name.fill("Nguyễn Văn Đúng")
    page.locator("#e-form").get_by_role("button", name="Lưu tờ khai").click()
    expect(page.get_by_text("Đã lưu tờ khai đã sửa.")).to_be_visible()
    shots = os.environ.get("SCREENSHOTS_DIR")  # set it to look at the pages
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        axe_check(page)
        if shots:
            page.screenshot(path=f"{shots}/supplement-text-{width}.png", full_page=True)
    page.get_by_role("button", name="Gửi hồ sơ bổ sung").click()
    page.wait_for_load_state()
    supplied = Dossier.objects.get(pk=dossier.pk)
    assert supplied.status == "submitted"
    assert supplied.form_data["ho_ten"] == "Nguyễn Văn Đúng"
    page.context.clear_cookies()

    login(page, reception.email)
    page.goto(f"/can-bo/ho-so/{dossier.pk}/")
    history = page.content()
    assert "“Nguyễn Văn Thử” → “Nguyễn Văn Đúng”" in history
    assert "Đã thay giấy tờ" in history
    page.get_by_label("Tôi xác nhận thực hiện “Tiếp nhận”").check()
    page.get_by_role("button", name="Tiếp nhận", exact=True).click()
    page.wait_for_load_state()
    assert Dossier.objects.get(pk=dossier.pk).status == "received"
