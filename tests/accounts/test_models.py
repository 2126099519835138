from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from accounts.validators import validate_agency_code, validate_id_number

valid_ids = st.builds(
    lambda province, century, year, rest: f"{province:03d}{century}{year:02d}{rest:06d}",
    st.integers(1, 96),
    st.integers(0, 3),
    st.integers(0, 99),
    st.integers(0, 999_999),
)


@given(valid_ids)
def test_every_well_formed_id_number_is_accepted(value):
    validate_id_number(value)


def _well_formed(value: str) -> bool:
    # NĐ 137/2015 Điều 7: 12 ASCII digits, province 001–096, century+gender digit 0–3.
    return (
        len(value) == 12
        and all(c in "0123456789" for c in value)
        and 1 <= int(value[:3]) <= 96
        and value[3] in "0123"
    )


# Near misses of a valid number: a character appended, replaced (by another script's digit, a
# newline, a space…) or dropped — accepted exactly when still well-formed, refused otherwise.
near_misses = st.tuples(
    valid_ids,
    st.integers(0, 12),
    st.sampled_from(["append", "replace", "drop"]),
    st.sampled_from(["\n", " ", "7", "٣", "３", "a", "\x00", ""]),
).map(
    lambda t: {
        "append": t[0][: t[1]] + t[3] + t[0][t[1] :],
        "replace": t[0][: t[1]] + t[3] + t[0][t[1] + 1 :],
        "drop": t[0][: t[1]] + t[0][t[1] + 1 :],
    }[t[2]]
)


@given(st.one_of(near_misses, st.text(max_size=14)))
def test_id_numbers_are_accepted_exactly_when_well_formed(value):
    try:
        validate_id_number(value)
    except ValidationError:
        accepted = False
    else:
        accepted = True
    assert accepted == _well_formed(value), repr(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "001090012345\n",
        "00109001234",
        "0010900123456",
        "00109001234a",
        "000090012345",
        "097090012345",
        "001490012345",
    ],
)
def test_malformed_id_numbers_are_refused(value):
    with pytest.raises(ValidationError):
        validate_id_number(value)


@pytest.mark.parametrize("value", ["000.00.01.H99", "000.00.02.H22", "G01.12.03.H56"])
def test_agency_codes_accepted(value):
    validate_agency_code(value)


@pytest.mark.parametrize(
    "value", ["000.00.01", "000-00-01-H99", "000.00.01.h99", "", "000.00.01.H99\n"]
)
def test_agency_codes_refused(value):
    with pytest.raises(ValidationError):
        validate_agency_code(value)


def test_user_email_is_the_login_and_lowercased(db):
    from accounts.models import User

    user = User.objects.create_user("Mixed.Case@Demo.VN", "pw-1234567")
    assert user.email == "mixed.case@demo.vn"
    assert user.check_password("pw-1234567")
    assert user.is_citizen and not user.is_official
