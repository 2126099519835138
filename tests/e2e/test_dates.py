"""Issue 23.4 in Chromium with an English (en-US) browser: the date boxes still show and take
dd/mm/yyyy (a native `type=date` would show 12/01/2026 for 1 December)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from dvctt import workdays
from tests.e2e.test_experience import _start_stay

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def english_page(browser, live_url):
    # The browser speaks English (its date pickers would be month first); the portal is
    # still asked for in Vietnamese, as a Vietnamese reader on an English computer would.
    context = browser.new_context(
        base_url=live_url,
        locale="en-US",
        bypass_csp=True,
        extra_http_headers={"Accept-Language": "vi-VN,vi;q=0.9"},
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_dates_are_day_first_in_an_english_browser(english_page, demo_data, login, axe_check):
    page = english_page
    assert page.evaluate("() => navigator.language") == "en-US"
    login(page, "motcua@demo.vn")
    page.goto("/can-bo/")
    # The workspace filters: typed day first, kept day first.
    since = page.get_by_label("Nộp từ ngày")
    expect(since).to_have_attribute("type", "text")
    expect(since).to_have_attribute("placeholder", "dd/mm/yyyy")
    since.fill("01/12/2026")
    page.get_by_role("button", name="Tìm", exact=True).click()
    expect(page.get_by_label("Nộp từ ngày")).to_have_value("01/12/2026")
    assert "date_from=01%2F12%2F2026" in page.url

    # The register (Mẫu 06): the default period shown day first, downloaded for a typed one.
    page.get_by_text("Sổ theo dõi hồ sơ (Mẫu 06)").click()
    start = page.get_by_label("Từ ngày", exact=True)
    today = dt.datetime.now(workdays.VN_TZ).date()
    expect(start).to_have_value(today.replace(day=1).strftime("%d/%m/%Y"))
    expect(page.get_by_label("Đến ngày", exact=True)).to_have_value(today.strftime("%d/%m/%Y"))
    axe_check(page)
    start.fill("01/12/2025")
    page.get_by_label("Đến ngày", exact=True).fill("31/12/2025")
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải sổ theo dõi").click()
    assert download.value.suggested_filename == "so-theo-doi-20251201-20251231.xlsx"

    # A citizen's e-form: its dates are day-first boxes too, and read back day first.
    page.goto("/tai-khoan/")
    page.get_by_role("button", name="Đăng xuất").click()
    login(page, "congdan@demo.vn")
    _start_stay(page)
    since = page.get_by_label("Tạm trú từ ngày")
    expect(since).to_have_attribute("placeholder", "dd/mm/yyyy")
    expect(since).to_have_attribute("inputmode", "numeric")
    since.fill("01/12/2026")
    page.get_by_role("button", name="Lưu và tiếp tục").first.click()
    expect(page.get_by_label("Tạm trú từ ngày")).to_have_value("01/12/2026")
    axe_check(page)
