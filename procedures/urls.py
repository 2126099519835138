from django.urls import path

from . import views

app_name = "procedures"

urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.catalogue, name="catalogue"),
    path("thu-tuc/mau/<int:component_id>/", views.template_download, name="template"),
    path("thu-tuc/<str:code>/", views.detail, name="detail"),
]
