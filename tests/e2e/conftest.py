"""Browser fixtures: Playwright (Python) driving Debian's Chromium against live_server.

No browser is downloaded: Chromium comes from `apt-get install chromium`. axe-core comes
from npm (node_modules/axe-core) and is injected into each page a test checks.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from accounts.demo import DEMO_PASSWORD
from procedures import lexicon
from tests import db_snapshot

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous, so Django's async-safety guard must stand down here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
# WCAG 2.1 A and AA rules (plus axe's best practices that concern structure).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def _playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    )
    yield browser
    browser.close()


@pytest.fixture
def live_url(live_server) -> str:
    return live_server.url


@pytest.fixture
def page(browser, live_url, request):
    # bypass_csp lets the test inject axe-core; the portal's own pages never need it.
    context = browser.new_context(
        base_url=live_url, locale="vi-VN", bypass_csp=True, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def _demo_snapshot(
    django_db_setup, django_db_blocker, tmp_path_factory
) -> tuple[db_snapshot.Snapshot, Path]:
    """Run seed_demo once per session (rolled back); keep the rows and files it wrote."""
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        _, snapshot = db_snapshot.capture(
            lambda: call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        )
    lexicon.invalidate()
    return snapshot, media


@pytest.fixture
def demo_data(transactional_db, _demo_snapshot, settings):
    """Load the demo agencies, accounts and catalogue into the test database.

    The rows seed_demo writes (~2.5 s of services per test) are copied in from one run per
    session, with its files into this test's MEDIA_ROOT; tests/accounts and
    tests/dossiers/test_demo.py run the command itself.
    """
    snapshot, media = _demo_snapshot
    shutil.copytree(media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    with transaction.atomic():
        db_snapshot.restore(snapshot)
    lexicon.invalidate()


def _axe_check(page, context: str | None = None) -> None:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "async ([tags, ctx]) => await axe.run(ctx || document,"
        " {runOnly: {type: 'tag', values: tags}})",
        [AXE_TAGS, context],
    )
    violations = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]
    assert not violations, f"axe-core on {page.url}:\n" + json.dumps(
        violations, ensure_ascii=False, indent=1
    )


@pytest.fixture
def axe_check():
    """Assert that the current page has no WCAG 2.1 AA violations according to axe-core."""
    return _axe_check


@pytest.fixture
def login():
    """Log in through the real login form."""

    def _login(page, email: str, password: str = DEMO_PASSWORD) -> None:
        page.goto("/accounts/login/")
        page.get_by_label("Thư điện tử").fill(email)
        page.get_by_label("Mật khẩu").fill(password)
        page.get_by_role("button", name="Đăng nhập", exact=True).click()
        page.wait_for_load_state()
        assert "/accounts/login/" not in page.url, f"login failed for {email}"

    return _login
