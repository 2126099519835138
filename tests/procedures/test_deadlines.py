"""Processing times as catalogue data: fractions of a day, calendar days, an online time."""

from __future__ import annotations

import copy

import pytest

from procedures.deadlines import deadline_from_note, parse_days
from procedures.models import Procedure
from procedures.services import procedure_snapshot, procedures_import


@pytest.mark.parametrize(
    ("note", "days", "expected"),
    [
        (
            "Trực tuyến: 17 ngày làm việc; Dịch vụ bưu chính: 20 ngày làm việc; "
            "Trực tiếp: 27 ngày làm việc.",
            27,
            {"calendar": False, "online_days": 17},
        ),
        (
            "Trực tuyến: 20 ngày; Dịch vụ bưu chính: 20 ngày; Trực tiếp: 15 ngày.",
            15,
            {"calendar": True, "online_days": 20},
        ),
        ("Trực tuyến: 10 ngày; Trực tiếp: 10 ngày.", 10, {"calendar": True, "online_days": None}),
        (
            "Cổng ghi 20 Ngày; mô tả: tối đa không quá 20 ngày làm việc kể từ ngày nộp đủ hồ sơ.",
            20,
            {"calendar": False, "online_days": None},
        ),
        (
            "Trực tuyến: 1 (nguồn không ghi đơn vị); Trực tiếp: 1 (nguồn không ghi đơn vị).",
            1,
            {"calendar": False, "online_days": None},
        ),
        (
            "Trực tuyến: 0,5 ngày làm việc; Trực tiếp: 1 ngày làm việc.",
            1,
            {
                "calendar": False,
                "online_days": 0.5,
            },
        ),
        ("", 3, {"calendar": False, "online_days": None}),
    ],
)
def test_deadline_read_from_the_catalogue_note(note, days, expected):
    assert deadline_from_note(note, days) == expected


def test_parse_days_accepts_fractions_and_refuses_nonsense():
    assert parse_days(3) == 3 and parse_days("0.5") == 0.5 and parse_days(1.25) == 1.25
    for bad in (-1, "abc", True, 0.125, float("nan")):
        with pytest.raises(ValueError):
            parse_days(bad)


def test_bundled_catalogue_keeps_calendar_and_online_times(catalogue):
    online = procedure_snapshot(procedure=Procedure.objects.get(code="1.013978"))
    assert online["processing_days"] == 27 and online["online_processing_days"] == 17
    assert online["processing_calendar_days"] is False
    calendar = procedure_snapshot(procedure=Procedure.objects.get(code="1.013225"))
    assert calendar["processing_calendar_days"] is True
    assert calendar["online_processing_days"] == 20
    working = Procedure.objects.get(code="2.000986")
    assert working.processing_calendar_days is False


def test_half_day_procedure_imports_and_shows_in_the_api(db, client, bundled_data):
    row = copy.deepcopy(bundled_data["procedures"][0])
    row.pop("demo", None)
    row.update(
        {
            "code": "9.990001",
            "processing_days": 0.5,
            "processing_note": "Trong ngày làm việc",
            "steps": [],
        }
    )
    procedures_import(data={"procedures": [row]})
    procedure = Procedure.objects.get(code="9.990001")
    assert procedure.processing_days == 0.5
    assert sum(s.duration_hours for s in procedure.steps.all()) in (0, 4)
    body = client.get("/api/v1/procedures/9.990001/").json()
    assert body["processing_days"] == 0.5
    assert body["processing_calendar_days"] is False and body["online_processing_days"] is None
    row["processing_days"] = -2
    row["code"] = "9.990002"
    with pytest.raises(Exception, match="thời hạn giải quyết"):
        procedures_import(data={"procedures": [row]})


def test_detail_page_says_calendar_days_and_the_online_time(catalogue, client):
    page = client.get("/thu-tuc/1.013225/").content.decode()
    assert "15 ngày (tính cả ngày nghỉ)" in page and "nộp trực tuyến: 20 ngày" in page
    page = client.get("/thu-tuc/1.013978/").content.decode()
    assert "27 ngày làm việc" in page and "nộp trực tuyến: 17 ngày làm việc" in page
