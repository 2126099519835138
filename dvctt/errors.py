"""Errors as values: services raise ApplicationError subclasses; the edges render them.

The API renders every 4xx as {"code", "message", "fields"} (docs/api.md §4); the HTML edge shows
the same Vietnamese message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ApplicationError(Exception):
    """A business rule refused the action; `code` is stable, `message` is for people."""

    code = "application_error"
    status_code: int = status.HTTP_400_BAD_REQUEST
    default_message: StrOrPromise = _("Yêu cầu không hợp lệ.")

    def __init__(
        self, message: StrOrPromise | None = None, *, fields: dict[str, list[str]] | None = None
    ) -> None:
        self.message = str(message or self.default_message)
        self.fields = fields or {}
        super().__init__(self.message)


class InvalidInput(ApplicationError):
    code = "invalid"
    default_message = _("Dữ liệu không hợp lệ.")


class NotFound(ApplicationError):
    code = "not_found"
    status_code = status.HTTP_404_NOT_FOUND
    default_message = _("Không tìm thấy.")


class Forbidden(ApplicationError):
    code = "permission_denied"
    status_code = status.HTTP_403_FORBIDDEN
    default_message = _("Bạn không có quyền thực hiện thao tác này.")


class Conflict(ApplicationError):
    code = "conflict"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("Thao tác xung đột với trạng thái hiện tại.")


class SigningUnavailable(ApplicationError):
    """The issuing agency has no usable signing key (dvctt/signing.py): no paper is served
    unsigned."""

    code = "signing_unavailable"
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_message = _(
        "Giấy tờ chưa được ký số vì cơ quan cấp chưa có chứng thư số. Vui lòng thử lại sau "
        "hoặc liên hệ cơ quan giải quyết."
    )


_DRF_CODES: dict[type, tuple[str, StrOrPromise]] = {
    exceptions.NotAuthenticated: ("not_authenticated", _("Bạn cần đăng nhập.")),
    exceptions.AuthenticationFailed: ("authentication_failed", _("Xác thực không thành công.")),
    exceptions.PermissionDenied: ("permission_denied", Forbidden.default_message),
    exceptions.NotFound: ("not_found", _("Không tìm thấy.")),
    exceptions.MethodNotAllowed: ("method_not_allowed", _("Phương thức không được hỗ trợ.")),
    exceptions.NotAcceptable: ("not_acceptable", _("Định dạng không được hỗ trợ.")),
    exceptions.UnsupportedMediaType: (
        "unsupported_media_type",
        _("Kiểu nội dung không được hỗ trợ."),
    ),
    exceptions.Throttled: ("throttled", _("Quá nhiều yêu cầu, vui lòng thử lại sau.")),
    exceptions.ParseError: ("parse_error", _("Dữ liệu gửi lên không đọc được.")),
}


# What the API says for a 404 or 405 that no DRF view produced (an unmatched URL, above all
# under DEBUG where Django answers it with its own HTML page): see dvctt.middleware.
STATUS_ERRORS: dict[int, tuple[str, StrOrPromise]] = {
    status.HTTP_404_NOT_FOUND: _DRF_CODES[exceptions.NotFound],
    status.HTTP_405_METHOD_NOT_ALLOWED: _DRF_CODES[exceptions.MethodNotAllowed],
}


def _flatten(detail: Any) -> list[str]:
    if isinstance(detail, list):
        return [str(item) for sub in detail for item in _flatten(sub)]
    if isinstance(detail, dict):
        return [str(item) for sub in detail.values() for item in _flatten(sub)]
    return [str(detail)]


def error_body(
    code: str, message: StrOrPromise, fields: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    """Build the API error body of docs/api.md §4."""
    return {"code": code, "message": str(message), "fields": fields or {}}


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    """Render every API error as {"code", "message", "fields"}."""
    if isinstance(exc, ApplicationError):
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        fields = (
            {k: _flatten(v) for k, v in exc.message_dict.items()}
            if hasattr(exc, "error_dict")
            else {}
        )
        return Response(
            error_body("invalid", _("Dữ liệu không hợp lệ."), fields),
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)

    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.AuthenticationFailed):
        # A token that was sent but is expired, revoked or malformed: 401, so clients know to
        # log in again (a request with no credentials at all stays 403 "not_authenticated").
        response.status_code = status.HTTP_401_UNAUTHORIZED
        response["WWW-Authenticate"] = "Token"
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if isinstance(detail, dict):
            fields = {k: _flatten(v) for k, v in detail.items()}
            non_field = fields.pop("non_field_errors", [])
            message = non_field[0] if non_field else _("Dữ liệu không hợp lệ.")
        else:
            fields, message = {}, "; ".join(_flatten(detail))
        response.data = error_body("invalid", message, fields)
        return response
    code, message = next(
        ((c, m) for cls, (c, m) in _DRF_CODES.items() if isinstance(exc, cls)),
        (getattr(exc, "default_code", "error"), str(getattr(exc, "detail", exc))),
    )
    reason = getattr(exc, "detail", None)
    if isinstance(exc, exceptions.PermissionDenied | exceptions.ParseError) and (
        reason and str(reason) != str(exc.default_detail)
    ):
        # A refusal that names its reason keeps it: each 403 says what was refused.
        message = str(reason)
    response.data = error_body(code, message)
    return response


def error_text(exc: ApplicationError) -> str:
    """Return the message of an error for a page: the message, then what exactly is missing or
    wrong (the fields' messages), each said once — a field's message often repeats the message."""
    details = [str(m) for msgs in (exc.fields or {}).values() for m in msgs]
    return " ".join(dict.fromkeys([str(exc.message), *details]))


def error_back(url_name: str):
    """Name the page an HTML view's refused form goes back to (a URL name reversed with the
    view's `dossier_id`); without it the message shows on the same page. Read by
    dvctt.middleware.ApplicationErrorPageMiddleware, the one place errors become pages."""

    def decorate(view):
        view.error_back = url_name
        return view

    return decorate
