"""Liên thông in the browser: the lead agency waits while the commune holds its step, the
commune hands it back, and the forward form's receivers follow the chosen step.
axe-core at 1280 px and 390 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dossiers.models import Dossier

from .test_desk_journey import _both_widths, _run

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_lead_agency_waits_while_the_commune_holds_its_step(page, demo_data, login, axe_check):
    # The demo's inter-agency dossier (Đăng ký khai sinh) is at UBND xã Demo's step.
    dossier = Dossier.objects.get(procedure__code="1.001193")
    assert dossier.current_step == 3 and dossier.handling_agency.code == "000.00.02.H99"
    code = dossier.code

    # Agency A's leader finds it among A's dossiers, sees it waiting, and has nothing to do.
    login(page, "lanhdao@demo.vn")
    page.goto("/can-bo/?queue=all")
    page.get_by_role("link", name=code).click()
    expect(page.get_by_role("heading", name=f"Hồ sơ {code}")).to_be_visible()
    expect(page.get_by_role("heading", name="Đang chờ cơ quan phối hợp")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="UBND xã Demo")).to_be_visible()
    expect(page.locator("form.action-form")).to_have_count(0)
    expect(page.get_by_role("heading", name="Thao tác")).to_have_count(0)
    _both_widths(page, axe_check, "liên-thông-waiting")

    # The commune's specialist acts on its step: here, hands it back to A's specialist.
    page.context.clear_cookies()
    login(page, "chuyenvien2@demo.vn")
    page.goto("/can-bo/?queue=incoming")
    page.get_by_role("link", name=code).click()
    expect(page.get_by_role("heading", name="Đang chờ cơ quan phối hợp")).to_have_count(0)
    page.get_by_label("Lý do (Trả lại bước trước)").fill("Cần bổ sung ý kiến thẩm định")
    _run(page, "Trả lại bước trước")

    # Back at A's specialist: the receivers shown are those of the step chosen above them.
    page.context.clear_cookies()
    login(page, "chuyenvien@demo.vn")
    page.goto(f"/can-bo/ho-so/{dossier.pk}/")
    forward = page.locator("form.action-form").filter(has_text="Chuyển xử lý")
    steps = forward.get_by_label("Chuyển đến bước")
    receivers = forward.get_by_label("Cán bộ nhận (không bắt buộc)")

    def hidden(step: str) -> bool:
        return receivers.locator(f'optgroup[data-step="{step}"]').evaluate("g => g.hidden")

    steps.select_option("3")
    assert (hidden("3"), hidden("4")) == (False, True)
    receivers.select_option(label="Bùi Thị Lan")
    steps.select_option("4")
    assert (hidden("3"), hidden("4")) == (True, False)
    # The receiver chosen for the other step is cleared rather than sent with the wrong step.
    assert receivers.input_value() == ""
    _both_widths(page, axe_check, "liên-thông-forward")
