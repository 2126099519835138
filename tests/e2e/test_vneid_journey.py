"""Signing in with VNeID from the login page, through the stand-in identity provider."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from accounts.models import User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _check_both_widths(page, axe_check, name: str) -> None:
    """axe-core at desktop and phone widths; screenshots for a person when asked."""
    for label, size in (("1280", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(size)
        axe_check(page)
        if os.environ.get("VNEID_SCREENSHOTS"):
            page.screenshot(path=f"/tmp/vneid_{name}_{label}.png", full_page=True)
    page.set_viewport_size(DESKTOP)


def test_citizen_signs_in_with_vneid_as_the_demo_citizen(
    page, live_url, demo_data, axe_check, settings
):
    # The stand-in lives at the portal's public address; allauth calls it back over HTTP.
    settings.PUBLIC_BASE_URL = live_url
    page.goto("/accounts/login/")
    _check_both_widths(page, axe_check, "login")
    page.get_by_role("button", name="Đăng nhập bằng VNeID").click()

    expect(
        page.get_by_role("heading", name="Đăng nhập bằng tài khoản định danh điện tử VNeID")
    ).to_be_visible()
    assert "/_vneid/authorize/" in page.url
    _check_both_widths(page, axe_check, "standin")
    page.get_by_label("Nguyễn Văn An — 001090012345 (mức 2)").check()
    page.get_by_role("button", name="Đồng ý đăng nhập").click()

    page.wait_for_load_state()
    assert "/accounts/" not in page.url and "/_vneid/" not in page.url
    expect(page.get_by_role("link", name="Tài khoản: Nguyễn Văn An")).to_be_visible()
    _check_both_widths(page, axe_check, "landed")
    an = User.objects.get(email="congdan@demo.vn")
    assert an.socialaccount_set.get().provider == "vneid"
    assert an.identity_verified


def test_a_refused_token_ends_on_a_readable_page(
    page, live_url, demo_data, axe_check, settings, monkeypatch
):
    settings.PUBLIC_BASE_URL = live_url
    from vneid_standin import keys

    original = keys.id_token_claims
    monkeypatch.setattr(
        keys, "id_token_claims", lambda grant, identity: {**original(grant, identity), "aud": "x"}
    )
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Đăng nhập bằng VNeID").click()
    page.get_by_role("button", name="Đồng ý đăng nhập").click()

    expect(page.get_by_role("heading", name="Không đăng nhập được bằng VNeID")).to_be_visible()
    expect(page.get_by_text("không được cấp cho Cổng dịch vụ công này")).to_be_visible()
    _check_both_widths(page, axe_check, "refused")


def test_the_sign_in_passes_the_portals_csp(browser, live_url, demo_data, settings):
    # Without bypass_csp, and with the provider on another origin (127.0.0.1 vs localhost):
    # form-action must let the button's redirect reach the provider and the provider's page
    # send the browser back to the callback.
    assert "localhost" in live_url
    settings.PUBLIC_BASE_URL = live_url.replace("localhost", "127.0.0.1")
    # The payment sandbox would add the same origin (PUBLIC_BASE_URL): take it out of play.
    settings.PAYMENT_SANDBOX_ALLOWED = False
    context = browser.new_context(base_url=live_url, locale="vi-VN")
    blocked: list[str] = []
    page = context.new_page()
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    try:
        page.goto("/accounts/login/")
        page.get_by_role("button", name="Đăng nhập bằng VNeID").click()
        assert page.url.startswith(settings.PUBLIC_BASE_URL + "/_vneid/authorize/")
        page.get_by_role("button", name="Đồng ý đăng nhập").click()
        expect(page.get_by_role("link", name="Tài khoản: Nguyễn Văn An")).to_be_visible()
        assert page.url.startswith(live_url)
    finally:
        context.close()
    assert not blocked
