"""Input is cleaned in one place (docs/design.md rule 13): control characters never reach a service.

NUL cannot be stored in a PostgreSQL text or jsonb value, and the other C0 control characters
(tab, line feed and carriage return aside) have no place in anything a person types. The
middleware refuses them in the path, the query string and form bodies; the API's JSON parser
refuses them anywhere in the document. Both answer 400 with a clear Vietnamese message —
under /api/ in the contract's JSON shape (docs/api.md §4).

Multipart bodies above the in-memory limit carry files: the middleware does not read them (an
upload view first refuses a body too large by its declared length), but it gives the request
an upload handler that checks the text fields whenever the body is parsed — by the view, by
DRF or by the CSRF check — so every body is checked, whatever its size.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, TooManyFieldsSent
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MESSAGE = gettext_lazy(
    "Dữ liệu gửi lên có ký tự điều khiển không hợp lệ (ví dụ ký tự NUL). "
    "Vui lòng xóa các ký tự đó và gửi lại."
)


PAGE_MESSAGE = gettext_lazy("Trang không tồn tại.")
# Far beyond any real list, far below what makes a database OFFSET overflow a bigint.
MAX_PAGE = 1_000_000


def _page_in_range(value: str | None) -> bool:
    # Lists paginate with ?page=N (HTML and API alike): a number no list can reach is a 404
    # here, before any view turns it into an OFFSET the database cannot hold.
    # isdecimal, not isdigit: "²" is a digit that int() refuses.
    return value is None or not value.strip().isdecimal() or int(value) <= MAX_PAGE


def has_control_chars(value: Any, *, depth: int = 0) -> bool:
    """Tell whether a string, or any key or string inside lists and dicts, has a control char."""
    if isinstance(value, str):
        return CONTROL_RE.search(value) is not None
    if depth > 100:  # deeper than any form; refuse rather than recurse without end
        return True
    if isinstance(value, dict):
        return any(
            has_control_chars(k, depth=depth + 1) or has_control_chars(v, depth=depth + 1)
            for k, v in value.items()
        )
    if isinstance(value, list | tuple):
        return any(has_control_chars(v, depth=depth + 1) for v in value)
    return False


def _querydict_dirty(data: QueryDict) -> bool:
    return any(has_control_chars(k) or has_control_chars(data.getlist(k)) for k in data)


class CleanJSONParser(JSONParser):
    """DRF JSON parser that refuses control characters anywhere in the document."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:  # "[[[[…" thousands deep: refuse, do not crash
            raise ParseError(_("Dữ liệu JSON lồng nhau quá sâu.")) from exc
        if has_control_chars(data):
            raise ParseError(MESSAGE)
        return data


def refusal(request: HttpRequest, message: str, *, status: int = 400) -> HttpResponse:
    """Answer a refused request: the contract's JSON under /api/, the error page elsewhere."""
    from .errors import error_body  # here: dvctt.errors imports DRF views, DRF imports us

    if request.path_info.startswith("/api/"):
        code = {400: "invalid", 404: "not_found"}.get(status, "request_too_large")
        return JsonResponse(error_body(code, message), status=status)
    template = "404.html" if status == 404 else "400.html"
    return render(request, template, {"message": message}, status=status)


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class ControlCharactersRefused(BadRequest):
    """A form field of a body parsed after the middleware holds a control character.

    A BadRequest, so that wherever the parse happens Django answers 400 (handler400) rather
    than 500; the middleware's process_exception answers it like any other refusal.
    """


class FieldCleaningUploadHandler(FileUploadHandler):
    """Parse the multipart body with the other handlers, then refuse dirty text fields.

    Django lets the first handler take over the parse (handle_raw_input); this one runs the
    ordinary parse and checks its fields before anyone sees them.
    """

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        others = [h for h in self.request.upload_handlers if h is not self]
        post, files = MultiPartParser(META, input_data, others, encoding).parse()
        if _querydict_dirty(post) or any(has_control_chars(name) for name in files):
            for _name, uploads in files.lists():
                for upload in uploads:
                    upload.close()  # temporary files go now, not at the end of the request
            raise ControlCharactersRefused(str(MESSAGE))
        return post, files

    def receive_data_chunk(self, raw_data, start):
        return raw_data  # never called: handle_raw_input does the whole parse

    def file_complete(self, file_size):
        return None


class InputCleaningMiddleware:
    """Refuse control characters in the path, the query string and form fields with a 400."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            dirty = self._dirty(request)
        except (RequestDataTooBig, TooManyFieldsSent):
            return refusal(request, _("Dữ liệu gửi lên quá lớn."), status=413)
        except MultiPartParserError:
            return refusal(request, _("Dữ liệu gửi lên không đọc được."))
        if dirty:
            return refusal(request, str(MESSAGE))
        if not _page_in_range(request.GET.get("page")):
            return refusal(request, str(PAGE_MESSAGE), status=404)
        return self.get_response(request)

    def _dirty(self, request: HttpRequest) -> bool:
        raw_path = request.META.get("RAW_URI") or request.get_full_path()
        if has_control_chars(request.path) or has_control_chars(unquote(raw_path)):
            return True
        if _querydict_dirty(request.GET):
            return True
        content_type = request.content_type or ""
        if request.method in ("POST", "PUT", "PATCH") and content_type in FORM_TYPES:
            # Multipart bodies above the in-memory limit are file uploads: the upload view reads
            # them after its size check, so the body is not pulled in here; their fields are
            # checked by FieldCleaningUploadHandler when they are read.
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return True
            if content_type == FORM_TYPES[0] or length <= settings.FILE_UPLOAD_MAX_MEMORY_SIZE:
                return _querydict_dirty(request.POST)
            request.upload_handlers = [
                FieldCleaningUploadHandler(request),
                *request.upload_handlers,
            ]
        return False

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        # A view (or DRF) parsed a large multipart body and the upload handler refused it.
        if isinstance(exception, ControlCharactersRefused):
            return refusal(request, str(MESSAGE))
        return None
