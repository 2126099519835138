"""Dossiers in any lifecycle state, reached through the real services (never by assignment).

    dossier = dossier_in(DossierStatus.IN_PROGRESS, agency=agency)

creates the procedure, the citizen and the officials it needs unless given.
"""

from __future__ import annotations

from accounts.constants import StaffRoleName
from dossiers.constants import DossierStatus
from dossiers.filing import services as filing_services
from dossiers.workflow import services as workflow_services
from tests.dossiers.conftest import make_draft
from tests.factories import AgencyFactory, CitizenFactory, make_official
from tests.procedures.factories import ProcedureFactory

# The shortest path of actions (and the role firing each) from a fresh submission, through the
# default four-step process (desk → specialist → leader → clerk).
APPRAISE = ("forward", "specialist", {"proposal": "approve"})
TO_APPROVAL = [("receive", "reception"), ("forward", "reception"), APPRAISE]
PATHS: dict[str, list[tuple]] = {
    DossierStatus.SUBMITTED: [],
    DossierStatus.RECEIVED: [("receive", "reception")],
    DossierStatus.REJECTED: [("reject", "reception")],
    DossierStatus.WITHDRAWN: [("withdraw", "owner")],
    DossierStatus.SUPPLEMENT_REQUESTED: [("request_supplement", "reception")],
    DossierStatus.IN_PROGRESS: [("receive", "reception"), ("forward", "reception")],
    DossierStatus.AWAITING_PAYMENT: [("receive", "reception"), ("request_payment", "reception")],
    DossierStatus.STOPPED: [("receive", "reception"), ("stop", "leader")],
    DossierStatus.APPROVED: [*TO_APPROVAL, ("approve", "leader")],
    DossierStatus.RESULT_ISSUED: [
        *TO_APPROVAL,
        ("approve", "leader"),
        ("issue_result", "clerk"),
    ],
    # The fee is settled at the desk (cash) before the result may be returned.
    DossierStatus.RETURNED: [
        ("receive", "reception"),
        ("request_payment", "reception"),
        ("confirm_payment", "reception"),
        ("forward", "reception"),
        APPRAISE,
        ("approve", "leader"),
        ("issue_result", "clerk"),
        ("return_result", "clerk"),
    ],
}


def dossier_in(status: str, *, agency=None, citizen=None, procedure=None, officials=None):
    """Return a dossier brought to `status` by running the workflow's own actions."""
    agency = agency or AgencyFactory()
    citizen = citizen or CitizenFactory()
    procedure = procedure or ProcedureFactory(agencies=[agency])
    draft = make_draft(citizen, procedure)
    if status == DossierStatus.DRAFT:
        return draft
    dossier = filing_services.dossier_submit(actor=citizen, dossier_id=draft.pk)
    officials = dict(officials or {})
    for action, role, *extra in PATHS[status]:
        if role == "owner":
            actor = citizen
        else:
            if role not in officials:
                officials[role] = make_official(agency=agency, role=StaffRoleName(role))
            actor = officials[role]
        dossier = workflow_services.dossier_run_action(
            actor=actor,
            dossier_id=dossier.pk,
            action=action,
            note="Ghi chú thử nghiệm",
            **(extra[0] if extra else {}),
        )
    return dossier
