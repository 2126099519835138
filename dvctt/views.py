"""Platform endpoints: health and the error pages."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .models import WorkerHeartbeat


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the database answers, 503 otherwise (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        last = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True)
        worker_seen = last.first()
    except Exception:  # any database failure means "not healthy", whatever its class
        return JsonResponse({"status": "error", "database": "down"}, status=503)
    return JsonResponse(
        {
            "status": "ok",
            "database": "ok",
            "time": timezone.now().isoformat(),
            "worker_last_seen": worker_seen.isoformat() if worker_seen else None,
        }
    )


def error_403(request: HttpRequest, exception: Exception | None = None):
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None):
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest):
    return render(request, "500.html", status=500)


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
