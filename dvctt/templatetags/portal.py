"""Display helpers of the base layout."""

from __future__ import annotations

from django import template

from dvctt.formats import format_number

register = template.Library()


@register.filter
def page_title(page: str, portal: str) -> str:
    """Return the tab title "Page — Portal" (just the portal's name on a page without one)."""
    page = " ".join(str(page or "").split())
    return f"{page} — {portal}" if page else str(portal)


@register.filter
def number(value: int) -> str:
    """Return a count with Vietnamese grouping (10.000), as amounts are written."""
    return format_number(value)
