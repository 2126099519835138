from django.urls import path

from . import views, vneid

app_name = "accounts"

urlpatterns = [
    path("tai-khoan/", views.profile, name="profile"),
    path("tai-khoan/lien-ket-vneid/", vneid.link_confirm, name="vneid_link"),
    path("tai-khoan/xac-thuc-hai-lop/dang-ky/", views.mfa_enrol, name="mfa_enrol"),
    path(
        "tai-khoan/xac-thuc-hai-lop/dang-ky/<str:token>/",
        views.mfa_enrol_link,
        name="mfa_enrol_link",
    ),
]
