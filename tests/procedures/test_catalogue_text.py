"""Issue 23, point 3: the bundled catalogue has no obvious typos, and a check lists them."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from procedures.text import text_typos


def test_the_bundled_catalogue_has_no_obvious_typos(capsys):
    call_command("check_catalogue_text")
    assert "0 lỗi gõ trong danh mục." in capsys.readouterr().out


def test_repeated_words_and_double_spaces_are_listed(tmp_path, capsys):
    rows = {
        "procedures": [
            {
                "code": "1.000001",
                "name": "Đăng ký  khai sinh",
                "components": [{"condition": "Quân đội nhân nhân nhân (đơn vị)"}],
            }
        ]
    }
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match="2 lỗi gõ"):
        call_command("check_catalogue_text", str(path))
    out = capsys.readouterr().out
    assert "1.000001.components[1].condition: lặp từ “nhân nhân nhân”" in out
    assert "1.000001.name: hai dấu cách liền nhau" in out


@pytest.mark.parametrize("text", ["đi từ từ", "thường thường", "Công an nhân dân"])
def test_intended_reduplications_are_not_typos(text):
    assert text_typos(text) == []
