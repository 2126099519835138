"""Documents the catalogue asks of some applicants only: read at import, shown when filing."""

from __future__ import annotations

import copy
import json

import pytest
from django.core.management import CommandError, call_command

from dossiers.filing import services
from procedures.catalogue_file import clean_row, component_condition, unplaced_conditions
from procedures.models import Component, Procedure

PASSPORT = "Hộ chiếu còn thời hạn sử dụng"
VEHICLE_REGISTRATION = "Giấy chứng nhận đăng ký phương tiện"


@pytest.mark.parametrize(
    ("text", "condition"),
    [
        (
            "Hộ chiếu còn thời hạn sử dụng (đối với người nước ngoài, người Việt Nam định cư "
            "ở nước ngoài)",
            "người nước ngoài, người Việt Nam định cư ở nước ngoài",
        ),
        ("Trường hợp trẻ em bị bỏ rơi thì phải có biên bản.", "trẻ em bị bỏ rơi"),
        ("Đối với Công an nhân dân: Giấy giới thiệu của Thủ trưởng đơn vị.", "Công an nhân dân"),
        (
            "Văn bản ủy quyền theo quy định trong trường hợp ủy quyền thực hiện việc đăng ký. "
            "Trường hợp người được ủy quyền là ông, bà thì không cần chứng thực.",
            "ủy quyền thực hiện việc đăng ký",
        ),
        ("Danh sách chủ sở hữu hưởng lợi của doanh nghiệp (nếu có)", "có giấy tờ này"),
        (
            "Giấy khám sức khỏe còn hiệu lực (trừ người có giấy phép lái xe hạng A1, A, B1)",
            "không phải người có giấy phép lái xe hạng A1, A, B1",
        ),
        (
            "Bản sao giấy khai sinh đối với người chưa đủ 14 tuổi",
            "người chưa đủ 14 tuổi",
        ),
        (
            "Người nước ngoài phải nộp bản sao hộ chiếu.",
            "Người nước ngoài",
        ),
        # Everyone submits these: a later "trường hợp" offers an alternative, a parenthesis
        # that does not open with the condition describes the document.
        ("Giấy chứng sinh; trường hợp không có Giấy chứng sinh thì nộp văn bản.", None),
        ("Bản vẽ (thiết kế bản vẽ thi công đối với dự án chỉ yêu cầu lập Báo cáo)", None),
        ("Tờ khai thay đổi thông tin cư trú (mẫu CT01)", None),
    ],
)
def test_the_rule_reads_who_must_submit_a_document(text, condition):
    assert component_condition(text) == condition


def _component(code: str, starts: str) -> Component:
    return Component.objects.get(procedure__code=code, name__startswith=starts)


def test_a_passport_for_foreigners_is_not_asked_of_every_applicant(catalogue):
    passport = _component("3.000348", PASSPORT)
    assert not passport.required
    assert passport.only_if == "người nước ngoài, người Việt Nam định cư ở nước ngoài"
    health = _component("3.000348", "Giấy khám sức khỏe")
    assert not health.required and health.only_if.startswith("không phải người có giấy phép")
    # The application form itself stays required of everyone.
    assert _component("3.000348", "Đề nghị đổi giấy phép lái xe").required


def test_a_vehicle_registration_is_asked_only_of_who_lives_on_a_vehicle(catalogue):
    registration = _component("1.004222", VEHICLE_REGISTRATION)
    assert not registration.required
    assert registration.only_if.startswith("chỗ ở hợp pháp là phương tiện")
    assert "only_if" in Procedure.objects.get(code="1.004222").demo_fields
    # the other documents of that case are still asked of everyone in it
    case = registration.case
    assert case.components.filter(required=True).exists()


def test_the_filing_page_says_when_to_submit_and_does_not_require_it(client, catalogue):
    from tests.factories import CitizenFactory

    citizen = CitizenFactory()
    procedure = Procedure.objects.get(code="3.000348")
    dossier = services.dossier_create_draft(
        actor=citizen, procedure_code=procedure.code, form_data={}
    )
    client.force_login(citizen)
    page = client.get(f"/ho-so/{dossier.pk}/buoc/4/").content.decode()
    assert "Chỉ nộp nếu: người nước ngoài, người Việt Nam định cư ở nước ngoài" in page
    passport = next(c for c in dossier.case_components() if c["name"].startswith(PASSPORT))
    assert passport["required"] is False
    # The procedure's public page shows the same condition.
    detail = client.get(f"/thu-tuc/{procedure.code}/").content.decode()
    assert "Chỉ nộp nếu: người nước ngoài" in detail


def test_the_bundled_catalogue_leaves_no_conditional_phrase_unplaced(bundled_data, capsys):
    call_command("check_catalogue_conditions")
    assert "0 giấy tờ có cụm từ điều kiện chưa xác định được." in capsys.readouterr().out


def test_the_check_lists_what_the_rule_cannot_place(tmp_path, bundled_data):
    row = copy.deepcopy(next(r for r in bundled_data["procedures"] if r["code"] == "1.004222"))
    del row["demo"]["only_if"]  # without the demo data's declaration
    assert unplaced_conditions([row]) == [
        ("1.004222", 2, unplaced_conditions([row])[0][2]),
    ]
    assert "đối với phương tiện" in unplaced_conditions([row])[0][2]
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps({"procedures": [row]}, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match="1 giấy tờ"):
        call_command("check_catalogue_conditions", str(path))
    # Declared as a component's own condition (as an export writes it), it is placed.
    row["components"][1]["only_if"] = "chỗ ở là phương tiện"
    assert unplaced_conditions([row]) == []
    assert (
        clean_row(row)["components"][1] | {"only_if": "chỗ ở là phương tiện"}
        == (clean_row(row)["components"][1])
    )
    assert clean_row(row)["components"][1]["required"] is False
