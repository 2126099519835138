"""Issue 23 (points 1): a new user on a 390 px phone. Every link sits behind a "Menu" button
that works without JavaScript, the unread count shows while it is closed, the portal's name is
not cut, and the long pages (payment history, the QR verification page, the officials' dossier
page) fit the screen without sideways scrolling. axe-clean at 1280 and 390 px."""

from __future__ import annotations

import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from dossiers.models import DossierDocument
from notifications.selectors import notification_unread_count
from payments.constants import GatewayName, PaymentMethod, PaymentStatus
from payments.models import Payment
from tests.dossiers.papers import run, settle_and_return, to_appraised
from tests.e2e.test_papers import _file_marital_status_confirmation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SCREENSHOTS = os.environ.get("PHONE_SCREENSHOTS")  # a folder: save each page at 390 px
MENU_LINKS = ("Thủ tục hành chính", "Tra cứu hồ sơ", "Hồ sơ của tôi", "Thông báo")


def _fits(page, name: str) -> None:
    """Assert the page is axe-clean at both widths and needs no sideways scrolling at 390 px."""
    page.set_viewport_size(DESKTOP)
    page.axe_check(page)
    page.set_viewport_size(PHONE)
    page.axe_check(page)
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}-390.png", full_page=True)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways at 390 px: {widths}"
    page.set_viewport_size(DESKTOP)


def _menu(page):
    return page.locator("[data-nav-toggle] > summary")


def test_phone_menu_and_long_pages_fit_390(browser, live_url, page, demo_data, login, axe_check):
    page.axe_check = axe_check
    dossier = _file_marital_status_confirmation()
    citizen = User.objects.get(email="congdan@demo.vn")
    reception = User.objects.get(email="motcua@demo.vn")
    run(dossier, reception, "receive")
    to_appraised(
        dossier, reception=reception, specialist=User.objects.get(email="chuyenvien@demo.vn")
    )
    run(dossier, User.objects.get(email="lanhdao@demo.vn"), "approve")
    clerk = User.objects.get(email="vanthu@demo.vn")
    run(dossier, clerk, "issue_result")
    dossier.refresh_from_db()
    # A transfer paid at the desk, with a long reference: the widest row of the history.
    Payment.objects.create(
        dossier=dossier,
        payer=citizen,
        amount=dossier.fee_amount or 10_000,
        gateway=GatewayName.DESK,
        txn_ref="DESK-20261206-000000000001",
        status=PaymentStatus.PAID,
        paid_at=timezone.now(),
        receipt_no="1C26TDV 0000001",
        method=PaymentMethod.TRANSFER,
        reference="FT26340123456789012345",
    )
    settle_and_return(dossier, clerk)
    unread = notification_unread_count(user_id=citizen.pk)
    assert unread, "the journey leaves the citizen unread notifications"

    login(page, "congdan@demo.vn")
    # Wide screens: the bar as before, no menu button.
    expect(_menu(page)).to_be_hidden()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()

    page.set_viewport_size(PHONE)
    menu = _menu(page)
    expect(menu).to_be_visible()
    expect(menu).to_contain_text("Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    # The unread count shows on the closed menu button.
    expect(menu.locator(".nav-toggle-count")).to_contain_text(str(unread))
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    expect(nav.get_by_role("link", name="Hồ sơ của tôi")).to_be_hidden()
    # The portal's name is whole: not clipped by an ellipsis.
    brand = page.locator(".brand span")
    assert brand.evaluate("e => e.scrollWidth <= e.clientWidth")
    expect(brand).to_have_text("Cổng Dịch vụ công trực tuyến tỉnh Demo")
    # Keyboard: focus the button, Enter opens, every link shows; Escape closes.
    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    for name in MENU_LINKS:
        expect(nav.get_by_role("link", name=name)).to_be_visible()
    expect(nav.get_by_role("link", name="Tài khoản: Nguyễn Văn An")).to_be_visible()
    expect(nav.get_by_role("button", name="Đăng xuất")).to_be_visible()
    axe_check(page)
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/menu-open-390.png")
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    page.set_viewport_size(DESKTOP)

    # The payment history with its receipt link.
    page.goto(f"/ho-so-cua-toi/{dossier.pk}/")
    receipt = page.get_by_role("link", name="Tải biên lai", exact=False)
    expect(receipt.first).to_be_visible()
    _fits(page, "citizen-detail")
    page.set_viewport_size(PHONE)
    # The receipt link is on screen, not behind a sideways-scrolling table.
    assert receipt.first.evaluate("a => a.getBoundingClientRect().right <= window.innerWidth")
    page.set_viewport_size(DESKTOP)

    # The QR code's verification page: the SHA-256 wraps. (The result is stored when first read.)
    result = page.get_by_role("link", name="Kết quả giải quyết thủ tục hành chính")
    assert page.request.get(result.get_attribute("href")).status == 200
    stored = DossierDocument.objects.get(dossier=dossier, kind="result")
    page.goto(f"/xac-thuc/{stored.token}/")
    expect(page.locator("[data-sha256]")).to_have_text(stored.sha256)
    _fits(page, "verify")

    # The officials' long dossier page.
    official = browser.new_context(base_url=live_url, locale="vi-VN", bypass_csp=True)
    desk = official.new_page()
    desk.axe_check = axe_check
    try:
        login(desk, "motcua@demo.vn")
        desk.goto(f"/can-bo/ho-so/{dossier.pk}/")
        _fits(desk, "official-detail")
        fresh = _file_marital_status_confirmation()
        desk.goto(f"/can-bo/ho-so/{fresh.pk}/")
        _fits(desk, "official-detail-submitted")
    finally:
        official.close()


def test_phone_menu_without_javascript(browser, live_url, demo_data, login):
    context = browser.new_context(
        base_url=live_url, locale="vi-VN", java_script_enabled=False, viewport=PHONE
    )
    page = context.new_page()
    try:
        login(page, "congdan@demo.vn")
        nav = page.get_by_role("navigation", name="Điều hướng chính")
        expect(nav.get_by_role("link", name="Thủ tục hành chính")).to_be_hidden()
        page.locator("[data-nav-toggle] > summary").click()
        for name in MENU_LINKS:
            expect(nav.get_by_role("link", name=name)).to_be_visible()
        nav.get_by_role("link", name="Hồ sơ của tôi").click()
        expect(page).to_have_url(f"{live_url}/ho-so-cua-toi/")
        page.locator("[data-nav-toggle] > summary").click()
        nav.get_by_role("button", name="Đăng xuất").click()
        expect(page.get_by_text("Đã đăng xuất.")).to_be_visible()
    finally:
        context.close()
