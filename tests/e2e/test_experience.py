"""Issue 12 journeys in Chromium, axe-checked at 1280 and 390 px: the e-form's repeated
group (with and without JavaScript), cross-field errors, once-only documents, the review in
dd/mm/yyyy, the status in words, withdrawal with confirmation, the profile, and the admin
editing a procedure's e-form with its preview."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from dossiers.models import Dossier

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _axe_both(page, axe_check) -> None:
    """Check the page at 1280 px and at 390 px (where the header must stay compact)."""
    axe_check(page)
    page.set_viewport_size(PHONE)
    axe_check(page)
    top = page.evaluate("() => document.querySelector('main').getBoundingClientRect().top")
    assert top <= 120, f"header takes {top}px on a phone at {page.url}"
    page.set_viewport_size(DESKTOP)


def _start_stay(page) -> None:
    page.goto("/ho-so/nop/1.004194/")
    page.get_by_label("Trung tâm Phục vụ hành chính công tỉnh Demo").check()
    page.locator("input[name=case]").first.check()
    page.get_by_role("button", name="Bắt đầu nộp hồ sơ").click()
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    expect(page.get_by_text("Bước 3/5")).to_be_visible()


def test_citizen_eform_once_only_status_withdraw_and_profile(page, demo_data, login, axe_check):
    login(page, "congdan@demo.vn")
    _start_stay(page)
    # The repeated group starts empty: no block with asterisks until the person adds one.
    expect(page.get_by_text("Chưa có mục nào.")).to_be_visible()
    _axe_both(page, axe_check)
    page.get_by_label("Địa chỉ đăng ký tạm trú").fill("Số 5, phố Demo, xã Demo")
    page.get_by_label("Tạm trú từ ngày").fill("01/12/2026")
    page.get_by_label("Tạm trú đến ngày").fill("01/11/2026")
    page.get_by_role("button", name="Thêm").click()
    first = page.locator("[name=f__thanh_vien__0__ho_ten]")
    expect(first).to_be_focused()
    first.fill("Trần Văn Một")
    page.locator("[name=f__thanh_vien__0__so_dinh_danh]").fill("001090099991")
    page.get_by_role("button", name="Thêm").click()
    page.locator("[name=f__thanh_vien__1__ho_ten]").fill("Trần Thị Hai")
    page.locator("[name=f__thanh_vien__1__so_dinh_danh]").fill("001190099992")
    _axe_both(page, axe_check)
    page.get_by_role("button", name="Xoá Người cùng đăng ký tạm trú — mục 1").click()
    expect(page.locator("[name=f__thanh_vien__0__ho_ten]")).to_have_value("Trần Thị Hai")
    expect(page.locator("[name=f__thanh_vien__1__ho_ten]")).to_have_count(0)
    # Cross-field rule: the end date before the start date, said once, next to the field.
    page.get_by_role("button", name="Lưu và tiếp tục").first.click()
    error = page.locator("#id_f__den_ngay_error")
    expect(error).to_have_text("Tạm trú đến ngày không được trước Tạm trú từ ngày.")
    _axe_both(page, axe_check)
    page.get_by_label("Tạm trú đến ngày").fill("01/06/2027")
    page.get_by_role("button", name="Lưu và tiếp tục").first.click()

    # Step 4: what the state holds and the paper form the e-form replaces are not asked.
    expect(page.get_by_text("Bước 4/5")).to_be_visible()
    expect(page.get_by_text("Cơ quan tự khai thác — không cần nộp")).to_be_visible()
    expect(page.get_by_text("Đã thay bằng tờ khai điện tử — không cần nộp")).to_be_visible()
    expect(page.locator("form[data-upload]")).to_have_count(0)
    _axe_both(page, axe_check)
    page.get_by_role("button", name="Tiếp tục: xem lại hồ sơ").click()

    # Step 5: answers under the schema's titles, dates as people write them.
    expect(page.get_by_text("Bước 5/5")).to_be_visible()
    review = page.locator("section[aria-labelledby=review-form]")
    expect(review).to_contain_text("Tạm trú từ ngày")
    expect(review).to_contain_text("01/12/2026")
    expect(review).to_contain_text("Người cùng đăng ký tạm trú — mục 1")
    assert "2026-12-01" not in review.inner_text()
    _axe_both(page, axe_check)
    page.get_by_role("button", name="Nộp hồ sơ").click()

    dossier = Dossier.objects.get(applicant__email="congdan@demo.vn")
    page.goto(f"/ho-so-cua-toi/{dossier.pk}/")
    expect(page.get_by_text("đang chờ cán bộ kiểm tra")).to_be_visible()
    assert page.title().startswith(f"Hồ sơ {dossier.code} — ")
    _axe_both(page, axe_check)

    # Withdraw: a confirmation page first, with an optional reason.
    page.get_by_role("link", name="Rút hồ sơ").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rút hồ sơ")
    _axe_both(page, axe_check)
    dossier.refresh_from_db()
    assert dossier.status == "submitted"
    page.get_by_label("Lý do rút hồ sơ (không bắt buộc)").fill("Đăng ký nhầm địa chỉ")
    page.get_by_role("button", name="Xác nhận rút hồ sơ").click()
    expect(page.get_by_text("Bạn đã rút hồ sơ; cơ quan không xử lý tiếp.")).to_be_visible()
    dossier.refresh_from_db()
    assert dossier.status == "withdrawn"

    # The list says it in words; the name in the menu leads to the profile.
    page.goto("/ho-so-cua-toi/?status=withdrawn")
    expect(page.get_by_role("link", name=dossier.code)).to_be_visible()
    _axe_both(page, axe_check)
    page.get_by_role("link", name="Nguyễn Văn An").click()
    expect(page.get_by_role("heading", name="Tài khoản của tôi")).to_be_visible()
    expect(page.get_by_text("001090012345")).to_be_visible()
    expect(
        page.get_by_role("link", name="Kênh nhận thông báo (thư điện tử, SMS, trên cổng)")
    ).to_have_attribute("href", "/tai-khoan/thong-bao/")
    _axe_both(page, axe_check)


def test_repeated_group_without_javascript(browser, live_url, demo_data):
    context = browser.new_context(base_url=live_url, java_script_enabled=False, locale="vi-VN")
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        page.get_by_label("Thư điện tử").fill("congdan@demo.vn")
        page.get_by_label("Mật khẩu").fill("DemoPass#2025")
        page.get_by_role("button", name="Đăng nhập", exact=True).click()
        _start_stay(page)
        page.get_by_role("button", name="Thêm").click()
        page.locator("[name=f__thanh_vien__0__ho_ten]").fill("Lê Văn Ba")
        page.get_by_role("button", name="Thêm").click()
        page.locator("[name=f__thanh_vien__1__ho_ten]").fill("Lê Thị Bốn")
        page.get_by_role("button", name="Xoá Người cùng đăng ký tạm trú — mục 2").click()
        expect(page.locator("[name=f__thanh_vien__0__ho_ten]")).to_have_value("Lê Văn Ba")
        expect(page.locator("[name=f__thanh_vien__1__ho_ten]")).to_have_count(0)
        # Pressing Enter in a box saves and continues; it never hits "Xoá".
        page.get_by_label("Địa chỉ đăng ký tạm trú").fill("Số 7, xã Demo")
        page.get_by_label("Tạm trú đến ngày").fill("01/06/2027")
        with page.expect_navigation():
            page.get_by_label("Tạm trú đến ngày").press("Enter")
        expect(page.locator("#id_f__tu_ngay_error")).to_have_text("Vui lòng nhập Tạm trú từ ngày.")
        expect(page.locator("[name=f__thanh_vien__0__ho_ten]")).to_have_value("Lê Văn Ba")
        # (axe-core needs JavaScript; the same page is axe-checked in the journey above.)
    finally:
        context.close()


def test_admin_edits_eform_with_preview(page, demo_data, login, axe_check):
    login(page, "admin@demo.vn")
    page.goto("/admin/procedures/procedure/?q=1.003677")
    page.get_by_role("link", name="1.003677").click()
    expect(page.get_by_role("link", name="Xem như công dân").first).to_have_attribute(
        "href", "/thu-tuc/1.003677/"
    )
    editor = page.locator("#id_form_schema")
    # With JavaScript the visual builder leads and the JSON is folded as the advanced view.
    page.locator(".schema-json summary").click()
    schema = json.loads(editor.input_value())
    schema["properties"]["so_nguoi"] = {
        "type": "integer",
        "title": "Số người đi cùng",
        "minimum": 0,
    }
    editor.fill(json.dumps(schema, ensure_ascii=False, indent=2))
    with page.context.expect_page() as popup_info:
        page.get_by_role("button", name="Kiểm tra và xem trước tờ khai").click()
    preview = popup_info.value
    preview.wait_for_load_state()
    expect(preview.get_by_text("Biểu mẫu hợp lệ.")).to_be_visible()
    expect(preview.get_by_label("Số người đi cùng")).to_be_visible()
    expect(preview.get_by_label("Tạm vắng đến ngày")).to_be_visible()
    _axe_both(preview, axe_check)
    preview.close()
    # A broken schema is refused with a Vietnamese message, in the preview and on save.
    schema["properties"]["sai"] = {"type": "strin", "title": "Sai"}
    editor.fill(json.dumps(schema, ensure_ascii=False))
    with page.context.expect_page() as popup_info:
        page.get_by_role("button", name="Kiểm tra và xem trước tờ khai").click()
    preview = popup_info.value
    expect(preview.get_by_role("alert")).to_contain_text(
        "Trường “Sai”: kiểu dữ liệu “strin” không được hỗ trợ"
    )
    preview.close()
    del schema["properties"]["sai"]
    editor.fill(json.dumps(schema, ensure_ascii=False))
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".messagelist")).to_be_visible()
    from procedures.models import Procedure

    saved = Procedure.objects.get(code="1.003677")
    assert "so_nguoi" in saved.form_schema["properties"]
    assert saved.form_schema["x-order"][-1] == "so_nguoi"
