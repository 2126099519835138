"""The anonymous page cache of the catalogue pages (dvctt/page_cache.py)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings

from procedures.models import FeeItem
from tests.factories import UserFactory
from tests.procedures.factories import ProcedureFactory

pytestmark = pytest.mark.django_db

PAGES = ["/", "/thu-tuc/?q=thu+nghiem", "/thu-tuc/{code}/"]


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PUBLIC_PAGE_CACHE = True


@pytest.fixture
def procedure():
    return ProcedureFactory(name="Thủ tục thử nghiệm cấp phép")


def _token(response) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
    assert match is not None
    return match.group(1)


@pytest.mark.parametrize("page", PAGES)
def test_second_anonymous_visit_is_served_without_a_query(
    client, procedure, page, django_assert_num_queries
):
    path = page.format(code=procedure.code)
    first = client.get(path)
    assert first.status_code == 200
    client.cookies.clear()  # another visitor
    with django_assert_num_queries(0):
        second = client.get(path)
    assert second.status_code == 200
    assert "Thủ tục thử nghiệm cấp phép" in second.text
    # same page, but each visitor's own CSRF token in the forms (language switch)
    assert _token(second) != _token(first)
    assert second.cookies[django_settings.CSRF_COOKIE_NAME].value


def test_the_cached_page_carries_a_token_that_passes_the_csrf_check(client, procedure):
    from django.test import Client

    Client().get("/")  # someone else fills the cache
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get("/")
    answer = visitor.post("/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": _token(page)})
    assert answer.status_code == 302


def test_a_catalogue_change_retires_the_cached_pages(client, procedure):
    path = f"/thu-tuc/{procedure.code}/"
    assert "40.000" in client.get(path).text or "40,000" in client.get(path).text
    fee = FeeItem.objects.filter(procedure=procedure).first()
    fee.online_amount = 12_345
    fee.save()
    client.cookies.clear()
    text = client.get(path).text
    assert "12.345" in text or "12,345" in text


def test_signed_in_users_get_their_own_page(client, procedure):
    client.get("/")
    user = UserFactory(full_name="Người Dùng Riêng")
    client.force_login(user)
    response = client.get("/")
    assert "Người Dùng Riêng" in response.text
    assert not response.has_header("ETag")


def test_language_and_display_preferences_have_pages_of_their_own(client, procedure):
    vietnamese = client.get("/").text
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/").text
    assert english != vietnamese
    assert 'lang="en"' in english
    client.cookies.clear()
    client.cookies["text_size"] = "large"
    assert "text-large" in client.get("/").text


def test_conditional_get_answers_304_to_the_same_visitor(client, procedure):
    first = client.get("/")  # sets the CSRF cookie
    second = client.get("/")
    assert second.status_code == 200
    etag = second["ETag"]
    assert "Cookie" in second["Vary"]
    assert "private" in second["Cache-Control"]
    again = client.get("/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert first.status_code == 200
    # another visitor's ETag (another CSRF cookie) does not match
    client.cookies[django_settings.CSRF_COOKIE_NAME] = "x" * 32
    assert client.get("/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_pages_are_rendered_afresh_when_the_cache_is_off(client, procedure, settings):
    settings.PUBLIC_PAGE_CACHE = False
    client.get("/")
    client.cookies.clear()
    response = client.get("/")
    assert not response.has_header("ETag")


def test_another_process_change_is_seen_within_the_memo_time(client, procedure, monkeypatch):
    from django.core.cache import cache

    from dvctt import page_cache

    path = f"/thu-tuc/{procedure.code}/"
    client.get(path)
    # another web process bumps the version in the shared cache; this one's memo expires
    cache.set(page_cache.VERSION_KEY, "changed-elsewhere", None)
    FeeItem.objects.filter(procedure=procedure).update(online_amount=54_321)  # no signal
    monkeypatch.setattr(page_cache, "VERSION_MEMO_SECONDS", 0.0)
    client.cookies.clear()
    text = client.get(path).text
    assert "54.321" in text or "54,321" in text
