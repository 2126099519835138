"""Issue 23, point 3: a crawl of the main pages in Vietnamese finds no English leftovers
(Django, allauth and admin strings a citizen or a clerk would read)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db

# Whole words or phrases (case-sensitive) that only an untranslated string would show.
ENGLISH = [
    "Please",
    "Enter a valid",
    "Toggle theme",
    "Skip to main content",
    "This field",
    "password",
    "Password",
    "Log in",
    "Log out",
    "Sign up",
    "Sign in",
    "Home",
    "Welcome",
    "Change",
    "Delete",
    "Save",
    "Search",
    "Error",
]
_PATTERN = re.compile(r"\b(" + "|".join(re.escape(w) for w in ENGLISH) + r")\b")


class _Visible(HTMLParser):
    """Collect the text a person sees or hears: no scripts, styles or hidden blocks."""

    HIDDEN = {"script", "style", "template", "svg", "noscript"}

    def __init__(self):
        super().__init__()
        self.depth, self.parts = 0, []

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.depth += 1
        for name, value in attrs:
            # Labels read aloud count as visible text.
            if name in ("aria-label", "title", "alt", "placeholder") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def english_leftovers(html: str) -> list[str]:
    """Return the English words of ENGLISH found in the page's visible text."""
    parser = _Visible()
    parser.feed(html)
    text = " ".join(parser.parts)
    return sorted({m.group(0) for m in _PATTERN.finditer(text)})


def _check(client, url: str, status: int = 200) -> None:
    response = client.get(url, follow=True)
    assert response.status_code == status, url
    found = english_leftovers(response.content.decode())
    html = response.content.decode()
    assert not found, f"{url}: {found} " + str(
        [html[max(0, m.start() - 150) : m.end() + 50] for m in _PATTERN.finditer(html)][:3]
    )


def test_the_helper_finds_english_only_in_visible_text():
    assert english_leftovers("<p>Please correct the error below.</p>") == ["Please"]
    assert english_leftovers('<button aria-label="Toggle theme">x</button>') == ["Toggle theme"]
    assert english_leftovers("<script>var Please = 1;</script><p>Vui lòng</p>") == []
    assert english_leftovers("<p>Đổi mật khẩu (passwords)</p>") == []


def test_citizen_pages_have_no_english(client, citizen, procedure, submitted, draft):
    for url in ("/", "/thu-tuc/", f"/thu-tuc/{procedure.code}/", "/tra-cuu/"):
        _check(client, url)
    for url in ("/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"):
        _check(client, url)
    response = client.post("/accounts/signup/", {"email": "x", "password1": "1", "password2": "2"})
    assert not english_leftovers(response.content.decode())
    client.force_login(citizen)
    for url in (
        "/tai-khoan/",
        "/ho-so-cua-toi/",
        f"/ho-so-cua-toi/{submitted.pk}/",
        f"/ho-so-cua-toi/{draft.pk}/",
        "/tai-khoan/xac-thuc-danh-tinh/",
    ):
        _check(client, url)


def test_official_pages_have_no_english(client, reception, submitted):
    client.force_login(reception)
    _check(client, "/can-bo/")
    _check(client, f"/can-bo/ho-so/{submitted.pk}/")


def test_admin_pages_have_no_english(client, procedure):
    admin = User.objects.create_superuser(
        email="quantri3@example.vn", password="S3cure-pass!2025", full_name="Lê Văn Quản"
    )
    client.force_login(admin)
    _check(client, "/admin/")
    _check(client, "/admin/procedures/procedure/")
    _check(client, f"/admin/procedures/procedure/{procedure.pk}/change/")
