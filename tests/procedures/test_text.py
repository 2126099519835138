from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from procedures.text import fold, similarity, trigrams, word_similarity


def test_fold_removes_diacritics_case_and_punctuation():
    assert fold("Thủ tục ĐĂNG KÝ khai sinh (1.001193), Hộ tịch.") == (
        "thu tuc dang ky khai sinh 1.001193 ho tich"
    )
    assert fold("Đổi giấy phép lái xe") == "doi giay phep lai xe"
    assert fold("dăng ký kết hôn") == "dang ky ket hon"
    assert fold(None) == ""


@given(st.text(max_size=80))
def test_fold_is_idempotent_and_ascii(text):
    folded = fold(text)
    assert fold(folded) == folded
    assert all(ch.isascii() for ch in folded)
    assert folded == folded.strip()
    assert "  " not in folded


def test_trigrams_follow_pg_trgm_padding():
    assert trigrams("ky") == {"  k", " ky", "ky "}


@given(st.text(alphabet="abcdefghik ", max_size=30), st.text(alphabet="abcdefghik ", max_size=30))
def test_similarity_is_symmetric_and_bounded(a, b):
    assert similarity(a, b) == similarity(b, a)
    assert 0.0 <= similarity(a, b) <= 1.0
    assert 0.0 <= word_similarity(a, b) <= 1.0


def test_word_similarity_matches_postgresql_for_a_typo():
    # pg_trgm: word_similarity('dang ki khai sinh', 'thu tuc dang ky khai sinh') = 0.7894737
    assert abs(word_similarity("dang ki khai sinh", "thu tuc dang ky khai sinh") - 15 / 19) < 1e-6
