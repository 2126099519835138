"""Catalogue pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """Show the home page with the catalogue search box."""
    return render(request, "procedures/home.html")
