"""The rating block of the citizen's dossier page: dossiers' template loads it by name, so
`dossiers` never imports `reports`."""

from __future__ import annotations

from typing import Any

from django import template

from dossiers.models import Dossier
from reports import selectors, services
from reports.forms import RatingForm

register = template.Library()


@register.inclusion_tag("reports/_rating_block.html", takes_context=True)
def dossier_rating(context: template.Context, dossier: Dossier) -> dict[str, Any]:
    """Render the owner's rating of a settled dossier, or the form to give one."""
    settled = dossier.status in services.RATABLE_STATUSES
    rating = selectors.rating_for_dossier(dossier=dossier) if settled else None
    return {
        "dossier": dossier,
        "rating": rating,
        "ratable": settled and rating is None,
        "form": RatingForm(auto_id="rating-%s") if settled and rating is None else None,
        "csrf_token": context.get("csrf_token"),
    }
