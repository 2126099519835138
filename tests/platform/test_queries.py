"""dvctt.queries.one_or_none: a lookup by key without the ORDER BY `.first()` adds."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossiers.models import Dossier
from dvctt.queries import one_or_none
from tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db


def test_the_row_or_none_and_no_order_by():
    person = CitizenFactory()
    User = type(person)
    with CaptureQueriesContext(connection) as queries:
        assert one_or_none(User.objects.filter(pk=person.pk)) == person
        assert one_or_none(User.objects.filter(pk=person.pk).values_list("email", flat=True)) == (
            person.email
        )
        # Dossier has Meta.ordering (-created_at): .first() would compile it against every column.
        assert one_or_none(Dossier.objects.select_related("procedure").filter(pk=0)) is None
    assert len(queries) == 3
    assert not any("ORDER BY" in q["sql"] for q in queries.captured_queries)
