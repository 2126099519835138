"""The citizen flow through the services: drafts, prefill, e-form, submission, withdrawal."""

from __future__ import annotations

import pytest

from dossiers.constants import Channel, DossierStatus
from dossiers.errors import InvalidTransition
from dossiers.filing import services as filing_services
from dossiers.models import Dossier, DossierEvent
from dossiers.workflow import services as workflow_services
from dvctt.errors import Forbidden, InvalidInput, NotFound
from notifications.models import Notification
from tests.dossiers.conftest import make_draft, make_submitted, required_components, upload
from tests.dossiers.factories import dossier_in
from tests.factories import AgencyFactory, CitizenFactory
from tests.procedures.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


def test_draft_prefills_applicant_from_profile_and_freezes_the_version(citizen, procedure):
    dossier = filing_services.dossier_create_draft(actor=citizen, procedure_code=procedure.code)
    assert dossier.status == DossierStatus.DRAFT and dossier.code is None
    assert dossier.applicant_name == citizen.full_name
    assert dossier.applicant_id_number == citizen.id_number
    assert dossier.procedure_version.snapshot["code"] == procedure.code
    assert dossier.case_id == dossier.procedure_version.snapshot["cases"][0]["id"]
    assert dossier.events.get().action == "create"


def test_registry_fills_what_the_profile_lacks(procedure):
    # Once-only (NĐ 42/2022): the demo person 001090012345 is known to the registry stand-in.
    citizen = CitizenFactory(id_number="001090012345", phone="", address="", verified=True)
    dossier = filing_services.dossier_create_draft(actor=citizen, procedure_code=procedure.code)
    assert dossier.applicant_phone == "0912345678"
    assert "Hàng Bạc" in dossier.applicant_address


def test_agency_must_be_chosen_when_several_implement_it(citizen, agency):
    procedure = ProcedureFactory(agencies=[agency, AgencyFactory()])
    with pytest.raises(InvalidInput) as exc:
        filing_services.dossier_create_draft(actor=citizen, procedure_code=procedure.code)
    assert "agency" in exc.value.fields
    dossier = filing_services.dossier_create_draft(
        actor=citizen, procedure_code=procedure.code, agency_code=agency.code
    )
    assert dossier.agency == agency


def test_case_must_be_chosen_when_several(citizen, agency):
    procedure = ProcedureFactory(multi_case=True, agencies=[agency])
    with pytest.raises(InvalidInput) as exc:
        filing_services.dossier_create_draft(actor=citizen, procedure_code=procedure.code)
    assert "case" in exc.value.fields
    second = procedure.cases.order_by("position")[1]
    dossier = filing_services.dossier_create_draft(
        actor=citizen, procedure_code=procedure.code, case_id=second.pk
    )
    assert dossier.case_id == second.pk
    assert {c["case"] for c in dossier.case_components()} == {second.pk}


def test_unknown_procedure_and_wrong_agency_are_refused(citizen, procedure):
    with pytest.raises(InvalidInput):
        filing_services.dossier_create_draft(actor=citizen, procedure_code="0.000000")
    with pytest.raises(InvalidInput):
        filing_services.dossier_create_draft(
            actor=citizen, procedure_code=procedure.code, agency_code=AgencyFactory().code
        )
    assert not Dossier.objects.exists()


def test_officials_cannot_file_online(official, procedure):
    with pytest.raises(Forbidden):
        filing_services.dossier_create_draft(actor=official, procedure_code=procedure.code)


def test_form_errors_are_returned_and_the_draft_still_saves(citizen, procedure):
    dossier = filing_services.dossier_create_draft(actor=citizen, procedure_code=procedure.code)
    errors = filing_services.dossier_update_form(
        actor=citizen, dossier_id=dossier.pk, form_data={"ngay_sinh": "31/02/2020"}
    )
    assert "ho_ten" in errors and "ngay_sinh" in errors
    dossier.refresh_from_db()
    assert dossier.form_data == {"ngay_sinh": "31/02/2020"}
    assert (
        filing_services.dossier_update_form(
            actor=citizen, dossier_id=dossier.pk, form_data={"ho_ten": "An"}
        )
        == {}
    )


