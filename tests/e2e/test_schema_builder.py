"""Issue 23, point 2: a catalogue clerk builds an e-form without writing JSON — a repeated
group with a date rule — previews it, and saves it; axe-checked at 1280 and 390 px."""

from __future__ import annotations

import json
import os

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SHOTS = os.environ.get("E2E_SCREENSHOTS")  # a folder, to look at the pages by eye


def _shot(page, name: str, selector: str | None = None) -> None:
    if SHOTS and selector:
        page.locator(selector).screenshot(path=f"{SHOTS}/{name}.png")
    elif SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_clerk_builds_a_repeated_group_with_a_date_rule(page, demo_data, login, axe_check):
    login(page, "admin@demo.vn")
    page.goto("/admin/procedures/procedure/?q=1.003677")
    page.get_by_role("link", name="1.003677").click()
    builder = page.locator(".schema-builder")
    expect(builder).to_be_visible()
    # The JSON is kept, folded, as the advanced view.
    expect(page.locator("#id_form_schema")).to_be_hidden()
    before = len(json.loads(page.locator("#id_form_schema").input_value())["properties"])

    builder.get_by_role("button", name="Thêm trường — Các trường của tờ khai").click()
    title = page.get_by_label("Tiêu đề (công dân thấy)").last
    expect(title).to_be_focused()
    title.fill("Người đi cùng")
    title.press("Tab")
    page.get_by_label("Loại trường").last.select_option(label="Nhóm lặp lại")
    group = builder.locator("fieldset.schema-builder-field").filter(
        has=page.locator("legend", has_text="Người đi cùng")
    )
    for name in ("Từ ngày", "Đến ngày"):
        group.get_by_role("button", name="Thêm trường — Các trường của mỗi mục").click()
        inner = group.get_by_label("Tiêu đề (công dân thấy)").last
        inner.fill(name)
        inner.press("Tab")
        group.get_by_label("Loại trường").last.select_option(label="Ngày")
    group.get_by_label("Không được trước ngày").last.select_option(label="Từ ngày")
    group.get_by_label("Không được sau ngày hôm nay").first.check()
    group.get_by_label("Bắt buộc nhập").nth(1).check()  # "Từ ngày" (0 is the group)

    schema = json.loads(page.locator("#id_form_schema").input_value())
    assert len(schema["properties"]) == before + 1
    added = schema["properties"]["nguoi_di_cung"]
    assert added["type"] == "array" and schema["x-order"][-1] == "nguoi_di_cung"
    items = added["items"]
    assert items["x-order"] == ["tu_ngay", "den_ngay"]
    assert items["properties"]["den_ngay"] == {
        "title": "Đến ngày",
        "type": "string",
        "format": "date",
    }
    assert items["required"] == ["tu_ngay"]
    assert {"rule": "date_order", "start": "tu_ngay", "end": "den_ngay"} in items["x-rules"]
    assert {"rule": "not_future", "field": "tu_ngay"} in items["x-rules"]

    # Order: move the new group up by keyboard.
    up = page.get_by_role("button", name="Lên — Người đi cùng")
    up.focus()
    page.keyboard.press("Enter")
    schema = json.loads(page.locator("#id_form_schema").input_value())
    assert schema["x-order"][-2] == "nguoi_di_cung"

    _shot(page, "builder-1280", ".schema-editor")
    axe_check(page, ".schema-editor")
    page.set_viewport_size(PHONE)
    axe_check(page, ".schema-editor")
    _shot(page, "builder-390", ".schema-editor")
    width = page.evaluate("() => document.querySelector('.schema-builder').scrollWidth")
    assert width <= 390, f"the builder is {width}px wide on a phone"
    page.set_viewport_size(DESKTOP)

    with page.context.expect_page() as popup_info:
        page.get_by_role("button", name="Kiểm tra và xem trước tờ khai").click()
    preview = popup_info.value
    preview.wait_for_load_state()
    expect(preview.get_by_text("Biểu mẫu hợp lệ.")).to_be_visible()
    expect(preview.get_by_role("group", name="Người đi cùng")).to_be_visible()
    axe_check(preview)
    preview.set_viewport_size(PHONE)
    axe_check(preview)
    _shot(preview, "builder-preview-390")
    preview.close()

    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".messagelist")).to_be_visible()
    from procedures.models import Procedure

    saved = Procedure.objects.get(code="1.003677").form_schema
    assert saved["properties"]["nguoi_di_cung"]["items"]["x-rules"]
