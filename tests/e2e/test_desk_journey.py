"""The one-stop desk's journey: reception receives and hands over → the specialist appraises →
the leader approves → the clerk issues and returns. axe-core at 1280 px and 390 px."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from dossiers.models import Dossier
from dossiers.workflow import services
from tests.dossiers.conftest import PDF

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _both_widths(page, axe_check, name: str) -> None:
    """Check the page at a desktop width and on a 390 px phone."""
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        axe_check(page)
        if os.environ.get("E2E_SCREENSHOTS"):
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"desk-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def _run(page, label: str) -> None:
    form = page.locator("form.action-form").filter(
        has=page.get_by_role("button", name=label, exact=True)
    )
    form.get_by_label(f"Tôi xác nhận thực hiện “{label}”").check()
    form.get_by_role("button", name=label, exact=True).click()
    expect(page.get_by_text(f"Đã thực hiện: {label}.")).to_be_visible()


def _open(page, login, email: str, queue: str, code: str) -> None:
    page.context.clear_cookies()
    login(page, email)
    page.goto(f"/can-bo/?queue={queue}")
    page.get_by_role("link", name=code).click()
    expect(page.get_by_role("heading", name=f"Hồ sơ {code}")).to_be_visible()


def test_desk_runs_a_dossier_from_reception_to_return(page, demo_data, login, axe_check):
    dossier = Dossier.objects.get(procedure__code="1.004194", status="submitted")
    code = dossier.code

    # Reception: the intake queue, then receive and hand over to a named specialist.
    login(page, "motcua@demo.vn")
    page.goto("/can-bo/")
    expect(page.get_by_role("link", name="Chờ tiếp nhận")).to_have_attribute("aria-current", "page")
    _both_widths(page, axe_check, "queue")
    page.get_by_role("link", name=code).click()
    _both_widths(page, axe_check, "detail")
    _run(page, "Tiếp nhận")
    forward = page.locator("form.action-form").filter(has_text="Chuyển xử lý")
    forward.get_by_label("Cán bộ nhận (không bắt buộc)").select_option(label="Phạm Văn Dũng")
    _run(page, "Chuyển xử lý")
    expect(page.get_by_text("Phạm Văn Dũng").first).to_be_visible()
    expect(page.get_by_role("button", name="Chuyển xử lý")).to_have_count(0)

    # Specialist: "Được giao cho tôi", appraise with a proposal and an opinion.
    _open(page, login, "chuyenvien@demo.vn", "mine", code)
    page.get_by_label("Đề xuất giải quyết").check()
    page.get_by_label("Ý kiến thẩm định").fill("Hồ sơ đầy đủ, đủ điều kiện giải quyết.")
    _both_widths(page, axe_check, "appraise")
    _run(page, "Chuyển xử lý")

    # Leader: "Chờ phê duyệt", approve on the recorded appraisal.
    _open(page, login, "lanhdao@demo.vn", "approval", code)
    expect(page.get_by_text("Hồ sơ đầy đủ, đủ điều kiện giải quyết.").first).to_be_visible()
    _run(page, "Phê duyệt")

    # Clerk: "Chờ trả kết quả", issue and return the result.
    _open(page, login, "vanthu@demo.vn", "result", code)
    issue = page.locator("form.action-form").filter(
        has=page.get_by_role("button", name="Ban hành kết quả", exact=True)
    )
    issue.get_by_label("Tệp kết quả (PDF)").set_input_files(
        files=[{"name": "ket-qua.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    _run(page, "Ban hành kết quả")
    # The online fee was paid through the gateway meanwhile (the IPN's own service): until
    # then the result is held back.
    expect(page.get_by_role("button", name="Trả kết quả", exact=True)).to_have_count(0)
    fee = Dossier.objects.get(pk=dossier.pk).fee_amount
    services.dossier_settle_fee(dossier_id=dossier.pk, amount=fee, reference="E2E-DESK")
    page.reload()
    _run(page, "Trả kết quả")
    _both_widths(page, axe_check, "returned")

    dossier.refresh_from_db()
    assert dossier.status == "returned"
    rows = list(dossier.handovers.order_by("at", "id"))
    assert [(r.action, r.from_step, r.to_step) for r in rows] == [
        ("forward", 1, 2),
        ("forward", 2, 3),
        ("approve", 3, 4),
        ("return_result", 4, None),
    ]
    assert [r.from_user.email for r in rows] == [
        "motcua@demo.vn",
        "chuyenvien@demo.vn",
        "lanhdao@demo.vn",
        "vanthu@demo.vn",
    ]
