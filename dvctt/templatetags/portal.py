"""Display helpers of the base layout."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def page_title(page: str, portal: str) -> str:
    """Return the tab title "Page — Portal" (just the portal's name on a page without one)."""
    page = " ".join(str(page or "").split())
    return f"{page} — {portal}" if page else str(portal)
