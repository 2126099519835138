"""A citizen files for a relative with the result by post; the desk processes it, the clerk
returns it and an item number appears; the postal service's callback marks it delivered.
axe-core at 1280 px and 390 px on the pages this journey adds."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from dossiers.models import Dossier
from dossiers.workflow import services
from integrations.models import PostalItem
from integrations.postal import StandInPostalService
from tests.dossiers.conftest import PDF

from .conftest import ARTIFACTS
from .test_desk_journey import _open, _run

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _both_widths(page, axe_check, name: str) -> None:
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        axe_check(page)
        if os.environ.get("E2E_SCREENSHOTS"):
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"post-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_citizen_files_for_a_relative_with_the_result_by_post(
    page, demo_data, login, axe_check, live_url, settings
):
    # The whole journey of the issue: signed in with VNeID (the stand-in, called back over
    # HTTP at the portal's public address), filed for a relative, the result by post.
    settings.PUBLIC_BASE_URL = live_url
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Đăng nhập bằng VNeID").click()
    page.get_by_label("Nguyễn Văn An — 001090012345 (mức 2)").check()
    page.get_by_role("button", name="Đồng ý đăng nhập").click()
    expect(page.get_by_role("link", name="Tài khoản: Nguyễn Văn An")).to_be_visible()
    page.goto("/ho-so/nop/1.004194/")
    page.get_by_label("Trung tâm Phục vụ hành chính công tỉnh Demo").check()
    page.locator("input[name=case]").first.check()
    page.get_by_role("button", name="Bắt đầu nộp hồ sơ").click()

    # Step 2: on behalf of a relative, result by post; first without the postal address.
    expect(page.get_by_text("Bước 2/5")).to_be_visible()
    page.get_by_label("Nộp thay người khác").check()
    page.get_by_label("Họ và tên (hoặc tên tổ chức)").fill("Nguyễn Thị Bà")
    page.get_by_label("Số định danh cá nhân").fill("001150000777")
    page.get_by_label("Quan hệ với người có hồ sơ").select_option("authorised")
    page.get_by_label("Nhận qua dịch vụ bưu chính công ích").check()
    _both_widths(page, axe_check, "applicant")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    expect(page.locator("#id_postal_address_error")).to_have_text(
        "Vui lòng nhập địa chỉ nhận kết quả qua bưu chính."
    )
    _both_widths(page, axe_check, "applicant-error")
    page.get_by_label("Địa chỉ nhận kết quả qua bưu chính").fill("Số 7 phố Huế, Hà Nội")
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    # Step 3: the e-form carries the relative's data.
    expect(page.get_by_text("Bước 3/5")).to_be_visible()
    page.get_by_label("Địa chỉ đăng ký tạm trú").fill("Số 5, phố Demo, xã Demo")
    page.get_by_label("Tạm trú từ ngày").fill("01/12/2026")
    page.get_by_label("Tạm trú đến ngày").fill("01/06/2027")
    page.get_by_role("button", name="Lưu và tiếp tục").first.click()

    # Step 4: the authorisation document is asked for.
    expect(page.get_by_text("Bước 4/5")).to_be_visible()
    item = page.locator("li.component", has_text="Văn bản ủy quyền")
    expect(item).to_be_visible()
    item.locator("input[type=file]").set_input_files(
        files=[{"name": "uy-quyen.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    item.locator("button[type=submit]").click()
    expect(page.get_by_role("link", name="uy-quyen.pdf")).to_be_visible()
    page.get_by_role("button", name="Tiếp tục: xem lại hồ sơ").click()

    # Step 5: review shows both people and the delivery; submit.
    expect(page.get_by_text("Bước 5/5")).to_be_visible()
    expect(page.get_by_text("Nguyễn Thị Bà").first).to_be_visible()
    expect(page.get_by_text("Số 7 phố Huế, Hà Nội").first).to_be_visible()
    _both_widths(page, axe_check, "review")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    dossier = Dossier.objects.get(applicant__email="congdan@demo.vn", status="submitted")
    code = dossier.code
    assert dossier.applicant_name == "Nguyễn Thị Bà" and dossier.representative_name

    # The desk: reception receives (the official sees both people), hands over; appraisal,
    # approval, the result issued and returned — the existing steps of the desk journey.
    _open(page, login, "motcua@demo.vn", "reception", code)
    expect(page.get_by_text("Người được ủy quyền").first).to_be_visible()
    expect(page.get_by_text("Nguyễn Thị Bà").first).to_be_visible()
    _both_widths(page, axe_check, "official-detail")
    _run(page, "Tiếp nhận")
    forward = page.locator("form.action-form").filter(has_text="Chuyển xử lý")
    forward.get_by_label("Cán bộ nhận (không bắt buộc)").select_option(label="Phạm Văn Dũng")
    _run(page, "Chuyển xử lý")
    _open(page, login, "chuyenvien@demo.vn", "mine", code)
    page.get_by_label("Đề xuất giải quyết").check()
    page.get_by_label("Ý kiến thẩm định").fill("Hồ sơ đầy đủ, đủ điều kiện giải quyết.")
    _run(page, "Chuyển xử lý")
    _open(page, login, "lanhdao@demo.vn", "approval", code)
    _run(page, "Phê duyệt")
    _open(page, login, "vanthu@demo.vn", "result", code)
    issue = page.locator("form.action-form").filter(
        has=page.get_by_role("button", name="Ban hành kết quả", exact=True)
    )
    issue.get_by_label("Tệp kết quả (PDF)").set_input_files(
        files=[{"name": "ket-qua.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    _run(page, "Ban hành kết quả")
    fee = Dossier.objects.get(pk=dossier.pk).fee_amount
    if fee:
        services.dossier_settle_fee(dossier_id=dossier.pk, amount=fee, reference="E2E-POST")
        page.reload()
    _run(page, "Trả kết quả")

    # The handover ran after the commit: the item number is on the official's page.
    postal = PostalItem.objects.get(reference=str(dossier.pk))
    assert postal.item_number
    page.reload()
    expect(page.locator(".postal-item-number")).to_have_text(postal.item_number)
    expect(page.locator(".postal-status")).to_have_text("Đã giao cho bưu chính")
    _both_widths(page, axe_check, "returned")

    # The postal service reports delivery to the portal's callback, signed.
    stand_in = StandInPostalService()
    body = stand_in.report_body(postal.item_number, "delivered")
    url = f"{live_url}/integrations/postal/callback/"
    assert stand_in.report(postal.item_number, "delivered", url=url, body=body) == 200
    assert stand_in.report(postal.item_number, "delivered", url=url, body=body) == 200  # repeat

    # The citizen sees it delivered with the item number.
    page.context.clear_cookies()
    login(page, "congdan@demo.vn")
    page.goto(f"/ho-so-cua-toi/{dossier.pk}/")
    expect(page.locator(".postal-status")).to_have_text("Đã phát thành công")
    expect(page.locator(".postal-item-number")).to_have_text(postal.item_number)
    _both_widths(page, axe_check, "delivered")
    # The relative follows it by public tracking with her own id number.
    page.context.clear_cookies()
    page.goto(f"/tra-cuu/?code={code}&id_last4=0777")
    expect(page.get_by_role("heading", name=f"Hồ sơ {code}")).to_be_visible()
    expect(page.locator(".postal-status")).to_have_text("Đã phát thành công")
    expect(page.get_by_text("Số 7 phố Huế")).to_have_count(0)  # no address in public
    _both_widths(page, axe_check, "tracking")
