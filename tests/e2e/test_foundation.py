"""The first journey: open the portal, log in as the demo citizen, stay accessible."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_home_and_login_as_demo_citizen_are_accessible(page, demo_data, login, axe_check):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("navigation", name="Điều hướng chính").is_visible()
    axe_check(page)

    # The skip link is the first thing a keyboard user reaches and it moves focus to <main>.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Bỏ qua, đến nội dung chính")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"

    page.get_by_role("link", name="Đăng nhập", exact=True).click()
    axe_check(page)
    login(page, "congdan@demo.vn")
    assert page.get_by_text("Nguyễn Văn An").first.is_visible()
    axe_check(page)


def test_wrong_password_shows_a_vietnamese_error(page, demo_data, axe_check):
    page.goto("/accounts/login/")
    page.get_by_label("Thư điện tử").fill("congdan@demo.vn")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    assert page.get_by_role("alert").inner_text().strip() != ""
    assert "không chính xác" in page.get_by_role("alert").inner_text()
    axe_check(page)


def test_text_size_and_contrast_switches_persist_without_javascript(browser, live_url, demo_data):
    context = browser.new_context(base_url=live_url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/")
    page.get_by_role("button", name="A+", exact=True).click()
    page.get_by_role("button", name="Tương phản cao").click()
    page.goto("/accounts/login/")
    classes = page.locator("html").get_attribute("class")
    assert "text-large" in classes and "contrast-high" in classes
    assert page.get_by_role("button", name="Tương phản cao").get_attribute("aria-pressed") == "true"
    context.close()
