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


def test_vendored_allauth_catalogue_covers_the_account_screens_and_is_compiled():
    """allauth ships no Vietnamese: locale_vendor/ must translate every sign-in screen."""
    from pathlib import Path

    import allauth
    import polib
    from django.conf import settings

    vendor = Path(settings.BASE_DIR) / "locale_vendor" / "vi" / "LC_MESSAGES"
    ours = polib.pofile(str(vendor / "django.po"))
    source = polib.pofile(str(Path(allauth.__file__).parent / "locale/en/LC_MESSAGES/django.po"))
    scope = ("account/", "mfa/", "usersessions/", "templates/account/", "templates/mfa/")
    scope += ("templates/usersessions/", "templates/allauth/")
    translated = {(e.msgctxt, e.msgid) for e in ours.translated_entries()}
    untranslated = [
        e.msgid
        for e in source
        if e.msgid
        and any(path.startswith(scope) for path, _ in e.occurrences)
        and (e.msgctxt, e.msgid) not in translated
    ]
    assert not untranslated, "run `make messages` and translate: " + repr(untranslated[:5])
    assert not ours.obsolete_entries() and not ours.fuzzy_entries()
    compiled = polib.mofile(str(vendor / "django.mo"))
    assert {(e.msgctxt, e.msgid, e.msgstr) for e in compiled if e.msgid} == {
        (e.msgctxt, e.msgid, e.msgstr) for e in ours.translated_entries()
    }, "django.mo is older than django.po: run `make messages`"
