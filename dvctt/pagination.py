"""Pagination: a paginator for lists of hundreds of thousands of rows, and the page links."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Count at most `cap` rows: "more than 10,000" instead of counting 200,000 to say so.

    An agency's whole archive holds hundreds of thousands of dossiers; an exact count of it
    reads them all on every page view, a capped one reads at most cap + 1 index entries. The
    pages past the cap are reached by narrowing the list (search, filters), as people do.
    """

    cap = 10_000

    def __init__(
        self, object_list: QuerySet[Any], per_page: int, *, cap: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.rows = object_list
        if cap is not None:
            self.cap = cap

    @cached_property
    def _counted(self) -> int:
        # A sliced queryset counts as SELECT COUNT(*) FROM (... LIMIT cap + 1).
        return self.rows[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def is_capped(self) -> bool:
        """Tell whether the list holds more rows than were counted."""
        return self._counted > self.cap


def query_without_page(request: HttpRequest) -> str:
    """Return the request's query string minus `page`, for the links to the other pages."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
