"""The quality loop in a browser: a citizen rates a returned dossier; someone without an account
sends feedback and gets its code; an official answers and publishes it; the public page shows it.
Every page is checked by axe-core at 1280 and 390 px, and screenshots are kept."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from accounts.constants import StaffRoleName
from dossiers.constants import DossierStatus
from reports.models import Feedback, Rating
from tests.dossiers.factories import dossier_in
from tests.factories import PASSWORD, AgencyFactory, CitizenFactory, make_official
from tests.procedures.factories import ProcedureFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("QUALITY_SHOTS", "")) if os.environ.get("QUALITY_SHOTS") else None


def check_both_widths(page, axe_check, tmp_path, name: str) -> None:
    """axe at 1280 px and at 390 px (no sideways scrolling there), with a screenshot of each."""
    folder = SHOTS or tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    axe_check(page)
    page.screenshot(path=str(folder / f"{name}-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    axe_check(page)
    page.screenshot(path=str(folder / f"{name}-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})


def test_quality_journey(page, login, axe_check, tmp_path, settings):
    settings.FEEDBACK_FORM_MIN_SECONDS = 0  # the browser fills the form faster than a person
    agency = AgencyFactory(name="UBND xã Hòa Bình")
    procedure = ProcedureFactory(agencies=[agency], name="Đăng ký khai sinh")
    citizen = CitizenFactory(full_name="Trần Thị Bình")
    dossier = dossier_in(
        DossierStatus.RETURNED, agency=agency, citizen=citizen, procedure=procedure
    )
    official = make_official(agency=agency, role=StaffRoleName.LEADER, full_name="Lê Văn Cán")

    # 1. The citizen rates the returned dossier on its page, without JavaScript's help.
    login(page, citizen.email, PASSWORD)
    page.goto(f"/ho-so-cua-toi/{dossier.pk}/")
    assert page.get_by_role("heading", name="Đánh giá mức độ hài lòng").is_visible()
    check_both_widths(page, axe_check, tmp_path, "rating-form")
    page.get_by_label("Hài lòng", exact=True).check()
    page.get_by_label("Thái độ, tinh thần của cán bộ").select_option("2")
    page.get_by_label("Ý kiến khác (nếu có)").fill("Cán bộ hướng dẫn tận tình.")
    page.get_by_role("button", name="Gửi đánh giá").click()
    assert page.get_by_text("Cảm ơn ông/bà đã đánh giá").is_visible()
    assert page.get_by_role("heading", name="Đánh giá của ông/bà").is_visible()
    rating = Rating.objects.get()
    assert (rating.score, rating.criteria) == (4, {"staff_attitude": 2})
    check_both_widths(page, axe_check, tmp_path, "rating-done")
    page.get_by_role("button", name="Đăng xuất").click()

    # 2. Someone without an account sends feedback from the header link and gets a code.
    page.goto("/")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Phản ánh, kiến nghị"
    ).click()
    page.get_by_role("main").get_by_role("link", name="Gửi phản ánh, kiến nghị").first.click()
    check_both_widths(page, axe_check, tmp_path, "feedback-send")
    page.get_by_role("button", name="Gửi phản ánh").click()  # nothing filled: errors on fields
    assert page.locator(".error-summary").is_visible()
    check_both_widths(page, axe_check, tmp_path, "feedback-send-errors")
    page.get_by_label("Tiêu đề").fill("Niêm yết thủ tục chưa đầy đủ")
    page.get_by_label("Nội dung phản ánh, kiến nghị").fill(
        "Bảng niêm yết tại bộ phận một cửa thiếu mức lệ phí đăng ký khai sinh."
    )
    page.get_by_label("Họ và tên").fill("Phạm Minh Khoa")
    page.get_by_label("Cơ quan tiếp nhận").select_option(agency.code)
    page.get_by_role("button", name="Gửi phản ánh").click()
    feedback = Feedback.objects.get()
    assert page.get_by_text(feedback.code).first.is_visible()
    assert page.get_by_text("Đã tiếp nhận").first.is_visible()
    assert "Phạm Minh Khoa" not in page.content()
    check_both_widths(page, axe_check, tmp_path, "feedback-follow")

    # 3. An official of the agency answers it and publishes the answer from the workspace.
    login(page, official.email, PASSWORD)
    page.goto("/can-bo/")
    page.get_by_role("navigation", name="Khu vực làm việc").get_by_role(
        "link", name="Phản ánh, kiến nghị"
    ).click()
    page.get_by_role("link", name=feedback.code).click()
    check_both_widths(page, axe_check, tmp_path, "feedback-official")
    page.get_by_label("Nội dung trả lời").fill(
        "Bộ phận một cửa đã bổ sung mức lệ phí vào bảng niêm yết. Cảm ơn ông đã phản ánh."
    )
    page.get_by_role("button", name="Trả lời").click()
    assert page.get_by_text("Đã cập nhật phản ánh").is_visible()
    page.get_by_role("button", name="Công khai trả lời").click()
    assert page.get_by_text("Đã công khai").first.is_visible()
    feedback.refresh_from_db()
    assert feedback.status == "published"
    page.goto("/can-bo/phan-anh-kien-nghi/?queue=all")
    check_both_widths(page, axe_check, tmp_path, "feedback-queue")
    page.get_by_role("link", name="Đánh giá hài lòng").click()
    assert page.get_by_text("Cán bộ hướng dẫn tận tình.").is_visible()
    check_both_widths(page, axe_check, tmp_path, "ratings-official")
    page.get_by_role("button", name="Đăng xuất").click()

    # 4. The public page finds the answer, typed without diacritics.
    page.goto("/phan-anh-kien-nghi/")
    page.get_by_label("Tìm trong các trả lời đã công khai").fill("niem yet le phi")
    page.get_by_role("button", name="Tìm", exact=True).click()
    assert page.get_by_role("heading", name="Niêm yết thủ tục chưa đầy đủ").is_visible()
    assert page.get_by_text("đã bổ sung mức lệ phí").is_visible()
    assert "Phạm Minh Khoa" not in page.content()
    check_both_widths(page, axe_check, tmp_path, "feedback-published")
