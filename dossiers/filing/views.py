"""HTML pages of filing: the citizen's wizard (case, applicant, e-form, attachments, review and
submit), the supplement a desk asked for, and filing at the counter for a citizen who came in
person. Same pattern as the API: validate → service / selector → render; every page works
without JavaScript.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms.utils import ErrorDict
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from dvctt import ratelimit
from dvctt.errors import ApplicationError, error_back, error_text
from procedures.constants import OnceOnly
from procedures.fees import fee_payment_stage

from .. import selectors
from ..constants import (
    APPLICANT_FIELDS,
    DESK_CHANNELS,
    FILING_PARTY_FIELDS,
    Channel,
    DossierAction,
    DossierStatus,
)
from ..forms import (
    NoteForm,
    SchemaForm,
    apply_row_command,
    form_answers,
)
from ..models import Attachment, Dossier, DossierId
from ..postal import postal_charge
from ..workflow import services as workflow_services
from ..workspace import require_official
from . import completeness, services
from .forms import ApplicantForm, CaseForm, CounterLookupForm, StartForm, UploadForm
from .uploads import download_name

STEPS = [
    (1, _("Cơ quan, trường hợp")),
    (2, _("Người nộp")),
    (3, _("Tờ khai")),
    (4, _("Giấy tờ đính kèm")),
    (5, _("Xem lại và nộp")),
]


def _steps(current: int) -> dict:
    return {"steps": STEPS, "current_step": current, "total_steps": len(STEPS)}


def _apply_errors(form, exc: ApplicationError) -> None:
    # The service's message leads the error summary; per-field messages sit by their fields.
    # A message a field already carries is not repeated above it (each error shown once).
    on_fields = {msg for key, msgs in exc.fields.items() if key in form.fields for msg in msgs}
    if exc.message not in on_fields:
        form.add_error(None, exc.message)
    for key, msgs in exc.fields.items():
        for msg in dict.fromkeys(msgs):
            if key in form.fields:
                form.add_error(key, msg)


# --- the citizen's filing wizard -------------------------------------------------------------


@login_required
def submit_start(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Step 1: choose the agency and the case, then create the draft."""
    procedure = selectors.procedure_get_for_filing(code=code)
    # GET never writes: show the latest published version, or the catalogue as it stands;
    # the POST that creates the draft publishes a version if none exists yet.
    snapshot = selectors.procedure_snapshot_for_display(procedure=procedure)
    form = StartForm(snapshot, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                ratelimit.check(request, "draft", account=str(request.user.pk))
                dossier = services.dossier_create_draft(
                    actor=request.user,
                    submission_id=_submission_id(request),
                    procedure_code=code,
                    agency_code=form.cleaned_data["agency"],
                    case_id=form.cleaned_data["case"],
                )
            except ApplicationError as exc:
                _apply_errors(form, exc)
            else:
                return redirect("dossiers:step", dossier_id=dossier.pk, step=2)
        status = 400
    drafts = selectors.dossier_drafts_for_citizen(user=request.user, procedure_code=code)
    return render(
        request,
        "dossiers/wizard_start.html",
        {"procedure": procedure, "snapshot": snapshot, "form": form, "drafts": drafts}
        | {"submission_id": _submission_id(request) or uuid.uuid4().hex}
        | _steps(1),
        status=status,
    )


def _submission_id(request: HttpRequest) -> str | None:
    # A random id the start form carries: a double click sends it twice, and the second request
    # gets the draft the first one made (dossier_create_draft).
    value = request.POST.get("submission_id", "")
    return value if re.fullmatch(r"[0-9a-f]{32}", value) else None


def _after_submit_url(dossier: Dossier, user) -> str:
    if dossier.channel in DESK_CHANNELS and dossier.applicant_id != user.pk:
        return reverse("dossiers:official_detail", args=[dossier.pk])
    return reverse("dossiers:my_detail", args=[dossier.pk])


@login_required
def wizard_step(
    request: AuthenticatedHttpRequest, dossier_id: DossierId, step: int
) -> HttpResponse:
    """Steps 2–5 of filing: applicant, e-form, attachments, review and submit."""
    dossier = selectors.dossier_get_for_editor(user=request.user, dossier_id=dossier_id)
    if dossier.status != DossierStatus.DRAFT:
        return redirect(_after_submit_url(dossier, request.user))
    if step not in (2, 3, 4, 5):
        raise Http404
    # GET never writes (docs/design.md rule 9): the step reached is recorded by the POST that
    # moves on.
    handler = {2: _step_applicant, 3: _step_form, 4: _step_attachments, 5: _step_review}[step]
    return handler(request, dossier)


@login_required
def wizard_case(request: AuthenticatedHttpRequest, dossier_id: DossierId) -> HttpResponse:
    """Step 1 of a draft again: choose another case; files it no longer asks for go on confirm."""
    dossier = selectors.dossier_get_for_editor(user=request.user, dossier_id=dossier_id)
    if dossier.status != DossierStatus.DRAFT:
        return redirect(_after_submit_url(dossier, request.user))
    form = CaseForm(dossier.snapshot, request.POST or None, initial={"case": str(dossier.case_id)})
    back = reverse("dossiers:step", args=[dossier.pk, max(2, dossier.draft_step)])
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                change = services.dossier_case_change_plan(
                    dossier=dossier, case_id=form.cleaned_data["case"]
                )
                if change.drop and "confirm" not in request.POST:
                    # GET never writes, and neither does this first POST: it only lists the
                    # files the new case does not ask for, to be confirmed.
                    return render(
                        request,
                        "dossiers/wizard_case_confirm.html",
                        {"dossier": dossier, "change": change, "back": back} | _steps(1),
                    )
                services.dossier_change_case(
                    actor=request.user,
                    dossier_id=dossier.pk,
                    case_id=change.case["id"],
                    drop_confirmed=request.POST.getlist("drop"),
                )
            except ApplicationError as exc:
                _apply_errors(form, exc)
            else:
                if change.case["id"] != dossier.case_id:
                    messages.success(
                        request,
                        _("Đã đổi sang trường hợp “%(case)s”.") % {"case": change.case["name"]},
                    )
                return redirect(back)
        status = 400
    return render(
        request,
        "dossiers/wizard_case.html",
        {"dossier": dossier, "form": form, "back": back} | _steps(1),
        status=status,
    )


def _next(request, dossier, step):
    services.dossier_set_step(actor=request.user, dossier_id=dossier.pk, step=step)
    return redirect("dossiers:step", dossier_id=dossier.pk, step=step)


def _step_applicant(request, dossier):
    initial = dossier.applicant_data() | {k: getattr(dossier, k) for k in FILING_PARTY_FIELDS}
    if not dossier.representative_name and dossier.applicant_id == request.user.pk:
        # Filing on someone's behalf, the one filing is usually the account holder.
        initial["representative_name"] = request.user.full_name
        initial["representative_id_number"] = request.user.id_number
    form = ApplicantForm(
        request.POST or None,
        initial=initial,
        applicant_types=dossier.snapshot.get("applicant_types"),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.dossier_update_applicant(
                    actor=request.user, dossier_id=dossier.pk, data=form.cleaned_data
                )
            except ApplicationError as exc:
                _apply_errors(form, exc)
            else:
                return _next(request, dossier, 3)
        status = 400
    return render(
        request,
        "dossiers/wizard_applicant.html",
        {"dossier": dossier, "form": form, "postal_charge": postal_charge()} | _steps(2),
        status=status,
    )


def _step_form(request, dossier):
    schema = dossier.snapshot.get("form_schema") or {}
    if request.method == "POST" and ("add_row" in request.POST or "remove_row" in request.POST):
        return _step_form_rows(request, dossier, schema)
    form = SchemaForm(schema, dossier.form_data, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            errors = services.dossier_update_form(
                actor=request.user, dossier_id=dossier.pk, form_data=form.to_data()
            )
            if "save_only" in request.POST:
                messages.success(request, _("Đã lưu nháp tờ khai."))
                return redirect("dossiers:step", dossier_id=dossier.pk, step=3)
            if not errors:
                return _next(request, dossier, 4)
            form.add_schema_errors(errors)
        status = 400
    return _render_form(request, dossier, form, status=status)


def _step_form_rows(request, dossier, schema):
    # "Thêm" / "Xoá" of a repeated group: a plain POST, so it works without JavaScript; what
    # was typed is kept (and saved when it is valid), errors wait for "Lưu và tiếp tục".
    data, focus = apply_row_command(request.POST)
    form = SchemaForm(schema, dossier.form_data, data)
    if form.is_valid():
        services.dossier_update_form(
            actor=request.user, dossier_id=dossier.pk, form_data=form.to_data()
        )
    form._errors = ErrorDict()
    return _render_form(request, dossier, form, focus=focus)


def _render_form(request, dossier, form, *, status=200, focus=""):
    return render(
        request,
        "dossiers/wizard_form.html",
        {
            "dossier": dossier,
            "form": form,
            "required_names": form.required_names(),
            "focus_prefix": focus,
        }
        | _steps(3),
        status=status,
    )


def _components_with_files(dossier: Dossier) -> list[dict[str, Any]]:
    current: dict[int, list[Attachment]] = {}
    for attachment in selectors.dossier_current_attachments(dossier=dossier):
        current.setdefault(attachment.component_id_snapshot, []).append(attachment)
    max_default = settings.DOSSIER_UPLOAD_MAX_MB
    return [
        {
            **component,
            "files": current.get(component["id"], []),
            "max_mb": component.get("max_size_mb") or max_default,
            "once_only_label": OnceOnly(component["once_only"]).label
            if component.get("once_only") in OnceOnly.values
            else "",
        }
        for component in dossier.case_components()
    ]


def _render_attachments(request, dossier, *, template, context=None, status=200, upload_error=None):
    return render(
        request,
        template,
        {
            "dossier": dossier,
            "components": _components_with_files(dossier),
            "upload_error": upload_error,
            "note_form": NoteForm(),
        }
        | (context or {}),
        status=status,
    )


def _step_attachments(request, dossier):
    if request.method == "POST":
        return _next(request, dossier, 5)
    return _render_attachments(
        request, dossier, template="dossiers/wizard_attachments.html", context=_steps(4)
    )


def _review_context(dossier: Dossier) -> dict:
    return {
        "answers": form_answers(dossier),
        "components": _components_with_files(dossier),
        "missing": completeness.dossier_missing(dossier=dossier),
        "fee": workflow_services.dossier_fee_quote(dossier),
        "fee_stage": fee_payment_stage(dossier.snapshot),
        "processing_days": services.processing_days(dossier),
    }


def _step_review(request, dossier):
    status = 200
    error = None
    if request.method == "POST":
        try:
            dossier = services.dossier_submit(actor=request.user, dossier_id=dossier.pk)
        except ApplicationError as exc:
            error, status = exc.message, exc.status_code
        else:
            messages.success(
                request,
                _("Đã nộp hồ sơ thành công. Mã hồ sơ của bạn: %(code)s") % {"code": dossier.code},
            )
            if dossier.payment_due:
                messages.info(request, _("Vui lòng thanh toán phí, lệ phí trực tuyến bên dưới."))
            return redirect(_after_submit_url(dossier, request.user))
    return render(
        request,
        "dossiers/wizard_review.html",
        {"dossier": dossier, "error": error} | _review_context(dossier) | _steps(5),
        status=status,
    )


@login_required
@require_POST
def attachment_upload(request: AuthenticatedHttpRequest, dossier_id: DossierId) -> HttpResponse:
    """Attach a file to one component (draft step 4 or a supplement)."""
    dossier = selectors.dossier_get_for_editor(user=request.user, dossier_id=dossier_id)
    back = _attachments_page(dossier)
    try:
        ratelimit.check(request, "upload", account=str(request.user.pk))
        # Checked before the body is read, so a huge upload is not even received.
        services.refuse_oversized_request(
            dossier=dossier, content_length=request.META.get("CONTENT_LENGTH")
        )
    except ApplicationError as exc:
        return _render_attachments(
            request,
            dossier,
            template="dossiers/wizard_attachments.html"
            if dossier.status == DossierStatus.DRAFT
            else "dossiers/supplement.html",
            context=_steps(4)
            if dossier.status == DossierStatus.DRAFT
            else _supplement_context(dossier),
            status=exc.status_code if exc.status_code == 429 else 413,
            upload_error=exc.message,
        )
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        error = _("Vui lòng chọn một tệp để tải lên.")
    else:
        try:
            attachment = services.attachment_add(
                actor=request.user,
                dossier_id=dossier.pk,
                component_id=form.cleaned_data["component"],
                upload=form.cleaned_data["file"],
            )
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(
                request, _("Đã tải lên “%(name)s”.") % {"name": attachment.original_name}
            )
            return redirect(back)
    template, context = (
        ("dossiers/wizard_attachments.html", _steps(4))
        if dossier.status == DossierStatus.DRAFT
        else ("dossiers/supplement.html", _supplement_context(dossier))
    )
    return _render_attachments(
        request, dossier, template=template, context=context, status=400, upload_error=error
    )


def _attachments_page(dossier: Dossier) -> str:
    if dossier.status == DossierStatus.DRAFT:
        return reverse("dossiers:step", args=[dossier.pk, 4])
    return reverse("dossiers:my_supplement", args=[dossier.pk])


@login_required
@require_POST
@error_back("dossiers:my_detail")
def attachment_remove(
    request: AuthenticatedHttpRequest, dossier_id: DossierId, attachment_id: uuid.UUID
) -> HttpResponse:
    """Take a file off a draft (or a dossier being supplemented)."""
    dossier = selectors.dossier_get_for_editor(user=request.user, dossier_id=dossier_id)
    services.attachment_remove(
        actor=request.user, dossier_id=dossier.pk, attachment_id=attachment_id
    )
    messages.success(request, _("Đã gỡ tệp."))
    return redirect(_attachments_page(dossier))


@login_required
@require_safe
def attachment_download(
    request: AuthenticatedHttpRequest, dossier_id: DossierId, attachment_id: uuid.UUID
) -> FileResponse:
    """Send an attachment to someone who may see its dossier."""
    attachment = selectors.attachment_get_for_user(
        user=request.user, dossier_id=dossier_id, attachment_id=attachment_id
    )
    # ?xem=1 shows a PDF or an image in the browser (inline preview); types were checked by
    # content at upload (docs/design.md rule 8) and nosniff is on.
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=request.GET.get("xem") != "1",
        # The name carries the extension of the type detected from the content, never the
        # uploader's: "poly.html" that is really a PDF downloads as "poly.pdf".
        filename=download_name(attachment.original_name, attachment.content_type),
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def my_dossier_supplement(request: AuthenticatedHttpRequest, dossier_id: DossierId) -> HttpResponse:
    """Answer the supplement request item by item (files, the e-form), then send it."""
    dossier = selectors.dossier_get_for_citizen(user=request.user, dossier_id=dossier_id)
    if dossier.status != DossierStatus.SUPPLEMENT_REQUESTED:
        return redirect("dossiers:my_detail", dossier_id=dossier.pk)
    status = 200
    if request.method == "POST":
        if {"save_form", "add_row", "remove_row"} & set(request.POST):
            return _supplement_form_post(request, dossier)
        try:
            workflow_services.dossier_run_action(
                actor=request.user,
                dossier_id=dossier.pk,
                action=DossierAction.SUPPLEMENT,
                note=request.POST.get("note", ""),
            )
        except ApplicationError as exc:
            messages.error(request, error_text(exc))
            status = exc.status_code
        else:
            messages.success(request, _("Đã gửi hồ sơ bổ sung."))
            return redirect("dossiers:my_detail", dossier_id=dossier.pk)
    return _render_attachments(
        request,
        dossier,
        template="dossiers/supplement.html",
        context=_supplement_context(dossier),
        status=status,
    )


def _supplement_form_post(request, dossier):
    # The correction of the e-form a text item opens (docs/api.md §4), checked against the schema
    # of the version the dossier was filed under; each saved change goes on the history.
    schema = dossier.snapshot.get("form_schema") or {}
    status, focus = 200, ""
    if "save_form" in request.POST:
        form = SchemaForm(schema, dossier.form_data, request.POST)
    else:  # "Thêm" / "Xoá" a row of a repeated group, kept without validation
        data, focus = apply_row_command(request.POST)
        form = SchemaForm(schema, dossier.form_data, data)
    if form.is_valid():
        try:
            errors = services.dossier_update_form(
                actor=request.user, dossier_id=dossier.pk, form_data=form.to_data()
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            status = exc.status_code
        else:
            if "save_form" not in request.POST:
                form._errors = ErrorDict()
            elif errors:
                form.add_schema_errors(errors)
                status = 400
            else:
                messages.success(request, _("Đã lưu tờ khai đã sửa."))
                return redirect(reverse("dossiers:my_supplement", args=[dossier.pk]) + "#e-form")
    elif "save_form" in request.POST:
        status = 400
    else:
        form._errors = ErrorDict()
    return _render_attachments(
        request,
        dossier,
        template="dossiers/supplement.html",
        context=_supplement_context(dossier, form=form, focus=focus),
        status=status,
    )


def _supplement_context(dossier: Dossier, *, form=None, focus: str = "") -> dict:
    requested = completeness.requested_component_ids(dossier)
    opens = completeness.opens_everything(dossier)
    components = _components_with_files(dossier)
    for component in components:
        component["requested"] = component["id"] in requested
    if requested and not opens:
        # Only what the request names may change (NĐ 61/2018 Điều 15: guidance once).
        components = [c for c in components if c["requested"]]
    else:
        # A text item opens every document: the named ones first.
        components.sort(key=lambda c: not c["requested"])
    schema = dossier.snapshot.get("form_schema") or {}
    if opens and form is None:
        form = SchemaForm(schema, dossier.form_data)  # prefilled with the filed declaration
    return {
        "request_event": selectors.dossier_supplement_request(dossier=dossier),
        "components": components,
        "opens_everything": opens,
        "form": form if opens else None,
        "required_names": form.required_names() if opens and form is not None else set(),
        "focus_prefix": focus,
    }


@login_required
def counter_filing(request: AuthenticatedHttpRequest) -> HttpResponse:
    """File at the desk a dossier a citizen brought in person or that came by post."""
    require_official(request)
    agencies = list(selectors.reception_agencies(user=request.user))
    if not agencies:
        raise PermissionDenied(_("Chỉ cán bộ Bộ phận Một cửa mới tiếp nhận hồ sơ trực tiếp."))
    procedures = selectors.procedures_for_counter(agencies=agencies)
    form = CounterLookupForm(procedures, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            procedure, agency = selectors.counter_procedure_agency(
                agencies=agencies, case_id=data["case"]
            )
            try:
                dossier = services.dossier_file_at_counter(
                    actor=request.user,
                    procedure_code=procedure.code,
                    agency_code=agency.code,
                    case_id=data["case"],
                    id_number=data["applicant_id_number"],
                    identity_checked=data["identity_checked"],
                    applicant_data={k: data[k] for k in APPLICANT_FIELDS},
                    submission_id=_submission_id(request),
                    channel=data.get("channel") or Channel.COUNTER,
                )
            except ApplicationError as exc:
                _apply_errors(form, exc)
            else:
                return redirect("dossiers:step", dossier_id=dossier.pk, step=2)
        status = 400
    return render(
        request,
        "officials/counter.html",
        {"form": form, "submission_id": _submission_id(request) or uuid.uuid4().hex},
        status=status,
    )
