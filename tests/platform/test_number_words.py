"""Amounts in Vietnamese words, as the fee receipt prints them (NĐ 123/2020 Điều 32)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dvctt.formats import dong_in_words, number_in_words

TABLE = [
    (0, "không"),
    (1, "một"),
    (4, "bốn"),
    (5, "năm"),
    (10, "mười"),
    (11, "mười một"),
    (14, "mười bốn"),
    (15, "mười lăm"),
    (20, "hai mươi"),
    (21, "hai mươi mốt"),
    (24, "hai mươi tư"),
    (25, "hai mươi lăm"),
    (55, "năm mươi lăm"),
    (100, "một trăm"),
    (101, "một trăm linh một"),
    (104, "một trăm linh bốn"),
    (105, "một trăm linh năm"),
    (110, "một trăm mười"),
    (115, "một trăm mười lăm"),
    (121, "một trăm hai mươi mốt"),
    (1_000, "một nghìn"),
    (1_005, "một nghìn không trăm linh năm"),
    (1_015, "một nghìn không trăm mười lăm"),
    (1_050, "một nghìn không trăm năm mươi"),
    (2_024, "hai nghìn không trăm hai mươi tư"),
    (7_000, "bảy nghìn"),
    (15_000, "mười lăm nghìn"),
    (21_000, "hai mươi mốt nghìn"),
    (40_000, "bốn mươi nghìn"),
    (100_000, "một trăm nghìn"),
    (105_000, "một trăm linh năm nghìn"),
    (1_000_000, "một triệu"),
    (1_000_005, "một triệu không trăm linh năm"),
    (1_000_500, "một triệu năm trăm"),
    (1_001_001, "một triệu không trăm linh một nghìn không trăm linh một"),
    (1_250_000, "một triệu hai trăm năm mươi nghìn"),
    (1_000_000_000, "một tỷ"),
    (1_001_000_000, "một tỷ không trăm linh một triệu"),
    (
        1_234_567_891,
        "một tỷ hai trăm ba mươi tư triệu năm trăm sáu mươi bảy nghìn tám trăm chín mươi mốt",
    ),
    (1_000_000_000_000, "một nghìn tỷ"),
]


@pytest.mark.parametrize(("number", "words"), TABLE)
def test_table(number, words):
    assert number_in_words(number) == words


def test_dong_is_capitalised_with_its_unit():
    assert dong_in_words(1_250_000) == "Một triệu hai trăm năm mươi nghìn đồng"
    assert dong_in_words(50_000) == "Năm mươi nghìn đồng"
    assert dong_in_words(0) == "Không đồng"
    with pytest.raises(ValueError):
        number_in_words(-1)


# An independent reader of the words: if it gets the number back, nothing was lost or doubled.
DIGIT = {
    "không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5,
    "sáu": 6, "bảy": 7, "tám": 8, "chín": 9,
}  # fmt: skip


def read_words(text: str) -> int:
    big = below = small = digit = 0
    for word in text.split():
        if word in DIGIT:
            digit = DIGIT[word]
        elif word == "trăm":
            small, digit = small + digit * 100, 0
        elif word == "mươi":
            small, digit = small + digit * 10, 0
        elif word == "mười":
            small += 10
        elif word == "linh":
            pass
        elif word == "nghìn":
            below, small, digit = below + (small + digit) * 1000, 0, 0
        elif word == "triệu":
            below, small, digit = below + (small + digit) * 10**6, 0, 0
        elif word == "tỷ":
            big, below, small, digit = (big + below + small + digit) * 10**9, 0, 0, 0
        else:
            raise AssertionError(f"unexpected word {word!r}")
    return big + below + small + digit


@given(st.integers(min_value=0, max_value=10**15))
def test_words_read_back_to_the_number(number):
    assert read_words(number_in_words(number)) == number


@given(st.integers(min_value=0, max_value=10**12))
def test_vietnamese_rules_hold(number):
    words = number_in_words(number).split()
    for before, after in itertools.pairwise(words):
        # "linh" (zero tens) is followed by a plain digit: linh một, linh bốn, linh năm.
        if before == "linh":
            assert after in ("một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
        # After "mươi" (tens ≥ 2): mốt, tư, lăm — never một, bốn, năm.
        if before == "mươi":
            assert after not in ("một", "bốn", "năm")
        # After "mười": một and bốn stay, năm becomes lăm.
        if before == "mười":
            assert after not in ("mốt", "tư", "năm")
    # "mốt", "tư" and "lăm" only ever follow tens.
    for index, word in enumerate(words):
        if word in ("mốt", "tư"):
            assert words[index - 1] == "mươi"
        if word == "lăm":
            assert words[index - 1] in ("mươi", "mười")
    assert "không mươi" not in " ".join(words) and "một mươi" not in " ".join(words)
