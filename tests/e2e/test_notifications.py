"""A citizen reads the inbox and chooses how to be told, at desktop and phone widths."""

from __future__ import annotations

import pytest

from notifications.models import ChannelPreference
from notifications.services import notification_send
from tests.factories import PASSWORD, CitizenFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_inbox_and_preferences(page, login, axe_check, tmp_path):
    citizen = CitizenFactory(phone="0912345678", full_name="Trần Thị Bình")
    for key, subject in [
        ("a", "Hồ sơ 000.00.01.H99-261201-0001 đã được tiếp nhận"),
        ("b", "Hồ sơ 000.00.01.H99-261201-0002 cần bổ sung giấy tờ"),
    ]:
        notification_send(
            key=key,
            recipient_id=citizen.pk,
            address="",
            channel="in_app",
            template="supplement_requested" if key == "b" else "dossier_received",
            context={
                "code": subject.split()[2],
                "name": citizen.full_name,
                "due_at": "17:00 ngày 08/12/2026",
                "agency": "UBND xã Demo",
                "items": ["Bản sao giấy khai sinh"],
                "reason": "Bản chụp bị mờ",
            },
            link="/ho-so-cua-toi/",
        )
    login(page, citizen.email, PASSWORD)
    badge = page.locator(".badge-count")
    assert badge.inner_text().startswith("2")
    page.get_by_role("link", name="Thông báo").click()
    assert page.get_by_role("heading", name="Hộp thư thông báo").is_visible()
    assert page.get_by_text("Bản sao giấy khai sinh").is_visible()
    axe_check(page)
    page.screenshot(path=str(tmp_path / "inbox-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(tmp_path / "inbox-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("link", name="Cách nhận thông báo").first.click()
    axe_check(page)
    page.get_by_label("Nhận thông báo qua thư điện tử").uncheck()
    page.get_by_label("Nhận thông báo qua tin nhắn SMS").check()
    page.screenshot(path=str(tmp_path / "preferences-390.png"), full_page=True)
    page.get_by_role("button", name="Lưu lựa chọn").click()
    assert page.get_by_text("Đã lưu cách nhận thông báo.").is_visible()
    rows = dict(ChannelPreference.objects.filter(user=citizen).values_list("channel", "enabled"))
    assert rows == {"email": False, "sms": True}

    page.goto("/tai-khoan/hop-thu/")
    page.get_by_role("button", name="Đánh dấu tất cả là đã đọc").click()
    assert page.locator(".badge-count").count() == 0
