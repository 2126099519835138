from __future__ import annotations

import json
from typing import Any

import pytest

from accounts.models import User
from procedures.models import Procedure
from tests.procedures.factories import FORM_SCHEMA, ProcedureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser(email="quantri@example.vn", password="S3cure-pass!2025")
    client.force_login(user)
    return client


def _form_data(procedure: Procedure, **changes) -> dict:
    steps = list(procedure.steps.all())
    data = {
        "code": procedure.code,
        "name": procedure.name,
        "field": procedure.field_id,
        "levels": list(procedure.levels),  # checkboxes
        "online_mode": procedure.online_mode,
        "is_published": "on",
        "processing_days": procedure.processing_days,
        "processing_note": procedure.processing_note,
        "fee_payment_stage": procedure.fee_payment_stage,
        "agency_type": "",
        "result": procedure.result,
        "conditions": "",
        "legal_basis": "",  # one text per line
        "form_schema": json.dumps(procedure.form_schema),
        "popularity": 0,
        "source": "",
        "demo_fields": "[]",
        "extra": "{}",
    }
    formsets: list[tuple[str, list[Any], list[str]]] = [
        ("cases", list(procedure.cases.all()), ["position", "name", "processing_days"]),
        (
            "components",
            list(procedure.components.all()),
            ["case", "position", "name", "originals", "copies", "required", "kind", "max_size_mb"],
        ),
        ("fees", list(procedure.fees.all()), ["position", "name", "amount", "online_amount"]),
        ("steps", steps, ["position", "name", "role", "unit_code", "duration_hours"]),
        ("versions", list(procedure.versions.all()), []),
    ]
    for prefix, objects, fields in formsets:
        data[f"{prefix}-TOTAL_FORMS"] = len(objects)
        data[f"{prefix}-INITIAL_FORMS"] = len(objects)
        for index, obj in enumerate(objects):
            data[f"{prefix}-{index}-id"] = obj.pk
            data[f"{prefix}-{index}-procedure"] = procedure.pk
            for name in fields:
                value = getattr(obj, f"{name}_id" if name == "case" else name)
                if value is None:
                    value = ""
                if value is True:
                    value = "on"
                if value is not False:
                    data[f"{prefix}-{index}-{name}"] = value
    data.update(changes)
    return data


def test_admin_saves_a_valid_edit_as_a_new_version(admin_client):
    procedure = ProcedureFactory()
    url = f"/admin/procedures/procedure/{procedure.pk}/change/"
    response = admin_client.post(url, _form_data(procedure, processing_note="Mới"))
    assert response.status_code == 302, response.content.decode()[:3000]
    procedure.refresh_from_db()
    assert procedure.processing_note == "Mới"
    assert procedure.version == 2


def test_admin_refuses_a_bad_form_schema(admin_client):
    procedure = ProcedureFactory()
    bad = {**FORM_SCHEMA, "properties": {"x": {"type": "string"}}}
    response = admin_client.post(
        f"/admin/procedures/procedure/{procedure.pk}/change/",
        _form_data(procedure, form_schema=json.dumps(bad)),
    )
    assert response.status_code == 200
    assert "cần có nhãn" in response.content.decode()
    procedure.refresh_from_db()
    assert procedure.version == 1


def test_admin_refuses_steps_that_do_not_add_up(admin_client):
    procedure = ProcedureFactory()
    response = admin_client.post(
        f"/admin/procedures/procedure/{procedure.pk}/change/",
        _form_data(procedure, processing_days=5),
    )
    assert response.status_code == 200
    assert "phải bằng thời hạn giải quyết" in response.content.decode()
    procedure.refresh_from_db()
    assert procedure.processing_days == 3


def test_admin_search_ignores_diacritics(admin_client):
    ProcedureFactory(name="Đăng ký tạm trú thử nghiệm")
    ProcedureFactory(name="Cấp hộ chiếu thử nghiệm")
    html = admin_client.get("/admin/procedures/procedure/", {"q": "dang ky tam tru"}).content
    assert "Đăng ký tạm trú thử nghiệm" in html.decode()
    assert "Cấp hộ chiếu thử nghiệm" not in html.decode()


def test_admin_export_json_in_import_format(admin_client):
    first, second = ProcedureFactory(), ProcedureFactory()
    response = admin_client.post(
        "/admin/procedures/procedure/",
        {"action": "export_json", "_selected_action": [first.pk, second.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert [row["code"] for row in data["procedures"]] == sorted([first.code, second.code])
    row = data["procedures"][0]
    assert {"fees", "components", "form_schema", "steps"} <= set(row)
    assert row["fees"][0]["amount_vnd"] == 50_000
