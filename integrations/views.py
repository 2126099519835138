"""The postal service's delivery callback (docs/api.md "Results by post")."""

from __future__ import annotations

import json

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .postal import SIGNATURE_HEADER, signature_valid
from .postal_items import PostalReportError, postal_report_apply

MAX_CALLBACK_BYTES = 8 * 1024


def _error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "fields": {}}, status=status)


@csrf_exempt  # server to server: authenticated by the body's signature, not a session
@require_POST
def postal_callback(request: HttpRequest) -> JsonResponse:
    """Verify a report's signature, then apply it once (a repeat answers 200, unchanged)."""
    body = request.body[: MAX_CALLBACK_BYTES + 1]
    if len(body) > MAX_CALLBACK_BYTES:
        return _error("payload_too_large", _("Nội dung báo cáo quá lớn."), 413)
    if not signature_valid(body, request.headers.get(SIGNATURE_HEADER, "")):
        return _error("invalid_signature", _("Chữ ký của báo cáo bưu chính không hợp lệ."), 403)
    try:
        data = json.loads(body)
        if not isinstance(data, dict):
            raise ValueError
        outcome = postal_report_apply(
            item_number=str(data.get("item_number") or ""),
            status=str(data.get("status") or ""),
            event_id=str(data.get("event_id") or ""),
            occurred_at=str(data.get("occurred_at") or ""),
            note=str(data.get("note") or ""),
        )
    except ValueError:
        return _error("invalid_input", _("Báo cáo bưu chính không đúng định dạng."), 400)
    except PostalReportError as exc:
        if exc.status_code == 404:
            return _error("not_found", _("Không tìm thấy bưu gửi."), 404)
        return _error("invalid_input", _("Báo cáo bưu chính không hợp lệ."), 400)
    return JsonResponse(
        {
            "item_number": outcome.item.item_number,
            "status": outcome.item.status,
            "changed": outcome.changed,
        }
    )
