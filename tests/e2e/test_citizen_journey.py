"""The citizen's journey: find "Đăng ký khai sinh", file it with real files, see its code.

Counts pages, clicks and requests of the journey (printed for the report) and runs axe-core
on every page visited.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from dossiers.models import Dossier

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 200 + b"\xff\xd9"


def test_citizen_files_birth_registration_online(
    page, demo_data, login, axe_check, tmp_path, record_property
) -> None:
    files = {
        "can-cuoc.jpg": JPEG,
        "to-khai-khai-sinh.pdf": PDF,
        "mau-ho-tich.pdf": PDF,
        "giay-chung-sinh.pdf": PDF,
        "giay-to-them.pdf": PDF,
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    (tmp_path / "hoa-don.pdf").write_bytes(b"<!DOCTYPE html><html><script>x()</script></html>")

    requests: list[tuple[str, str]] = []
    page.on(
        "request",
        lambda r: (
            requests.append((r.resource_type, r.url))
            if r.resource_type in {"document", "xhr", "fetch"}
            else None
        ),
    )
    clicks = 0

    def click(locator):
        nonlocal clicks
        clicks += 1
        locator.click()

    login(page, "congdan@demo.vn")
    clicks += 1  # the login button
    start_requests = len(requests)

    # Find the procedure from the home page search.
    page.goto("/")
    page.get_by_role("searchbox", name="Tìm thủ tục hành chính").fill("đăng ký khai sinh")
    click(page.get_by_role("button", name="Tìm kiếm"))
    axe_check(page)
    click(page.get_by_role("link", name="Thủ tục đăng ký khai sinh", exact=True).first)
    axe_check(page)
    click(page.get_by_role("link", name="Nộp hồ sơ trực tuyến"))

    # Step 1: the commune (agency B) and the only case.
    expect(page.get_by_text("Bước 1/5")).to_be_visible()
    axe_check(page)
    click(page.get_by_label("UBND xã Demo"))
    click(page.get_by_role("button", name="Bắt đầu nộp hồ sơ"))

    # Step 2: prefilled from the account and the population database.
    expect(page.get_by_text("Bước 2/5")).to_be_visible()
    expect(page.get_by_label("Số định danh cá nhân")).to_have_value("001090012345")
    axe_check(page)
    click(page.get_by_role("button", name="Lưu và tiếp tục"))

    # Step 3: the e-form; the applicant's own fields are already there.
    expect(page.get_by_text("Bước 3/5")).to_be_visible()
    expect(page.get_by_label("Họ, chữ đệm và tên người yêu cầu")).to_have_value("Nguyễn Văn An")
    click(page.get_by_role("button", name="Lưu và tiếp tục"))
    expect(page.get_by_role("alert")).to_contain_text("Vui lòng nhập Họ, chữ đệm và tên trẻ")
    axe_check(page)
    page.get_by_label("Họ, chữ đệm và tên trẻ").fill("Nguyễn Minh Khang")
    page.get_by_label("Ngày sinh của trẻ").fill("2026-11-01")
    page.get_by_label("Giới tính").select_option("Nam")
    page.get_by_label("Nơi sinh").fill("Bệnh viện Phụ sản tỉnh Demo")
    page.get_by_label("Quan hệ với trẻ").select_option("Cha")
    click(page.get_by_role("button", name="Lưu và tiếp tục"))

    # Step 4: real uploads through the progress-bar script; a disguised HTML file is refused.
    expect(page.get_by_text("Bước 4/5")).to_be_visible()
    axe_check(page)
    forms = page.locator("form[data-upload]")
    required = page.locator("li.component", has=page.locator(".badge-required"))
    count = required.count()
    assert count >= 1
    first_form = required.nth(0).locator("form[data-upload]")
    first_form.locator("input[type=file]").set_input_files(str(tmp_path / "hoa-don.pdf"))
    click(first_form.locator("button[type=submit]"))
    expect(page.get_by_role("alert")).to_contain_text("Chỉ nhận tệp PDF, JPEG hoặc PNG")
    axe_check(page)
    for index, name in enumerate(list(files)[:count]):
        form = page.locator("li.component", has=page.locator(".badge-required")).nth(index)
        form.locator("input[type=file]").set_input_files(str(tmp_path / name))
        click(form.locator("button[type=submit]"))
        expect(page.get_by_role("link", name=name)).to_be_visible()
    assert forms.count() >= count
    axe_check(page)
    click(page.get_by_role("button", name="Tiếp tục: xem lại hồ sơ"))

    # Step 5: review and submit.
    expect(page.get_by_text("Bước 5/5")).to_be_visible()
    expect(page.get_by_text("Nguyễn Minh Khang")).to_be_visible()
    axe_check(page)
    click(page.get_by_role("button", name="Nộp hồ sơ"))

    dossier = Dossier.objects.get(applicant__email="congdan@demo.vn")
    assert dossier.status == "submitted"
    assert dossier.code and re.fullmatch(r"000\.00\.02\.H99-\d{6}-0001", dossier.code)
    expect(page.get_by_role("status")).to_contain_text(dossier.code)
    axe_check(page)

    click(
        page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
            "link", name="Hồ sơ của tôi"
        )
    )
    expect(page.get_by_role("link", name=dossier.code)).to_be_visible()
    axe_check(page)

    journey = requests[start_requests:]
    documents = [url for kind, url in journey if kind == "document"]
    uploads = [url for kind, url in journey if kind != "document"]
    # Figures for the report (this run includes one e-form error and one refused file);
    # they land in the JUnit XML / `-rA` report as properties of this test.
    record_property("journey_clicks", clicks)
    record_property("journey_requests", len(journey))
    record_property("journey_documents", len(documents))
    record_property("journey_uploads", len(uploads))
    record_property("journey_distinct_pages", len(set(documents)))
    assert dossier.attachments.filter(is_current=True).count() == count
    # Every file went through the progress-bar script: a POST, and the page it redirects to
    # (swapped in place, not loaded again); the refused file answers in one request.
    assert len(uploads) == 2 * count + 1


def test_filing_works_without_javascript(browser, live_url, demo_data, tmp_path, axe_check):
    context = browser.new_context(base_url=live_url, java_script_enabled=False, locale="vi-VN")
    page = context.new_page()
    try:
        page.goto("/ho-so/nop/1.004194/")
        assert "/accounts/login/?next=/ho-so/nop/1.004194/" in page.url
        page.get_by_label("Thư điện tử").fill("congdan@demo.vn")
        page.get_by_label("Mật khẩu").fill("DemoPass#2025")
        page.get_by_role("button", name="Đăng nhập", exact=True).click()
        expect(page.get_by_text("Bước 1/5")).to_be_visible()
        page.get_by_label("Trung tâm Phục vụ hành chính công tỉnh Demo").check()
        # The second case: the first one asks for nothing (once-only documents, issue 12).
        page.locator("input[name=case]").nth(1).check()
        page.get_by_role("button", name="Bắt đầu nộp hồ sơ").click()
        page.get_by_role("button", name="Lưu và tiếp tục").click()
        expect(page.get_by_text("Bước 3/5")).to_be_visible()
        page.goto(page.url.replace("/buoc/3/", "/buoc/4/"))
        (tmp_path / "bad.pdf").write_bytes(b"MZ\x90\x00" + b"\x00" * 100)
        (tmp_path / "ok.pdf").write_bytes(PDF)
        form = page.locator("form[data-upload]").first
        form.locator("input[type=file]").set_input_files(str(tmp_path / "bad.pdf"))
        form.locator("button[type=submit]").click()
        expect(page.get_by_role("alert")).to_contain_text("tệp chương trình")
        form = page.locator("form[data-upload]").first
        form.locator("input[type=file]").set_input_files(str(tmp_path / "ok.pdf"))
        form.locator("button[type=submit]").click()
        expect(page.get_by_role("link", name="ok.pdf")).to_be_visible()
        expect(page.locator(".messages")).to_contain_text("Đã tải lên")
        assert page.url.endswith("/buoc/4/")
    finally:
        context.close()


def test_officer_receives_and_the_public_tracks_it(page, demo_data, login, axe_check):
    dossier = Dossier.objects.get(procedure__code="1.004194", applicant__email="congdan2@demo.vn")
    login(page, "motcua@demo.vn")
    page.goto("/can-bo/")
    axe_check(page)
    page.get_by_role("link", name=dossier.code).click()
    axe_check(page)
    page.get_by_label("Tôi xác nhận thực hiện “Tiếp nhận”").check()
    page.get_by_role("button", name="Tiếp nhận", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Đã thực hiện")
    dossier.refresh_from_db()
    assert dossier.status == "received" and dossier.due_at
    page.get_by_role("button", name="Đăng xuất").click()

    page.goto("/tra-cuu/")
    axe_check(page)
    page.get_by_label("Mã hồ sơ").fill(dossier.code)
    page.get_by_label("4 số cuối số định danh cá nhân của người nộp").fill("1234")
    page.get_by_role("button", name="Tra cứu").click()
    result = page.locator(".tracking-result")
    expect(result).to_contain_text("Đã tiếp nhận")
    for secret in ("Trần Thị Bình", "079185001234", "congdan2@demo.vn", "0987654321"):
        assert secret not in result.inner_text()
    axe_check(page)
    page.get_by_label("4 số cuối số định danh cá nhân của người nộp").fill("9999")
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_role("alert")).to_contain_text("Không tìm thấy hồ sơ")
    axe_check(page)
