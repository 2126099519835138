"""Vietnamese first, with an English locale a visitor can switch to."""

from __future__ import annotations


def test_vietnamese_is_the_default(client, db):
    html = client.get("/").content.decode()
    assert '<html lang="vi"' in html
    assert "Bỏ qua, đến nội dung chính" in html


def test_switching_to_english_translates_the_layout(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en"' in html
    assert "Skip to main content" in html
    assert "Track a dossier" in html


def test_an_english_browser_still_gets_vietnamese_until_it_chooses(client, db):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi"' in html
