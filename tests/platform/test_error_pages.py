"""The one mapping of application errors to HTML pages (dvctt.middleware)."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.urls import include, path

from dvctt.errors import Conflict, Forbidden, InvalidInput, NotFound, error_back


def _not_found(request):
    raise NotFound("Không tìm thấy hồ sơ này.")


def _forbidden(request):
    raise Forbidden("Chỉ lãnh đạo được dừng xử lý.")


def _refused(request):
    raise InvalidInput("Vui lòng nhập lý do.", fields={"reason": ["Chưa có lý do."]})


@error_back("back-page")
def _refused_with_back(request, dossier_id):
    raise Conflict("Hồ sơ đã được tiếp nhận.")


def _back_page(request, dossier_id):
    return HttpResponse("back")


urlpatterns = [
    path("not-found/", _not_found),
    path("forbidden/", _forbidden),
    path("refused/", _refused),
    path("refused/<uuid:dossier_id>/", _refused_with_back),
    path("back/<uuid:dossier_id>/", _back_page, name="back-page"),
    path("", include("dvctt.urls")),  # the pages' header and footer link into the portal
]
handler403 = "dvctt.views.error_403"
handler404 = "dvctt.views.error_404"

pytestmark = [pytest.mark.urls(__name__)]


def test_not_found_and_forbidden_become_the_portal_pages_saying_what_was_refused(client, db):
    r = client.get("/not-found/")
    assert r.status_code == 404
    assert "Không tìm thấy trang" in r.content.decode()
    r = client.post("/forbidden/")
    assert r.status_code == 403
    assert "Chỉ lãnh đạo được dừng xử lý." in r.content.decode()


def test_a_refused_form_comes_back_as_a_message_with_a_303(client, db):
    r = client.post("/refused/", {"reason": ""})
    assert (r.status_code, r["Location"]) == (303, "/refused/")
    texts = [str(m) for m in get_messages(r.wsgi_request)]
    assert texts == ["Vui lòng nhập lý do. Chưa có lý do."]

    dossier_id = uuid.uuid4()
    r = client.post(f"/refused/{dossier_id}/")
    assert (r.status_code, r["Location"]) == (303, f"/back/{dossier_id}/")


def test_a_refused_get_shows_the_error_page_instead_of_redirecting_to_itself(client, db):
    r = client.get("/refused/")
    assert r.status_code == 400
    assert "Vui lòng nhập lý do." in r.content.decode()
