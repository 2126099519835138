"""OpenAPI annotations shared by the API views (drf-spectacular): the error answers.

Every error of /api/ is `{"code","message","fields"}` (docs/api.md §4, `dvctt.errors`). The schema
documents it once, as the `Error` component, for every status a view can answer:

- `AutoSchema` adds the ones that follow from the view itself: 400 everywhere (control
  characters, malformed JSON, bad query values), 401 where a token is read (an expired or
  revoked token), 403 where a signed-in user is required (no credentials at all), 404 where
  the path names an object or the list is paginated (a page past the end), 413 and 415 where
  a body is read (too large a form, a media type the view does not parse).
- Lists paginate with DRF's PageNumberPagination: give the APIView a `pagination_class` and
  its `responses=Serializer(many=True)` is documented as `{"count","next","previous",
  "results"}` with the `page` parameter.
- A view names the ones its services raise with `api_errors`:

      @extend_schema(
          request=InputSerializer,
          responses={201: OutputSerializer, **api_errors(403, 409, 429)},
          operation_id="…",
      )

  (403 a role refusal, 409 a state conflict such as `invalid_transition`, 429 a rate limit).
  `tests/security/test_api_fuzz.py` runs schemathesis with every default check over the
  schema: a status, media type or body the schema does not declare fails the suite.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny

ERROR_DESCRIPTIONS = {
    400: "Dữ liệu không hợp lệ (`fields` nêu từng trường).",
    401: "Mã truy cập (token) đã hết hạn, đã bị thu hồi hoặc không đúng.",
    403: "Chưa đăng nhập, hoặc vai trò không được thực hiện thao tác này.",
    404: "Không tìm thấy (hoặc không có quyền xem).",
    409: "Không thể thực hiện ở trạng thái hiện tại (ví dụ `invalid_transition`).",
    413: "Nội dung gửi lên quá lớn.",
    415: "Kiểu nội dung (Content-Type) không được hỗ trợ.",
    429: "Quá nhiều yêu cầu; thử lại sau.",
    503: "Hệ thống bên ngoài tạm thời không trả lời.",
}


# The body of every 4xx of the API (docs/api.md §4); built inline because a serializer class cannot
# declare a field named `fields`.
ERROR = inline_serializer(
    "Error",
    {
        "code": serializers.CharField(help_text="mã lỗi ổn định, snake_case"),
        "message": serializers.CharField(help_text="thông báo tiếng Việt"),
        "fields": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            help_text="thông báo theo từng trường (có thể rỗng)",
        ),
    },
)


def api_errors(*codes: int) -> dict[int, OpenApiResponse]:
    """Return the `responses` entries of these error statuses, each with the Error body."""
    return {
        code: OpenApiResponse(ERROR, description=ERROR_DESCRIPTIONS.get(code, "")) for code in codes
    }


class AutoSchema(BaseAutoSchema):
    """drf-spectacular's schema, plus the error statuses every view of a kind can answer."""

    def implied_error_codes(self) -> list[int]:
        codes = [400]
        if self.view.get_authenticators():
            codes.append(401)
        if not all(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            codes.append(403)
        paginated = self.method == "GET" and getattr(self.view, "pagination_class", None)
        if "{" in self.path or paginated:
            codes.append(404)
        if self.method in ("POST", "PUT", "PATCH"):
            media_types = {p.media_type for p in self.view.get_parsers()}
            if media_types & {"multipart/form-data", "application/x-www-form-urlencoded"}:
                codes.append(413)  # a form body over Django's limits (dvctt.input_cleaning)
            codes.append(415)  # a body in a media type the view does not parse
        return codes

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for code, response in api_errors(*self.implied_error_codes()).items():
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(
                    response, str(code), direction=direction
                )
        return responses


# dvctt.input_cleaning refuses these anywhere in a request (400): the schema says so for every
# string parameter and every string field of a request body (a free-form JSON value such as
# `form_data` cannot say it in OpenAPI 3.0; its description does).
NO_CONTROL_CHARACTERS = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$"


def _constrain_strings(schema: Any) -> None:
    if isinstance(schema, dict):
        if (
            schema.get("type") == "string"
            and "pattern" not in schema
            and "enum" not in schema
            and schema.get("format") not in ("uuid", "date", "date-time", "binary", "email", "uri")
        ):
            schema["pattern"] = NO_CONTROL_CHARACTERS
        for value in schema.values():
            _constrain_strings(value)
    elif isinstance(schema, list):
        for value in schema:
            _constrain_strings(value)


# DRF's PageNumberPagination takes any text: `page` is a number or "last" (anything else is a
# 404 "Trang không tồn tại"), an unusable `page_size` falls back to the default.
PAGINATION_PARAMETERS = {
    "page": "Số trang (1, 2, …) hoặc `last`; trang không có trả 404.",
    "page_size": "Số dòng mỗi trang (giá trị không dùng được thì theo mặc định).",
}


def boolean_spellings(*, nullable: bool = False) -> list[str]:
    """Return the query-string spellings a DRF BooleanField accepts (true/false, 1/0, …)."""
    field = serializers.BooleanField
    values = field.TRUE_VALUES | field.FALSE_VALUES | (field.NULL_VALUES if nullable else set())
    return sorted(v for v in values if isinstance(v, str))


def refuse_control_characters(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: string inputs carry no control characters."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and parameter["name"] in PAGINATION_PARAMETERS:
                    parameter["schema"] = {"type": "string"}
                    parameter["description"] = PAGINATION_PARAMETERS[parameter["name"]]
                _constrain_strings(parameter.get("schema"))
            _constrain_strings(operation.get("requestBody"))
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):  # COMPONENT_SPLIT_REQUEST: the request side only
            _constrain_strings(component)
    return result
