"""Finding a procedure: search from the home page, read its documents and fees."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_citizen_finds_birth_registration_without_diacritics(page, demo_data, axe_check):
    page.goto("/")
    axe_check(page)
    search = page.get_by_role("searchbox", name="Tìm thủ tục hành chính")
    search.fill("dang ky khai sinh")
    search.press("Enter")

    expect(page).to_have_url(re.compile(r"/thu-tuc/\?q=dang\+ky\+khai\+sinh"))
    results = page.locator("#results")
    expect(results.get_by_text(re.compile(r"Tìm thấy \d+ thủ tục"))).to_be_visible()
    first = results.get_by_role("listitem").first
    expect(first.get_by_role("heading")).to_have_text("Thủ tục đăng ký khai sinh")
    axe_check(page)

    first.get_by_role("link", name="Thủ tục đăng ký khai sinh").click()
    expect(page).to_have_url(re.compile(r"/thu-tuc/1\.001193/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Thủ tục đăng ký khai sinh")
    documents = page.get_by_role("region", name="Thành phần hồ sơ")
    expect(documents.get_by_role("table")).to_be_visible()
    expect(documents.get_by_role("row")).not_to_have_count(0)
    expect(documents.get_by_text("Tờ khai đăng ký khai sinh", exact=False).first).to_be_visible()
    fees = page.get_by_role("region", name="Phí, lệ phí")
    expect(fees.get_by_role("cell", name="Miễn phí").first).to_be_visible()
    expect(page.get_by_role("link", name="Nộp hồ sơ trực tuyến")).to_have_attribute(
        "href", "/ho-so/nop/1.001193/"
    )
    axe_check(page)


def test_search_as_you_type_and_filters_without_javascript(
    page, browser, live_url, demo_data, axe_check
):
    page.goto("/thu-tuc/")
    page.get_by_role("searchbox", name="Từ khóa").press_sequentially("tam tru", delay=30)
    first = page.locator("#results").get_by_role("listitem").first
    expect(first.get_by_role("heading")).to_have_text("Đăng ký tạm trú")
    expect(page).to_have_url(re.compile(r"q=tam(\+|%20)tru"))
    axe_check(page)

    context = browser.new_context(base_url=live_url, java_script_enabled=False, locale="vi-VN")
    try:
        plain = context.new_page()
        plain.goto("/thu-tuc/")
        plain.get_by_role("searchbox", name="Từ khóa").fill("giay phep lai xe")
        plain.get_by_label("Mức độ trực tuyến").select_option("full")
        plain.get_by_role("button", name="Áp dụng bộ lọc").click()
        results = plain.locator("#results")
        expect(results.get_by_role("listitem").first.get_by_role("heading")).to_have_text(
            "Cấp lại giấy phép lái xe"
        )
        expect(results.get_by_text("Tìm thấy 2 thủ tục")).to_be_visible()
        plain.get_by_role("searchbox", name="Từ khóa").fill("xyzw qqq")
        plain.get_by_role("button", name="Tìm kiếm").click()
        expect(plain.get_by_text("Không tìm thấy thủ tục nào")).to_be_visible()
    finally:
        context.close()
