"""A paginator that takes the number of matches from the page's own rows."""

from __future__ import annotations

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from rest_framework.pagination import PageNumberPagination


class SinglePassPaginator(Paginator):
    """Paginate results whose rows carry `total_count` (all matches): no separate count.

    procedures_search computes it alongside the page's ids: COUNT(*) OVER () over the ranked
    matches, or a count run once as an InitPlan for the catalogue without a query.

    A page past the end has no row to read the total from; then the paginator falls back to
    an ordinary count, so that get_page() can still show the last page.
    """

    def get_page(self, number) -> Page:
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(max(self.num_pages, 1))

    def page(self, number) -> Page:
        number = self.validate_number_without_count(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page])
        if rows and hasattr(rows[0], "total_count"):
            self.__dict__["count"] = rows[0].total_count
        elif not rows and number == 1:
            self.__dict__["count"] = 0
        elif not rows:
            return super().page(number)
        if not rows and not self.allow_empty_first_page:
            raise EmptyPage(self.error_messages["no_results"])
        return Page(rows, number, self)

    def validate_number_without_count(self, number) -> int:
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from exc
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number


class CataloguePagination(PageNumberPagination):
    django_paginator_class = SinglePassPaginator
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
