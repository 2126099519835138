"""Is a dossier complete? For submission, and for a supplement (what the request named).

NĐ 61/2018 Điều 15 and 19.4: guidance is given once, complete and exact (Mẫu 02 names what
to add); while a supplement is requested the citizen changes only what the request names, and
the supplement is accepted only once every named document has a new file and every required
document is present.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.validators import validate_id_number, validate_tax_code
from dvctt.errors import InvalidInput
from procedures.constants import ApplicantType
from procedures.forms_schema import validate_form_data

from ..constants import (
    RELATIONS_FOR_KIND,
    ApplicantKind,
    DossierStatus,
    EventAction,
    RepresentativeRelation,
    ResultDelivery,
)


def dossier_missing(*, dossier) -> dict[str, list[str]]:
    """Return what stops the dossier from being submitted, per field (empty = complete)."""
    errors: dict[str, list[str]] = {}
    current = set(
        dossier.attachments.filter(is_current=True).values_list("component_id_snapshot", flat=True)
    )
    for component in dossier.case_components():
        # Once-only documents (the state exploits them, or the e-form replaces them) are never
        # asked for; the message names the document in full so people know which one it is.
        if component.get("once_only"):
            continue
        if component.get("required") and component["id"] not in current:
            errors.setdefault("attachments", []).append(
                _("Chưa đính kèm: %(name)s") % {"name": component["name"]}
            )
    form_errors = validate_form_data(
        dossier.snapshot.get("form_schema") or {}, dossier.form_data or {}
    )
    for key, messages in form_errors.items():
        errors[f"form_data.{key}" if key else "form_data"] = list(messages)
    errors.update(filing_party_errors(dossier))
    return errors


def _id_number_errors(value: str) -> list[str]:
    try:
        validate_id_number(value)
    except ValidationError as exc:
        return [str(m) for m in exc.messages]
    return []


def filing_party_errors(dossier) -> dict[str, list[str]]:
    """Return what is wrong with the applicant, the representative and the result's delivery.

    docs/domain.md "Representatives and organisations": a person has a valid id number; an
    organisation (only where the catalogue lets organisations file) a tax code, an address and
    its legal representative; whoever files on another's behalf gives their name, id number
    and relation; a result by post needs the address to send it to.
    """
    errors: dict[str, list[str]] = {}
    kind = dossier.applicant_kind
    organisation = kind == ApplicantKind.ORGANISATION
    if not dossier.applicant_name:
        errors["applicant_name"] = [
            _("Vui lòng nhập tên tổ chức.") if organisation else _("Vui lòng nhập họ và tên.")
        ]
    if organisation:
        allowed = dossier.snapshot.get("applicant_types") or [ApplicantType.CITIZEN]
        if ApplicantType.ORGANISATION not in allowed:
            errors["applicant_kind"] = [_("Thủ tục này chỉ dành cho cá nhân, không cho tổ chức.")]
        try:
            if not dossier.applicant_tax_code:
                raise ValidationError(_("Vui lòng nhập mã số thuế của tổ chức."))
            validate_tax_code(dossier.applicant_tax_code)
        except ValidationError as exc:
            errors["applicant_tax_code"] = [str(m) for m in exc.messages]
        if not dossier.applicant_address:
            errors["applicant_address"] = [_("Vui lòng nhập địa chỉ trụ sở của tổ chức.")]
        if not dossier.organisation_legal_rep:
            errors["organisation_legal_rep"] = [
                _("Vui lòng nhập họ tên người đại diện theo pháp luật của tổ chức.")
            ]
    elif messages := _id_number_errors(dossier.applicant_id_number):
        errors["applicant_id_number"] = messages
    if kind != ApplicantKind.SELF:
        if not dossier.representative_name:
            errors["representative_name"] = [_("Vui lòng nhập họ và tên người nộp thay.")]
        if messages := _id_number_errors(dossier.representative_id_number):
            errors["representative_id_number"] = messages
        elif (
            kind == ApplicantKind.PERSON
            and dossier.representative_id_number == dossier.applicant_id_number
        ):
            errors["representative_id_number"] = [
                _("Người nộp thay phải là người khác với người có hồ sơ.")
            ]
        relations = RELATIONS_FOR_KIND[ApplicantKind(kind)]
        if dossier.representative_relation not in relations:
            choices = ", ".join(str(RepresentativeRelation(r).label) for r in relations)
            errors["representative_relation"] = [
                _("Vui lòng chọn quan hệ với người có hồ sơ: %(choices)s.") % {"choices": choices}
            ]
    if dossier.result_delivery == ResultDelivery.POST and not dossier.postal_address:
        errors["postal_address"] = [_("Vui lòng nhập địa chỉ nhận kết quả qua bưu chính.")]
    return errors


def requested_component_ids(dossier) -> set[int]:
    """Return the components the supplement request names."""
    return {i["component"] for i in dossier.supplement_items or [] if "component" in i}


def supplement_missing(*, dossier) -> dict[str, list[str]]:
    """Return what the supplement still lacks, per field (empty = it may be sent)."""
    errors = dossier_missing(dossier=dossier)
    since = dossier.supplement_requested_at
    renewed = set()
    if since is not None:
        renewed = set(
            dossier.attachments.filter(is_current=True, uploaded_at__gt=since).values_list(
                "component_id_snapshot", flat=True
            )
        )
    for item in dossier.supplement_items or []:
        if "component" in item and item["component"] not in renewed:
            errors.setdefault("items", []).append(
                _("Chưa tải lên bản bổ sung: %(name)s") % {"name": item["name"]}
            )
    return errors


def opens_everything(dossier) -> bool:
    """Tell whether the request has a free-text item, which opens every document and the e-form.

    docs/api.md §4: a text item (not a component id) names a correction beyond one document, so the
    citizen may replace any component's file and correct the e-form.
    """
    return any("text" in i for i in dossier.supplement_items or [])


def supplement_changes(dossier) -> tuple[dict[str, list[str]], str]:
    """Return what the citizen changed since the request (for the event) and its summary line."""
    since = dossier.supplement_requested_at
    if since is None:
        return {}, ""
    replaced = list(
        dict.fromkeys(
            dossier.attachments.filter(is_current=True, uploaded_at__gt=since)
            .order_by("uploaded_at")
            .values_list("component_name", flat=True)
        )
    )
    properties = (dossier.snapshot.get("form_schema") or {}).get("properties", {})
    keys: list[str] = []
    for changed in dossier.events.filter(action=EventAction.EDIT_FORM, at__gt=since).values_list(
        "data__changed", flat=True
    ):
        keys += [k for k in changed or [] if k not in keys]
    titles = [str((properties.get(k) or {}).get("title") or k)[:100] for k in keys]
    lines = []
    if replaced:
        lines.append(_("Đã thay giấy tờ: %(names)s") % {"names": "; ".join(replaced)})
    if titles:
        lines.append(_("Đã sửa tờ khai: %(fields)s") % {"fields": ", ".join(titles)})
    return {"replaced": replaced, "form_changed": keys}, "\n".join(lines)


def _scoped(dossier) -> bool:
    # A request without items (older clients) names nothing in particular: no scope to keep.
    return dossier.status == DossierStatus.SUPPLEMENT_REQUESTED and bool(dossier.supplement_items)


def check_component_editable(dossier, component_id) -> None:
    """Refuse a file change on a component the supplement request does not name."""
    if (
        _scoped(dossier)
        and not opens_everything(dossier)
        and int(component_id) not in requested_component_ids(dossier)
    ):
        raise InvalidInput(
            _(
                "Cơ quan không yêu cầu bổ sung giấy tờ này; chỉ được thay đổi nội dung "
                "được yêu cầu."
            ),
            fields={"component": [_("Giấy tờ này không nằm trong yêu cầu bổ sung.")]},
        )


def check_details_editable(dossier, *, field: str) -> None:
    """Refuse a change of the e-form or applicant data unless the request asks for one."""
    # Free-text items describe corrections beyond documents (the declaration, the applicant's
    # details); a request naming only documents leaves the rest as filed.
    if _scoped(dossier) and not opens_everything(dossier):
        raise InvalidInput(
            _("Yêu cầu bổ sung chỉ nêu giấy tờ; không được sửa tờ khai hay thông tin người nộp."),
            fields={field: [_("Nội dung này không nằm trong yêu cầu bổ sung.")]},
        )
