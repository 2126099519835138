"""Routes of outside systems calling the portal."""

from django.urls import path

from . import views

urlpatterns = [
    path("integrations/postal/callback/", views.postal_callback, name="postal_callback"),
]
