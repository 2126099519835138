"""Platform endpoints: health and the error pages."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_prometheus import exports

from .client_ip import client_ip, ip_in
from .errors import error_body
from .models import WorkerHeartbeat


def _broker_state() -> str:
    """Return "ok", "down" or "in-process" (no broker: tasks run in the web process)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "in-process"
    try:
        import redis

        client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_connect_timeout=0.5, socket_timeout=0.5
        )
        try:
            client.ping()
        finally:
            client.close()
    except Exception:  # any failure to answer a PING means the broker is down for us
        return "down"
    return "ok"


@never_cache
@require_GET
def bench_ping(request: HttpRequest) -> JsonResponse:
    """A bare JSON answer: no database, no template (only routed when BENCH_PING_ENABLED)."""
    return JsonResponse({"ok": True})


def healthz(request: HttpRequest) -> JsonResponse:
    """Report each dependency: 503 when the database is down, "degraded" (200) for the rest."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        last = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True)
        worker_seen = last.first()
    except Exception:  # any database failure means "not healthy", whatever its class
        return JsonResponse({"status": "error", "database": "down"}, status=503)
    now = timezone.now()
    broker = _broker_state()
    age = round((now - worker_seen).total_seconds()) if worker_seen else None
    if broker == "in-process":
        worker = "in-process"
    elif age is not None and age <= settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS:
        worker = "ok"
    else:
        worker = "down"
    # Redis and the worker only accelerate: requests still commit and the outbox waits, so
    # the load balancer must keep sending traffic (200), while monitoring sees "degraded".
    degraded = broker == "down" or worker == "down"
    return JsonResponse(
        {
            "status": "degraded" if degraded else "ok",
            "database": "ok",
            "broker": broker,
            "worker": worker,
            "worker_heartbeat_age_seconds": age,
            "time": now.isoformat(),
            "worker_last_seen": worker_seen.isoformat() if worker_seen else None,
        }
    )


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Serve Prometheus metrics to the configured scrapers only (addresses or a bearer token)."""
    token = settings.METRICS_BEARER_TOKEN
    sent = request.headers.get("Authorization", "")
    by_token = bool(token) and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())
    if not (by_token or ip_in(client_ip(request), settings.METRICS_ALLOWED_ADDRESSES)):
        return HttpResponse(
            _("Số liệu giám sát chỉ dành cho hệ thống giám sát đã cấu hình."),
            status=403,
            content_type="text/plain; charset=utf-8",
        )
    return exports.ExportToDjangoView(request)


def _api_error(request: HttpRequest, code: str, message: str, status: int):
    # Everything under /api/ answers in the contract's shape (docs/api.md §4), 404s included.
    if request.path_info.startswith("/api/"):
        return JsonResponse(error_body(code, message), status=status)
    return None


# Django's PermissionDenied() without a message: say at least what kind of thing was refused.
_DEFAULT_403 = _("Tài khoản của bạn không được phép mở trang hoặc thực hiện thao tác này.")


def _reason(exception: Exception | None, default: str) -> str:
    text = str(exception or "").strip()
    return text or str(default)


def error_400(request: HttpRequest, exception: Exception | None = None):
    message = _reason(exception, _("Yêu cầu không hợp lệ."))
    return _api_error(request, "bad_request", message, 400) or render(
        request, "400.html", {"message": message}, status=400
    )


def error_403(request: HttpRequest, exception: Exception | None = None):
    message = _reason(exception, _DEFAULT_403)
    return _api_error(request, "permission_denied", message, 403) or render(
        request, "403.html", {"message": message}, status=403
    )


def csrf_failure(request: HttpRequest, reason: str = ""):
    """Say why a form was refused: its security token is missing or out of date."""
    message = _(
        "Biểu mẫu đã hết hạn hoặc thiếu mã bảo mật (CSRF). Vui lòng tải lại trang và gửi lại."
    )
    return _api_error(request, "csrf_failed", message, 403) or render(
        request, "403.html", {"message": message}, status=403
    )


def error_404(request: HttpRequest, exception: Exception | None = None):
    return _api_error(request, "not_found", _("Không tìm thấy."), 404) or render(
        request, "404.html", status=404
    )


def error_500(request: HttpRequest):
    return _api_error(
        request, "server_error", _("Hệ thống gặp sự cố, vui lòng thử lại sau."), 500
    ) or render(request, "500.html", status=500)


TEXT_SIZES = ("normal", "large", "xlarge")
CONTRASTS = ("normal", "high")


@require_POST
def preferences(request: HttpRequest):
    """Store text size and contrast choices in cookies; works without JavaScript."""
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = "/"
    response = redirect(next_url)
    size = request.POST.get("text_size")
    contrast = request.POST.get("contrast")
    if size in TEXT_SIZES:
        response.set_cookie("text_size", size, max_age=31_536_000, samesite="Lax")
    if contrast in CONTRASTS:
        response.set_cookie("contrast", contrast, max_age=31_536_000, samesite="Lax")
    return response
