"""Service quality in the browser: /thong-ke/ and the officials' /can-bo/chi-so/ axe-clean at
1280 and 390 px without sideways scrolling, and the drill-down from a figure to the late
dossier and on to its page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from dossiers.models import Dossier
from reports.models import Rating
from reports.statistics import statistics_rebuild
from tests.dossiers.papers import run, to_appraised
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_papers import _file_marital_status_confirmation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _issued() -> Dossier:
    reception = User.objects.get(email="motcua@demo.vn")
    dossier = _file_marital_status_confirmation()
    run(dossier, reception, "receive")
    to_appraised(
        dossier, reception=reception, specialist=User.objects.get(email="chuyenvien@demo.vn")
    )
    run(dossier, User.objects.get(email="lanhdao@demo.vn"), "approve")
    return run(dossier, User.objects.get(email="vanthu@demo.vn"), "issue_result")


def _fits(page, axe_check, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for size, label in ((DESKTOP, "1280"), (PHONE, "390")):
        page.set_viewport_size(size)
        axe_check(page)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{label}.png"), full_page=True)
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"{page.url} scrolls sideways at {label} px: {widths}"
    page.set_viewport_size(DESKTOP)


def test_statistics_page_and_dashboard_drill_down(page, demo_data, login, axe_check):
    on_time = _issued()
    late = _issued()
    Dossier.objects.filter(pk=late.pk).update(on_time=False)
    Rating.objects.create(
        dossier=on_time, agency=on_time.agency, procedure=on_time.procedure, score=5
    )
    statistics_rebuild()  # the late mark was set by hand, not by an action: recount

    page.goto("/thong-ke/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thống kê chất lượng phục vụ")
    expect(page.locator("svg[role=img]")).to_have_count(3)
    expect(page.get_by_role("table", name="Tỷ lệ theo cơ quan")).to_contain_text(
        on_time.agency.name
    )
    _fits(page, axe_check, "thong-ke")

    login(page, "lanhdao@demo.vn")
    page.goto("/can-bo/chi-so/")
    expect(page.get_by_role("heading", level=2, name=on_time.agency.name)).to_be_visible()
    on_time_row = page.get_by_role("row", name="2.1")
    expect(on_time_row).to_contain_text("50,0 %")  # one of two finished on time
    _fits(page, axe_check, "chi-so")
    on_time_row.get_by_role("link", name="xem hồ sơ trễ hạn").click()
    rows = page.locator(".dossier-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(late.code)
    _fits(page, axe_check, "chi-so-tre-han")
    page.get_by_role("link", name=late.code).click()
    expect(page).to_have_url(re.compile(f"/can-bo/ho-so/{late.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(late.code)
