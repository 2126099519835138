"""Pages of service quality (docs/api.md §3)."""

from django.urls import URLPattern, URLResolver, path

from . import indicator_views, views

app_name = "reports"

urlpatterns: list[URLPattern | URLResolver] = [
    path("ho-so-cua-toi/<uuid:dossier_id>/danh-gia/", views.rate_dossier, name="rate"),
    path("phan-anh-kien-nghi/", views.feedback_home, name="feedback_home"),
    path("phan-anh-kien-nghi/gui/", views.feedback_send, name="feedback_send"),
    path("phan-anh-kien-nghi/tra-cuu/", views.feedback_follow, name="feedback_follow"),
    path("can-bo/danh-gia/", views.official_ratings, name="official_ratings"),
    path("can-bo/phan-anh-kien-nghi/", views.official_feedback_list, name="official_feedback_list"),
    path(
        "can-bo/phan-anh-kien-nghi/<str:code>/",
        views.official_feedback_detail,
        name="official_feedback_detail",
    ),
    path(
        "can-bo/phan-anh-kien-nghi/<str:code>/thao-tac/<str:action>/",
        views.official_feedback_action,
        name="official_feedback_action",
    ),
    path("thong-ke/", indicator_views.public_statistics, name="statistics"),
    path("can-bo/chi-so/", indicator_views.dashboard, name="dashboard"),
]
