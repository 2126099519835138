"""CappedPaginator: long lists count at most `cap` rows, in one LIMITed query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Agency
from dvctt.formats import format_number
from dvctt.pagination import CappedPaginator

pytestmark = pytest.mark.django_db


@pytest.fixture
def agencies():
    Agency.objects.bulk_create(
        Agency(code=f"000.00.{n:02d}.H77", name=f"Cơ quan {n}", level="commune") for n in range(25)
    )
    return Agency.objects.filter(code__endswith=".H77").order_by("code")


def test_a_list_longer_than_the_cap_is_counted_up_to_the_cap(agencies):
    paginator = CappedPaginator(agencies, 5, cap=10)
    with CaptureQueriesContext(connection) as ctx:
        assert paginator.count == 10
    assert paginator.is_capped
    assert paginator.num_pages == 2
    (query,) = ctx.captured_queries
    assert "LIMIT 11" in query["sql"]
    # Asking for a page past the cap shows the last counted page.
    assert paginator.get_page(9).number == 2


def test_a_list_within_the_cap_is_counted_exactly(agencies):
    paginator = CappedPaginator(agencies, 5, cap=100)
    assert (paginator.count, paginator.is_capped, paginator.num_pages) == (25, False, 5)
    assert [a.code for a in paginator.get_page(5)] == [a.code for a in agencies][20:]


def test_numbers_are_grouped_the_vietnamese_way():
    assert [format_number(n) for n in (7, 5451, 10_000, 1_000_000)] == [
        "7",
        "5.451",
        "10.000",
        "1.000.000",
    ]
