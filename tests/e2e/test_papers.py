"""Papers in the browser: the desk receives and prints the control slip, the citizen downloads
the receipt and, once returned, the result; the QR code's verification page. axe on each page.
"""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from accounts.demo import AGENCY_A, DEMO_PASSWORD
from accounts.models import User
from dossiers.demo import _sample
from dossiers.filing import services
from dossiers.models import Dossier, DossierDocument
from tests.dossiers.conftest import PDF
from tests.dossiers.papers import pdf_text, run, settle_and_return, to_appraised

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = os.environ.get("PAPER_SCREENSHOTS")  # a folder: save pages at 1280 and 390 px


def _shoot(page, name: str) -> None:
    if not SCREENSHOTS:
        return
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{SCREENSHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def _file_marital_status_confirmation() -> Dossier:
    """File "Cấp Giấy xác nhận tình trạng hôn nhân" (a generated result) as the demo citizen."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    citizen = User.objects.get(email="congdan@demo.vn")
    dossier = services.dossier_create_draft(
        actor=citizen, procedure_code="1.004873", agency_code=AGENCY_A
    )
    schema = dossier.snapshot["form_schema"]
    form = dict(dossier.form_data)
    for name in schema.get("required", []):
        form.setdefault(name, _sample(schema["properties"][name]))
    services.dossier_update_form(actor=citizen, dossier_id=dossier.pk, form_data=form)
    for component in dossier.case_components():
        if component["required"]:
            services.attachment_add(
                actor=citizen,
                dossier_id=dossier.pk,
                component_id=component["id"],
                upload=SimpleUploadedFile("giay-to.pdf", PDF),
            )
    return services.dossier_submit(actor=citizen, dossier_id=dossier.pk)


def _fetch_pdf(page, href: str) -> bytes:
    # The link opens the PDF; fetching it through the page's own session is what the browser's
    # download does, and lets the test read the file.
    response = page.request.get(href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    return response.body()


def test_desk_prints_control_slip_citizen_downloads_receipt_and_result(
    browser, live_url, page, demo_data, login, axe_check
):
    dossier = _file_marital_status_confirmation()

    # The one-stop desk receives the dossier and prints its control slip.
    login(page, "motcua@demo.vn")
    page.goto(f"/can-bo/ho-so/{dossier.pk}/")
    form = page.locator("form.action-form").filter(
        has=page.get_by_role("button", name="Tiếp nhận", exact=True)
    )
    form.get_by_label("Tôi xác nhận thực hiện “Tiếp nhận”").check()
    form.get_by_role("button", name="Tiếp nhận", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Đã thực hiện: Tiếp nhận")
    papers = page.get_by_role("region", name="Giấy tờ của hồ sơ")
    slip = papers.get_by_role("link", name="Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 05)")
    expect(slip).to_be_visible()
    axe_check(page)
    _shoot(page, "official-detail")
    text = pdf_text(_fetch_pdf(page, slip.get_attribute("href")))
    assert dossier.code in text and "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    # The dossier page itself prints without the site's navigation and forms.
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Điều hướng chính")).to_be_hidden()
    printed = pdf_text(page.pdf(format="A4"))
    assert dossier.code in printed and "Đăng xuất" not in printed
    page.emulate_media(media="screen")
    page.goto("/can-bo/")
    page.get_by_text("Sổ theo dõi hồ sơ (Mẫu 06)").click()
    expect(page.get_by_label("Từ ngày", exact=True)).to_be_visible()
    axe_check(page)
    _shoot(page, "official-home")

    # The citizen downloads the receipt (Mẫu 01).
    citizen = browser.new_context(base_url=live_url, locale="vi-VN", bypass_csp=True)
    citizen_page = citizen.new_page()
    try:
        login(citizen_page, "congdan@demo.vn", DEMO_PASSWORD)
        citizen_page.goto(f"/ho-so-cua-toi/{dossier.pk}/")
        receipt = citizen_page.get_by_role(
            "link", name="Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)"
        )
        expect(receipt).to_be_visible()
        expect(
            citizen_page.get_by_role("link", name="Kết quả giải quyết", exact=False)
        ).to_have_count(0)
        axe_check(citizen_page)
        text = pdf_text(_fetch_pdf(citizen_page, receipt.get_attribute("href")))
        assert dossier.code in text and "Nguyễn Văn An" in text and "Thời gian trả kết quả" in text

        # Processing, approval, the generated result and its return.
        leader = User.objects.get(email="lanhdao@demo.vn")
        clerk = User.objects.get(email="vanthu@demo.vn")
        specialist = User.objects.get(email="chuyenvien@demo.vn")
        reception = User.objects.get(email="motcua@demo.vn")
        to_appraised(dossier, reception=reception, specialist=specialist)
        run(dossier, leader, "approve")
        run(dossier, clerk, "issue_result")
        settle_and_return(dossier, clerk)

        citizen_page.reload()
        result = citizen_page.get_by_role("link", name="Kết quả giải quyết thủ tục hành chính")
        expect(result).to_be_visible()
        axe_check(citizen_page)
        _shoot(citizen_page, "citizen-detail")
        content = _fetch_pdf(citizen_page, result.get_attribute("href"))
        text = pdf_text(content)
        assert "GIẤY XÁC NHẬN" in text and dossier.code in text and "Nguyễn Văn An" in text

        # The QR code's page: anyone can check the paper, no login needed.
        stored = DossierDocument.objects.get(dossier=dossier, kind="result")
        anonymous = browser.new_context(
            base_url=live_url, locale="vi-VN", bypass_csp=True
        ).new_page()
        anonymous.goto(f"/xac-thuc/{stored.token}/")
        expect(anonymous.locator("[data-sha256]")).to_have_text(stored.sha256)
        axe_check(anonymous)
        _shoot(anonymous, "verify")
        # Checking the downloaded file: the digest and the agency's signature, no script needed.
        anonymous.get_by_label("Chọn tệp PDF cần đối chiếu").set_input_files(
            files=[{"name": "ket-qua.pdf", "mimeType": "application/pdf", "buffer": content}]
        )
        anonymous.get_by_role("button", name="Đối chiếu", exact=True).click()
        expect(anonymous.locator("[data-verify-state]")).to_have_attribute(
            "data-verify-state", "match"
        )
        expect(anonymous.get_by_text("Hợp lệ, nội dung nguyên vẹn")).to_be_visible()
        axe_check(anonymous)
        _shoot(anonymous, "verify-checked")
        # The code printed under the QR, typed at /xac-thuc/, opens the same page.
        anonymous.goto("/xac-thuc/")
        axe_check(anonymous)
        _shoot(anonymous, "verify-lookup")
        anonymous.get_by_label("Mã xác thực hoặc địa chỉ kiểm tra").fill(stored.token)
        anonymous.get_by_role("button", name="Xác thực", exact=True).click()
        expect(anonymous.locator("[data-sha256]")).to_have_text(stored.sha256)
        anonymous.context.close()
    finally:
        citizen.close()
