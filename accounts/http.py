"""The request type of views that only a logged-in user reaches (django-stubs' recipe)."""

from __future__ import annotations

from django.http import HttpRequest

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    """An `HttpRequest` behind `@login_required`: its user is a `User`, never anonymous.

    For annotations only (nothing instantiates it); a view whose login is not required keeps
    `HttpRequest` and checks `request.user.is_authenticated` itself.
    """

    user: User
