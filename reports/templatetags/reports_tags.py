"""Display helpers of the service-quality pages."""

from __future__ import annotations

from django import template

from reports.charts import percent_text

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """A ratio 0–1 as "93,5 %" (— when nothing was measured)."""
    return percent_text(value)