def test_another_citizen_cannot_touch_the_draft(draft):
    stranger = CitizenFactory()
    with pytest.raises(NotFound):
        filing_services.dossier_update_form(actor=stranger, dossier_id=draft.pk, form_data={})
    with pytest.raises(NotFound):
        filing_services.dossier_submit(actor=stranger, dossier_id=draft.pk)


def test_incomplete_draft_is_not_submitted_and_nothing_changes(citizen, procedure):
    dossier = make_draft(citizen, procedure, complete=False)
    filing_services.dossier_update_form(actor=citizen, dossier_id=dossier.pk, form_data={})
    with pytest.raises(InvalidInput) as exc:
        filing_services.dossier_submit(actor=citizen, dossier_id=dossier.pk)
    assert "attachments" in exc.value.fields
    assert "form_data.ho_ten" in exc.value.fields
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT and dossier.code is None
    assert not DossierEvent.objects.filter(action="submit").exists()


def test_submit_assigns_code_fee_event_and_emails_once(
    citizen, procedure, mailoutbox, django_capture_on_commit_callbacks
):
    dossier = make_draft(citizen, procedure)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = filing_services.dossier_submit(actor=citizen, dossier_id=dossier.pk)
    assert dossier.status == DossierStatus.SUBMITTED
    assert dossier.code.startswith(f"{dossier.agency.code}-")
    # The factory's fee is 50,000 đ at the counter and 40,000 đ online.
    assert dossier.fee_amount == 40_000 and dossier.payment_due
    event = dossier.events.get(action="submit")
    assert (event.from_status, event.to_status) == ("draft", "submitted")
    assert len(mailoutbox) == 1
    assert dossier.code in mailoutbox[0].subject
    assert mailoutbox[0].to == [citizen.email]
    assert Notification.objects.get(channel="email").status == "sent"
    assert Notification.objects.get(channel="in_app").recipient == citizen
    with pytest.raises(InvalidTransition):
        filing_services.dossier_submit(actor=citizen, dossier_id=dossier.pk)


def test_a_stale_instance_handed_to_a_service_is_read_again_under_the_lock(citizen, procedure):
    # The API hands services the dossier its access gate read (issue 24); the lock reads the
    # row again, so a second click holding the pre-submission copy loses.
    draft = make_draft(citizen, procedure)
    stale = Dossier.objects.select_related("procedure", "procedure_version", "agency").get(
        pk=draft.pk
    )
    submitted = filing_services.dossier_submit(actor=citizen, dossier=draft)
    assert stale.status == DossierStatus.DRAFT
    with pytest.raises(InvalidTransition):
        filing_services.dossier_submit(actor=citizen, dossier=stale)
    component = required_components(submitted)[0]
    with pytest.raises(InvalidTransition):
        filing_services.attachment_add(
            actor=citizen, dossier=stale, component_id=component["id"], upload=upload()
        )
    assert Dossier.objects.get(pk=draft.pk).code == submitted.code
    assert submitted.events.filter(action="submit").count() == 1


def test_free_procedure_owes_nothing(citizen, free_procedure):
    dossier = make_submitted(citizen, free_procedure)
    assert dossier.fee_amount == 0 and not dossier.payment_due


def test_withdraw_until_the_result_is_issued(citizen, procedure, agency, clerk):
    dossier = make_submitted(citizen, procedure)
    dossier = workflow_services.dossier_withdraw(actor=citizen, dossier_id=dossier.pk, note="Nhầm")
    assert dossier.status == DossierStatus.WITHDRAWN and dossier.completed_at
    issued = dossier_in(
        DossierStatus.RESULT_ISSUED,
        agency=agency,
        citizen=citizen,
        procedure=procedure,
        officials={"clerk": clerk},
    )
    with pytest.raises(InvalidTransition):
        workflow_services.dossier_withdraw(actor=citizen, dossier_id=issued.pk)


