"""Change of case on a draft (issue 17, point 7): back to the first step, another case; files
of documents the new case does not ask for are listed, then dropped on confirmation (deleted
after commit); files of documents both cases ask for are kept."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dossiers.errors import InvalidTransition
from dossiers.filing import services
from dossiers.models import Attachment, Dossier
from dvctt.errors import InvalidInput
from procedures.models import Component
from procedures.services import procedure_publish
from tests.dossiers.conftest import upload
from tests.procedures.factories import ProcedureFactory

SHARED = "Căn cước công dân"


@pytest.fixture
def two_cases(agency):
    procedure = ProcedureFactory(multi_case=True, agencies=[agency], publish=False)
    # The same document asked in both cases: two component rows with one name.
    for case in procedure.cases.all():
        Component.objects.create(procedure=procedure, case=case, name=SHARED, position=5)
    procedure_publish(procedure=procedure)
    return procedure


def _case_ids(dossier) -> list[int]:
    return [c["id"] for c in dossier.snapshot["cases"]]


def _by_name(dossier, name_start: str) -> dict:
    return next(c for c in dossier.case_components() if c["name"].startswith(name_start))


@pytest.fixture
def draft_files(citizen, two_cases):
    first = _case_ids_of(two_cases)[0]
    dossier = services.dossier_create_draft(
        actor=citizen,
        procedure_code=two_cases.code,
        case_id=first,
        form_data={"ho_ten": "Nguyễn Văn Thử"},
    )
    for component in dossier.case_components():
        services.attachment_add(
            actor=citizen,
            dossier_id=dossier.pk,
            component_id=component["id"],
            upload=upload(),
        )
    return dossier


def _case_ids_of(procedure) -> list[int]:
    return list(procedure.cases.order_by("position").values_list("id", flat=True))


def test_plan_keeps_shared_documents_and_lists_the_others(draft_files):
    second = _case_ids(draft_files)[1]
    change = services.dossier_case_change_plan(dossier=draft_files, case_id=second)
    assert change.case["id"] == second
    assert [a.component_name for a, _ in change.keep] == [SHARED]
    target = change.keep[0][1]
    assert target["case"] == second and target["name"] == SHARED
    assert sorted(a.component_name for a in change.drop) == [
        "Giấy tờ bổ sung, nếu có (trường hợp 1)",
        "Tờ khai theo mẫu (trường hợp 1)",
    ]
    # Planning writes nothing.
    assert Dossier.objects.get(pk=draft_files.pk).case_id == _case_ids(draft_files)[0]
    assert draft_files.attachments.filter(is_current=True).count() == 3


def test_change_needs_the_listed_files_confirmed(draft_files, citizen):
    second = _case_ids(draft_files)[1]
    with pytest.raises(InvalidInput) as exc:
        services.dossier_change_case(actor=citizen, dossier_id=draft_files.pk, case_id=second)
    assert "case" in exc.value.fields
    assert Dossier.objects.get(pk=draft_files.pk).case_id == _case_ids(draft_files)[0]
    assert draft_files.attachments.count() == 3


def test_change_drops_files_after_commit_and_keeps_shared_ones(
    draft_files, citizen, django_capture_on_commit_callbacks
):
    second = _case_ids(draft_files)[1]
    change = services.dossier_case_change_plan(dossier=draft_files, case_id=second)
    dropped = [(a.pk, a.file.name) for a in change.drop]
    kept = change.keep[0][0]
    storage = Attachment._meta.get_field("file").storage
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.dossier_change_case(
            actor=citizen,
            dossier_id=draft_files.pk,
            case_id=second,
            drop_confirmed=[str(pk) for pk, _ in dropped],
        )
        # Nothing leaves the storage before the commit.
        assert all(storage.exists(name) for _, name in dropped)
    for callback in callbacks:
        callback()
    dossier = Dossier.objects.get(pk=draft_files.pk)
    assert dossier.case_id == second and dossier.case_name == "Trường hợp 2"
    assert not Attachment.objects.filter(pk__in=[pk for pk, _ in dropped]).exists()
    assert not any(storage.exists(name) for _, name in dropped)
    kept.refresh_from_db()
    shared = _by_name(dossier, SHARED)
    assert (kept.component_id_snapshot, kept.component_id) == (shared["id"], shared["id"])
    assert storage.exists(kept.file.name)
    assert dossier.form_data == {"ho_ten": "Nguyễn Văn Thử"}


def test_a_file_added_after_the_list_was_shown_stops_the_change(draft_files, citizen):
    second = _case_ids(draft_files)[1]
    listed = services.dossier_case_change_plan(dossier=draft_files, case_id=second).drop
    optional = _by_name(draft_files, "Giấy tờ bổ sung")
    services.attachment_add(
        actor=citizen, dossier_id=draft_files.pk, component_id=optional["id"], upload=upload()
    )
    with pytest.raises(InvalidInput):
        services.dossier_change_case(
            actor=citizen,
            dossier_id=draft_files.pk,
            case_id=second,
            drop_confirmed=[str(a.pk) for a in listed],
        )
    assert Dossier.objects.get(pk=draft_files.pk).case_id == _case_ids(draft_files)[0]


def test_only_a_draft_changes_case(draft_files, citizen):
    dossier = services.dossier_submit(actor=citizen, dossier_id=draft_files.pk)
    with pytest.raises(InvalidTransition):
        services.dossier_change_case(
            actor=citizen, dossier_id=dossier.pk, case_id=_case_ids(dossier)[1]
        )


def test_a_case_of_another_procedure_is_refused(draft_files, citizen, procedure):
    other = procedure.cases.first().pk
    with pytest.raises(InvalidInput) as exc:
        services.dossier_case_change_plan(dossier=draft_files, case_id=other)
    assert "case" in exc.value.fields


# --- the wizard --------------------------------------------------------------------------------


def test_later_steps_offer_to_change_the_case(draft_files, citizen, client):
    client.force_login(citizen)
    page = client.get(reverse("dossiers:step", args=[draft_files.pk, 4])).text
    url = reverse("dossiers:change_case", args=[draft_files.pk])
    assert f'href="{url}"' in page and "Đổi trường hợp" in page


def test_change_case_page_confirms_before_dropping_files(draft_files, citizen, client):
    client.force_login(citizen)
    url = reverse("dossiers:change_case", args=[draft_files.pk])
    first, second = _case_ids(draft_files)
    page = client.get(url)
    assert page.status_code == 200
    assert f'value="{first}"' in page.text and "checked" in page.text
    # The first POST only lists what would be dropped: nothing is written yet.
    listed = client.post(url, {"case": str(second)})
    assert listed.status_code == 200
    assert "Tờ khai theo mẫu (trường hợp 1)" in listed.text and SHARED in listed.text
    assert Dossier.objects.get(pk=draft_files.pk).case_id == first
    assert draft_files.attachments.count() == 3
    drops = listed.context["change"].drop
    done = client.post(
        url, {"case": str(second), "confirm": "1", "drop": [str(a.pk) for a in drops]}
    )
    assert done.status_code == 302
    dossier = Dossier.objects.get(pk=draft_files.pk)
    assert dossier.case_id == second
    assert list(dossier.attachments.values_list("component_name", flat=True)) == [SHARED]


def test_change_case_page_refuses_a_stale_confirmation(draft_files, citizen, client):
    client.force_login(citizen)
    url = reverse("dossiers:change_case", args=[draft_files.pk])
    second = _case_ids(draft_files)[1]
    response = client.post(url, {"case": str(second), "confirm": "1"})
    assert response.status_code == 400
    assert "Danh sách tệp sẽ bị xoá đã thay đổi" in response.text
    assert Dossier.objects.get(pk=draft_files.pk).case_id != second


def test_change_case_of_someone_elses_draft_is_404(draft_files, client):
    from tests.factories import CitizenFactory

    client.force_login(CitizenFactory())
    url = reverse("dossiers:change_case", args=[draft_files.pk])
    assert client.get(url).status_code == 404
