from __future__ import annotations

import copy
import json

import pytest
from django.core.management import CommandError, call_command

from accounts.demo import seed_demo_accounts
from procedures.constants import OnlineMode
from procedures.models import Component, Procedure, ProcedureVersion
from procedures.selectors import procedure_snapshot
from procedures.services import procedures_export, procedures_import

pytestmark = pytest.mark.django_db


def _without_ids(snapshot: dict) -> dict:
    snap = json.loads(json.dumps(snapshot))
    for case in snap["cases"]:
        case.pop("id")
        for component in case["components"]:
            component.pop("id"), component.pop("case")
    for component in snap["components"]:
        component.pop("id"), component.pop("case")
    for fee in snap["fees"]:
        fee.pop("case")
    snap.pop("version")
    return snap


def test_bundled_catalogue_meets_the_demo_contract(catalogue, bundled_data):
    assert catalogue.created == len(bundled_data["procedures"]) == Procedure.objects.count()
    assert catalogue.published == catalogue.created
    full = Procedure.objects.filter(online_mode=OnlineMode.FULL)
    assert full.count() >= 10
    kinds = set()
    for procedure in full:
        snap = procedure_snapshot(procedure=procedure)
        assert snap["form_schema"]["properties"], procedure.code
        assert snap["components"], procedure.code
        assert "online_mode" in procedure.demo_fields or procedure.code == "1.012575"
        kinds.add(any(fee["amount"] or fee["online_amount"] for fee in snap["fees"]))
    assert kinds == {True, False}, "some full procedures with a fee and some free"

    birth = procedure_snapshot(procedure=Procedure.objects.get(code="1.001193"))
    assert birth["online_mode"] == "full"
    assert all(fee["amount"] == 0 and fee["online_amount"] == 0 for fee in birth["fees"])
    stay = procedure_snapshot(procedure=Procedure.objects.get(code="1.004194"))
    assert stay["online_mode"] == "full"
    assert [(f["amount"], f["online_amount"]) for f in stay["fees"]] == [(15_000, 7_000)]
    assert len(stay["cases"]) == 3  # derived from components[].condition


def test_agencies_cases_required_and_steps(catalogue):
    for procedure in Procedure.objects.prefetch_related("agencies", "steps", "cases"):
        codes = {agency.code for agency in procedure.agencies.all()}
        assert "000.00.01.H99" in codes
        assert ("000.00.02.H99" in codes) == ("Cấp xã" in procedure.levels)
        assert procedure.cases.exists(), procedure.code
        assert sum(s.duration_hours for s in procedure.steps.all()) == procedure.processing_days * 8
    # required=null in the source means required, unless the text is conditional
    stay = Procedure.objects.get(code="1.004194")
    military = stay.components.get(name__startswith="Đối với Quân đội nhân dân")
    assert military.required is False
    assert stay.components.get(name__startswith="Thông tin chứng minh về chỗ ở").required is True
    # a paper declaration "(nếu … nộp … trực tiếp …)" is not asked of an online filer
    birth = Procedure.objects.get(code="1.001193")
    assert (
        birth.components.get(name__startswith="Tờ khai đăng ký khai sinh theo mẫu").required
        is False
    )
    assert birth.components.get(name__startswith="Giấy chứng sinh").required is True


def test_reimport_is_idempotent_and_keeps_ids(catalogue, bundled_data):
    ids = sorted(Component.objects.values_list("id", flat=True))
    versions = ProcedureVersion.objects.count()
    again = procedures_import(data=copy.deepcopy(bundled_data))
    assert (again.created, again.updated, again.published) == (0, 59, 0)
    assert sorted(Component.objects.values_list("id", flat=True)) == ids
    assert ProcedureVersion.objects.count() == versions


def test_changed_procedure_gets_a_new_version(catalogue, bundled_data):
    data = copy.deepcopy(bundled_data)
    row = next(p for p in data["procedures"] if p["code"] == "1.000894")
    row["components"].append({"name": "Giấy tờ mới", "originals": 1, "copies": 0})
    result = procedures_import(data=data)
    assert result.published == 1
    procedure = Procedure.objects.get(code="1.000894")
    assert procedure.version == 2
    old, new = procedure.versions.order_by("number")
    assert "Giấy tờ mới" not in [c["name"] for c in old.snapshot["components"]]
    assert "Giấy tờ mới" in [c["name"] for c in new.snapshot["components"]]


