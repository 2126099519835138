"""Browser: once-only in practice (docs/api.md §10). A citizen finds a past result in the personal
data store, reuses it in a new dossier (with JavaScript, and a second document without), files
it; the desk official opens the dossier, sees "lấy từ kho dữ liệu" and follows the original's
verification link. axe-clean at 1280 and 390 px; SCREENSHOTS_DIR saves the pages.
"""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from accounts.constants import StaffRoleName
from accounts.demo import DEMO_PASSWORD
from dossiers.constants import DossierStatus
from dossiers.filing import services
from dossiers.models import Dossier
from dossiers.papers import document_render
from tests.dossiers.conftest import make_draft, make_submitted
from tests.dossiers.factories import dossier_in
from tests.factories import AgencyFactory, CitizenFactory, make_official
from tests.procedures.factories import ProcedureFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def _check(page, axe_check, name: str) -> None:
    shots = os.environ.get("SCREENSHOTS_DIR")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        axe_check(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        if shots:
            page.screenshot(path=f"{shots}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_citizen_reuses_a_past_result_and_the_official_verifies_it(
    browser, live_url, page, login, axe_check
):
    agency = AgencyFactory()
    citizen = CitizenFactory()
    reception = make_official(agency=agency, role=StaffRoleName.RECEPTION)
    for user in (citizen, reception):
        user.set_password(DEMO_PASSWORD)
        user.save()
    procedure = ProcedureFactory(agencies=[agency], name="Cấp giấy xác nhận thử nghiệm")
    past = dossier_in(DossierStatus.RETURNED, agency=agency, citizen=citizen, procedure=procedure)
    result = document_render(dossier_id=past.pk, kind="result")  # the generated result (PDF)
    earlier = make_submitted(citizen, procedure)  # a filed document, too
    draft = make_draft(citizen, procedure, complete=False)
    services.dossier_update_form(
        actor=citizen, dossier_id=draft.pk, form_data={"ho_ten": "Nguyễn Văn Thử"}
    )
    required, optional = draft.case_components()

    # The store: the result and the filed documents, searchable without diacritics.
    login(page, citizen.email)
    page.goto("/tai-khoan/kho-du-lieu/")
    expect(page.get_by_role("heading", name="Kho dữ liệu cá nhân")).to_be_visible()
    expect(page.get_by_text("Kết quả giải quyết", exact=True)).to_be_visible()
    _check(page, axe_check, "store")
    page.get_by_label("Tên giấy tờ, thủ tục hoặc mã hồ sơ").fill("giay xac nhan")
    page.get_by_role("button", name="Tìm").click()
    expect(page.get_by_role("status")).to_contain_text("giấy tờ")
    download = page.get_by_role("link", name="Tải về Giấy xác nhận")
    response = page.request.get(download.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"

    # With JavaScript: from step 4, "Chọn từ kho dữ liệu" for the required document.
    page.goto(f"/ho-so/{draft.pk}/buoc/4/")
    page.locator(f"#component-{required['id']}").get_by_role(
        "link", name="Chọn từ kho dữ liệu"
    ).click()
    expect(page.get_by_role("heading", name="Chọn từ kho dữ liệu")).to_be_visible()
    # What fits first: the file filed earlier for this very component.
    first_card = page.locator(".store-list > li").first
    expect(first_card).to_contain_text("Phù hợp với thành phần này")
    expect(first_card).to_contain_text(earlier.code)
    _check(page, axe_check, "store-choose")
    page.locator(".store-list > li", has_text="Kết quả giải quyết").get_by_role(
        "button", name="Dùng giấy tờ này"
    ).click()
    expect(page.get_by_text("Đã dùng “Giấy xác nhận.pdf” từ kho dữ liệu")).to_be_visible()
    expect(page.locator(f"#component-{required['id']}")).to_contain_text("lấy từ kho dữ liệu")
    _check(page, axe_check, "wizard-reused")

    # Without JavaScript: the same plain link and form for the optional document.
    no_js = browser.new_context(
        base_url=live_url, locale="vi-VN", bypass_csp=True, java_script_enabled=False
    )
    try:
        plain = no_js.new_page()
        login(plain, citizen.email)
        plain.goto(f"/ho-so/{draft.pk}/buoc/4/")
        plain.locator(f"#component-{optional['id']}").get_by_role(
            "link", name="Chọn từ kho dữ liệu"
        ).click()
        plain.locator(".store-list > li").first.get_by_role(
            "button", name="Dùng giấy tờ này"
        ).click()
        expect(plain.locator(f"#component-{optional['id']}")).to_contain_text("lấy từ kho dữ liệu")
    finally:
        no_js.close()

    # File it.
    page.reload()
    page.get_by_role("button", name="Tiếp tục: xem lại hồ sơ").click()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_load_state()
    filed = Dossier.objects.get(pk=draft.pk)
    assert filed.status == DossierStatus.SUBMITTED
    reused = list(filed.attachments.filter(is_current=True, reused=True))
    assert len(reused) == 2 and {a.file.name for a in reused} >= {result.file.name}
    page.context.clear_cookies()

    # The official sees where the document came from, and its verification.
    login(page, reception.email)
    page.goto(f"/can-bo/ho-so/{filed.pk}/")
    files = page.get_by_role("region", name="Giấy tờ đính kèm")
    expect(files.get_by_text("lấy từ kho dữ liệu")).to_have_count(2)
    verify = files.get_by_role("link", name=f"Xác thực kết quả gốc của hồ sơ {past.code}")
    expect(verify).to_be_visible()
    _check(page, axe_check, "official-reused")
    verify.click()
    expect(page.locator("[data-sha256]")).to_have_text(result.sha256)
    _check(page, axe_check, "verify-reused")
