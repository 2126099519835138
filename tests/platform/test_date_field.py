"""Issue 23.4: one date field for every form — dd/mm/yyyy shown and read whatever the browser's
language, ISO yyyy-mm-dd read too, a clear Vietnamese error otherwise."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from accounts.identity_views import IdentityVerifyForm
from dossiers.workspace.forms import QueueFilterForm
from dvctt.forms import DayFirstDateField


class _Form(forms.Form):
    day = DayFirstDateField(label="Ngày")


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_shown_and_read_back_day_first_or_iso(day):
    shown = _Form(initial={"day": day})["day"].value()
    rendered = str(_Form(initial={"day": day})["day"])
    assert day.strftime("%d/%m/%Y") in rendered
    for typed in (day.strftime("%d/%m/%Y"), day.isoformat(), f" {day:%d/%m/%Y} "):
        form = _Form({"day": typed})
        assert form.is_valid(), (shown, typed, form.errors)
        assert form.cleaned_data["day"] == day


@pytest.mark.parametrize("typed", ["31/02/2026", "2026-13-01", "12/2026", "abc", "01/01/26x"])
def test_an_impossible_date_gets_a_vietnamese_message(typed):
    form = _Form({"day": typed})
    assert not form.is_valid()
    assert form.errors["day"] == [
        "Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm, ví dụ 12/05/1990."
    ]


def test_the_widget_is_a_numeric_text_box_with_pattern_placeholder_and_hint():
    html = str(_Form()["day"])
    assert 'type="text"' in html and 'inputmode="numeric"' in html
    assert 'placeholder="dd/mm/yyyy"' in html and "pattern=" in html
    assert 'aria-describedby="id_day_helptext"' in html
    assert _Form()["day"].help_text == "Ngày/tháng/năm, ví dụ 12/05/1990."


@pytest.mark.parametrize(
    ("form", "name"),
    [
        (IdentityVerifyForm, "date_of_birth"),
        (QueueFilterForm, "date_from"),
        (QueueFilterForm, "date_to"),
    ],
)
def test_every_date_field_of_the_forms_is_day_first(form, name):
    field = form().fields[name]
    assert isinstance(field, DayFirstDateField)
    assert 'type="date"' not in str(form()[name])