def test_export_import_round_trip(catalogue, bundled_data):
    before = {
        p.code: _without_ids(procedure_snapshot(procedure=p)) for p in Procedure.objects.all()
    }
    exported = json.loads(json.dumps(procedures_export(procedures=Procedure.objects.all())))
    Procedure.objects.all().delete()
    result = procedures_import(data=exported)
    assert result.created == len(before)
    after = {p.code: _without_ids(procedure_snapshot(procedure=p)) for p in Procedure.objects.all()}
    assert after == before
    again = json.loads(json.dumps(procedures_export(procedures=Procedure.objects.all())))
    assert again == exported


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda row: row.pop("name"), "thiếu tên thủ tục"),
        (
            lambda row: (row["demo"].pop("online_mode", None), row.update(online_mode="sometimes")),
            "mức độ trực tuyến",
        ),
        (lambda row: row["demo"].update(online_mode="sometimes"), "mức độ trực tuyến"),
        (
            lambda row: (row["demo"].pop("fees", None), row.update(fees=[{"amount_vnd": -5}])),
            "không âm",
        ),
        (
            lambda row: row["demo"].update(form_schema={"type": "object", "properties": {"a": {}}}),
            "biểu mẫu",
        ),
        (lambda row: row["demo"]["steps"][0].update(duration_hours=999), "Tổng thời gian"),
        (lambda row: row.update(components=[{"originals": 1}]), "thiếu tên"),
        (lambda row: row["components"][0].update(copies=True), "thứ 1: số bản"),
        (lambda row: row["demo"]["steps"][1].pop("role"), "bước xử lý thứ 2 thiếu vai trò"),
        (lambda row: row["demo"]["steps"][0].pop("duration_hours"), "thứ 1: số giờ"),
        (lambda row: row.update(demo=["full"]), '"demo" phải là một đối tượng'),
        (lambda row: row.update(code="x" * 31), "mã dài quá 30 ký tự"),
    ],
)
def test_bad_row_rolls_back_everything_with_position_and_reason(
    db, bundled_data, tmp_path, mutate, reason
):
    seed_demo_accounts()
    data = copy.deepcopy(bundled_data)
    mutate(data["procedures"][30])
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        call_command("import_procedures", str(path))
    message = str(excinfo.value)
    assert "Không nhập gì cả" in message
    assert "Thủ tục thứ 31" in message
    assert reason in message
    assert Procedure.objects.count() == 0
    assert ProcedureVersion.objects.count() == 0


def test_import_is_batched(db, bundled_data, django_assert_max_num_queries):
    seed_demo_accounts()
    # one statement per table and procedure (documents, fees, steps, agencies in bulk) and the
    # version it publishes; saving each document apart took ~2,450 queries
    with django_assert_max_num_queries(20 * len(bundled_data["procedures"])):
        result = procedures_import(data=copy.deepcopy(bundled_data))
    assert result.created == Procedure.objects.count() == 59


def test_duplicate_codes_and_unreadable_files(db, bundled_data, tmp_path):
    data = copy.deepcopy(bundled_data)
    data["procedures"].append(copy.deepcopy(data["procedures"][0]))
    path = tmp_path / "dup.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match="trùng"):
        call_command("import_procedures", str(path))
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="không phải JSON hợp lệ"):
        call_command("import_procedures", str(path))
    with pytest.raises(CommandError, match="Không đọc được"):
        call_command("import_procedures", str(tmp_path / "missing.json"))
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(CommandError, match="procedures"):
        call_command("import_procedures", str(path))
    assert Procedure.objects.count() == 0


def test_seed_demo_loads_the_catalogue_and_is_safe_twice(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    count, versions = Procedure.objects.count(), ProcedureVersion.objects.count()
    assert count == 59
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (Procedure.objects.count(), ProcedureVersion.objects.count()) == (count, versions)


def test_once_only_documents_are_data_set_at_import(catalogue, bundled_data):
    # Issue 12: declared in the demo block by position, never guessed from the wording.
    stay = Component.objects.filter(procedure__code="1.004194").order_by("position")
    assert [c.once_only for c in stay[:2]] == ["state_data", "e_form"]
    assert "Cơ quan tự khai thác" in stay[0].get_once_only_display()
    assert "once_only" in Procedure.objects.get(code="1.004194").demo_fields
    unflagged = Component.objects.filter(procedure__code="1.001612", once_only="")
    assert unflagged.count() == Component.objects.filter(procedure__code="1.001612").count()
    snapshot = procedure_snapshot(procedure=Procedure.objects.get(code="1.004194"))
    assert snapshot["components"][0]["once_only"] == "state_data"


@pytest.mark.parametrize(
    "once_only",
    [[{"component": 1, "why": "maybe"}], [{"component": 0, "why": "e_form"}], "1"],
)
def test_bad_once_only_is_refused(db, bundled_data, once_only):
    seed_demo_accounts()
    data = copy.deepcopy(bundled_data)
    data["procedures"][0]["demo"]["once_only"] = once_only
    from procedures.services import ImportRowError

    with pytest.raises(ImportRowError):
        procedures_import(data=data)