def test_submitted_dossier_cannot_be_edited(submitted, citizen):
    with pytest.raises(InvalidTransition):
        filing_services.dossier_update_form(actor=citizen, dossier_id=submitted.pk, form_data={})
    component = required_components(submitted)[0]
    with pytest.raises(InvalidTransition):
        filing_services.attachment_add(
            actor=citizen, dossier_id=submitted.pk, component_id=component["id"], upload=upload()
        )


def test_supplement_reupload_then_send(citizen, procedure, reception):
    dossier = make_submitted(citizen, procedure)
    workflow_services.dossier_run_action(
        actor=reception, dossier_id=dossier.pk, action="request_supplement", note="Ảnh mờ"
    )
    component = required_components(dossier)[0]
    filing_services.attachment_add(
        actor=citizen, dossier_id=dossier.pk, component_id=component["id"], upload=upload("ro.pdf")
    )
    dossier = workflow_services.dossier_run_action(
        actor=citizen, dossier_id=dossier.pk, action="supplement"
    )
    # Asked at reception, so it goes back to the desk.
    assert dossier.status == DossierStatus.SUBMITTED
    assert dossier.events.filter(action="attach").count() == 1


def _file_at_counter(actor, procedure, id_number="001200000123", **kwargs):
    return filing_services.dossier_file_at_counter(
        actor=actor,
        procedure_code=procedure.code,
        agency_code=None,
        case_id=None,
        id_number=id_number,
        identity_checked=kwargs.pop("identity_checked", True),
        applicant_data=kwargs.pop("applicant_data", {}),
    )


def test_counter_filing_by_reception(reception, procedure, agency):
    dossier = _file_at_counter(reception, procedure)
    applicant = dossier.applicant
    assert applicant.full_name == "Phạm Minh Châu" and not applicant.has_usable_password()
    # The official saw the card: the walk-in profile's identity is verified at the desk.
    assert applicant.identity_verified_via == "desk" and applicant.identity_verified_at
    filing_services.dossier_update_form(
        actor=reception, dossier_id=dossier.pk, form_data={"ho_ten": "Phạm Minh Châu"}
    )
    for component in required_components(dossier):
        filing_services.attachment_add(
            actor=reception, dossier_id=dossier.pk, component_id=component["id"], upload=upload()
        )
    dossier = filing_services.dossier_submit(actor=reception, dossier_id=dossier.pk)
    assert dossier.channel == Channel.COUNTER and dossier.created_by == reception
    assert dossier.fee_amount == 50_000  # the counter amount
    assert dossier.applicant == applicant


def test_counter_filing_needs_reception_role(specialist, procedure):
    with pytest.raises(Forbidden):
        _file_at_counter(specialist, procedure)
    with pytest.raises(Forbidden):
        filing_services.dossier_create_draft(
            actor=specialist,
            procedure_code=procedure.code,
            channel=Channel.COUNTER,
            applicant=CitizenFactory(),
        )


def test_eform_is_prefilled_with_the_applicant_data(procedure):
    # The factory's e-form has ho_ten and ngay_sinh: both known for the demo person.
    citizen = CitizenFactory(id_number="001090012345", full_name="Nguyễn Văn An", verified=True)
    dossier = filing_services.dossier_create_draft(actor=citizen, procedure_code=procedure.code)
    assert dossier.form_data == {"ho_ten": "Nguyễn Văn An", "ngay_sinh": "1990-05-12"}
    typed = filing_services.dossier_create_draft(
        actor=citizen, procedure_code=procedure.code, form_data={"ho_ten": "Người khác"}
    )
    assert typed.form_data["ho_ten"] == "Người khác"


def test_services_also_take_the_dossier_object(citizen, procedure, reception):
    dossier = make_draft(citizen, procedure)
    dossier = filing_services.dossier_submit(actor=citizen, dossier=dossier)
    dossier = workflow_services.dossier_run_action(
        actor=reception, dossier=dossier, action="receive"
    )
    assert dossier.status == DossierStatus.RECEIVED
