from __future__ import annotations

import pytest

from procedures.models import Component, ProcedureVersion
from procedures.selectors import procedure_snapshot
from procedures.services import procedure_current_version, procedure_publish
from tests.procedures.factories import ComponentFactory, ProcedureFactory

pytestmark = pytest.mark.django_db


def test_snapshot_has_the_api_detail_shape(agency):
    procedure = ProcedureFactory(agencies=[agency])
    snap = procedure_snapshot(procedure=procedure)
    for key in [
        "code",
        "name",
        "field",
        "levels",
        "online_mode",
        "processing_days",
        "fees",
        "cases",
        "components",
        "form_schema",
        "agencies",
        "steps",
        "version",
    ]:
        assert key in snap
    assert snap["fees"] == [
        {
            "name": "Lệ phí",
            "amount": 50_000,
            "online_amount": 40_000,
            "online_from": None,
            "online_until": None,
            "note": "",
            "case": None,
        }
    ]
    [case] = snap["cases"]
    assert [c["required"] for c in case["components"]] == [True, False]
    assert snap["components"] == case["components"]
    assert set(snap["components"][0]) >= {
        "id",
        "name",
        "originals",
        "copies",
        "required",
        "case",
        "max_size_mb",
        "kind",
        "note",
    }
    assert snap["agencies"] == [{"code": agency.code, "name": agency.name}]
    assert sum(step["duration_hours"] for step in snap["steps"]) == 3 * 8
    assert set(snap["steps"][0]) == {
        "position", "name", "role", "unit_code", "duration_hours", "agency",
    }  # fmt: skip
    assert snap["form_schema"]["required"] == ["ho_ten"]


def test_traits_free_and_multi_case():
    free = procedure_snapshot(procedure=ProcedureFactory(free=True))
    assert all(fee["amount"] == 0 and fee["online_amount"] == 0 for fee in free["fees"])
    multi = procedure_snapshot(procedure=ProcedureFactory(multi_case=True))
    assert len(multi["cases"]) == 2
    first, second = ({c["id"] for c in case["components"]} for case in multi["cases"])
    assert first and second and not first & second


def test_publish_is_idempotent_until_something_changes():
    procedure = ProcedureFactory()
    first = procedure_current_version(procedure=procedure)
    assert first.number == 1
    assert procedure_publish(procedure=procedure) == first
    procedure.processing_note = "Rút ngắn còn 2 ngày"
    procedure.save()
    second = procedure_publish(procedure=procedure)
    assert second.number == 2
    assert second.snapshot["version"] == 2
    procedure.refresh_from_db()
    assert procedure.version == 2
    assert procedure_current_version(procedure=procedure) == second


def test_current_version_publishes_when_none_exists():
    procedure = ProcedureFactory(publish=False)
    assert not procedure.versions.exists()
    version = procedure_current_version(procedure=procedure)
    assert version.number == 1
    assert version.snapshot == procedure_snapshot(procedure=procedure)


def test_editing_does_not_change_an_older_version():
    procedure = ProcedureFactory()
    old = procedure_current_version(procedure=procedure)
    old_components = [c["name"] for c in old.snapshot["components"]]
    ComponentFactory(case=procedure.cases.get(), name="Giấy tờ mới thêm")
    Component.objects.filter(procedure=procedure, required=False).delete()
    new = procedure_publish(procedure=procedure)
    old.refresh_from_db()
    assert [c["name"] for c in old.snapshot["components"]] == old_components
    assert "Giấy tờ mới thêm" in [c["name"] for c in new.snapshot["components"]]
    assert ProcedureVersion.objects.filter(procedure=procedure).count() == 2


def test_search_text_is_maintained_on_save():
    procedure = ProcedureFactory(name="Đăng ký tạm trú thử")
    assert procedure.search_text.startswith(" dang ky tam tru thu ")
    procedure.name = "Gia hạn tạm trú thử"
    procedure.save(update_fields=["name"])
    procedure.refresh_from_db()
    assert procedure.search_text.startswith(" gia han tam tru thu ")


def test_the_lexicon_learns_new_wording_from_the_service_not_from_save():
    from procedures.models import SearchWord

    procedure = ProcedureFactory(name="Cấp phép thử")
    procedure.name = "Cấp phép xuồngmáy thử"
    procedure.save()
    assert not SearchWord.objects.filter(word="xuongmay").exists()
    procedure_publish(procedure=procedure)
    assert SearchWord.objects.filter(word="xuongmay").exists()
