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


def _catalogue(language: str):
    from pathlib import Path

    import polib
    from django.conf import settings

    folder = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES"
    return polib.pofile(str(folder / "django.po")), polib.mofile(str(folder / "django.mo"))


def test_english_catalogue_is_complete_reviewed_and_compiled():
    """Every portal string has an English translation that keeps its placeholders."""
    import re

    po, mo = _catalogue("en")
    untranslated = [e.msgid for e in po.untranslated_entries()]
    assert not untranslated, "run `make messages` and translate: " + repr(untranslated[:5])
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not fuzzy, "review and unflag: " + repr(fuzzy[:5])
    assert not po.obsolete_entries()
    placeholder = re.compile(r"%\(\w+\)[sd]|%[sd]|<[^>]+>")
    for entry in po:
        wanted = sorted(placeholder.findall(entry.msgid))
        for text in [entry.msgstr] if not entry.msgid_plural else entry.msgstr_plural.values():
            assert sorted(placeholder.findall(text)) == wanted, (entry.msgid, text)
    assert {(e.msgctxt, e.msgid) for e in mo if e.msgid} == {
        (e.msgctxt, e.msgid) for e in po if e.msgid
    }, "django.mo is older than django.po: run `make messages`"


def test_vietnamese_catalogue_changes_no_wording():
    """msgids are Vietnamese: the vi catalogue holds no fuzzy guesses that would replace them."""
    po, _mo = _catalogue("vi")
    assert po.metadata["Language"] == "vi"
    assert not po.fuzzy_entries() and not po.obsolete_entries()


def test_every_string_marked_in_python_is_in_the_english_catalogue():
    """Strings under every translation alias (`N_`, `_lazy` included) reach the catalogue."""
    import ast
    import os
    from pathlib import Path

    from django.conf import settings

    po, _mo = _catalogue("en")
    known = {e.msgid for e in po}
    markers = {"_", "N_", "_lazy", "gettext", "gettext_lazy", "gettext_noop", "ngettext"}
    skip = {".venv", "node_modules", ".git", "locale", "locale_vendor", "staticfiles"}
    checked, missing = 0, []
    for folder, subfolders, files in os.walk(settings.BASE_DIR):
        subfolders[:] = [name for name in subfolders if name not in skip]
        for path in (Path(folder) / name for name in files if name.endswith(".py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in markers
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    checked += 1
                    if node.args[0].value not in known:
                        missing.append(f"{path.name}:{node.lineno} {node.args[0].value!r}")
    assert checked > 500
    assert not missing, "run `make messages` and translate: " + repr(missing[:5])


def test_officials_queues_and_dossier_statuses_render_in_english(client, agency):
    import datetime as dt

    from django.conf import settings
    from django.utils import timezone

    from accounts.constants import StaffRoleName
    from dossiers.constants import DossierStatus
    from dossiers.models import Dossier
    from tests.dossiers.factories import dossier_in
    from tests.factories import make_official

    waiting = dossier_in(DossierStatus.SUBMITTED, agency=agency)
    late = dossier_in(DossierStatus.RECEIVED, agency=agency, procedure=waiting.procedure)
    Dossier.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(days=3))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    client.force_login(make_official(agency=agency, role=StaffRoleName.RECEPTION))
    html = client.get("/can-bo/").content.decode()
    assert '<html lang="en"' in html
    for queue in ("Waiting to be received", "Assigned to me", "Due soon", "All dossiers"):
        assert queue in html
    assert "Chờ tiếp nhận" not in html and "Liên thông đến" not in html
    html = client.get("/can-bo/?queue=overdue").content.decode()
    assert late.code in html and "Overdue by " in html and "working day(s)" in html
    client.logout()  # a new, anonymous visitor who also chose English
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    last4 = waiting.applicant_id_number[-4:]
    html = client.get("/tra-cuu/", {"code": waiting.code, "id_last4": last4}).content.decode()
    assert waiting.code in html and "Newly submitted" in html and "Mới đăng ký" not in html
