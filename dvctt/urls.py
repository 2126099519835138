"""URL map of the portal (docs/api.md §3–4)."""

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.api import TokenListApi, TokenObtainApi, TokenRevokeApi
from accounts.identity_views import identity_verify
from accounts.vneid import callback as vneid_callback

from . import views

admin.site.site_header = "Quản trị DVCTT"
admin.site.site_title = "Quản trị DVCTT"

api_v1: list[URLPattern | URLResolver] = [
    path("auth/token/", TokenObtainApi.as_view(), name="api-auth-token"),
    path("auth/tokens/", TokenListApi.as_view(), name="api-auth-tokens"),
    path("auth/tokens/<str:key>/", TokenRevokeApi.as_view(), name="api-auth-token-revoke"),
    path("", include("procedures.api_urls")),
    path("", include("dossiers.api_urls")),
    path("", include("payments.api_urls")),
    path("", include("reports.api_urls")),
]

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("metrics", views.metrics, name="prometheus-django-metrics"),
    path("tuy-chon-hien-thi/", views.preferences, name="preferences"),
    path("tai-khoan/xac-thuc-danh-tinh/", identity_verify, name="identity_verify"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # VNeID: allauth's OpenID Connect callback with the full ID-token check (accounts/vneid.py),
    # ahead of allauth's own; then the stand-in identity provider (unset VNEID_ISSUER).
    path(
        "accounts/oidc/<str:provider_id>/login/callback/",
        vneid_callback,
        name="vneid_callback",
    ),
    path("accounts/", include("allauth.urls")),
    path("_vneid/", include("vneid_standin.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include(api_v1)),
    path("", include("accounts.urls")),
    path("", include("procedures.urls")),
    path("", include("dossiers.urls")),
    path("", include("payments.urls")),
    path("", include("notifications.urls")),
    path("", include("reports.urls")),
    path("", include("integrations.urls")),
]

# The load bench's yardstick (BENCH public_page_ratio): the cheapest JSON view Django serves
# through the full middleware stack. Off unless BENCH_PING_ENABLED is set.
if settings.BENCH_PING_ENABLED:
    urlpatterns.insert(0, path("_bench/ping", views.bench_ping, name="bench-ping"))

handler400 = "dvctt.views.error_400"
handler403 = "dvctt.views.error_403"
handler404 = "dvctt.views.error_404"
handler500 = "dvctt.views.error_500"
