from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("tai-khoan/thong-bao/", views.preferences, name="preferences"),
    path("tai-khoan/hop-thu/", views.inbox, name="inbox"),
    path("tai-khoan/hop-thu/da-doc/", views.mark_read, name="mark_all_read"),
    path("tai-khoan/hop-thu/<int:notification_id>/da-doc/", views.mark_read, name="mark_read"),
]
