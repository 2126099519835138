from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from procedures.lexicon import alternatives, edit_distance
from procedures.text import fold


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


@given(st.text(alphabet="abcdhiky", max_size=8), st.text(alphabet="abcdhiky", max_size=8))
def test_edit_distance_is_a_metric(a, b):
    assert edit_distance(a, b) == edit_distance(b, a)
    assert (edit_distance(a, b) == 0) == (a == b)
    assert edit_distance(a, b) <= max(len(a), len(b))


def test_typos_map_to_catalogue_words(db):
    from procedures.models import SearchWord

    SearchWord.objects.bulk_create(
        [SearchWord(word=w) for w in ["dang", "ky", "khai", "sinh", "kinh", "tru"]]
    )
    from procedures import lexicon

    lexicon.invalidate()
    assert alternatives("dang") == ["dang"]  # a catalogue word stands for itself only
    assert "ky" in alternatives("ki")
    assert alternatives("sinhh") == ["sinh"]
    assert alternatives("kh")[0] == "kh"  # a word being typed keeps its own prefix first
    assert alternatives("qqqqqq") == []
    assert alternatives("1.001193") == ["1.001193"]
