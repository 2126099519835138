"""Feedback (PAKN): receipt, addressing, deadlines across Tết, each action, the API, the pages,
who may act, the rate limit, the spam guard, the queues' query counts and the reminders."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core import signing
from django.test import Client
from rest_framework.test import APIClient

from accounts.constants import AgencyLevel, StaffRoleName
from dossiers.constants import DossierStatus
from dvctt.workdays import VN_TZ
from notifications.models import Notification
from reports import services
from reports.constants import FeedbackStatus
from reports.forms import FORM_TOKEN_SALT
from reports.models import Feedback, FeedbackEvent
from tests.dossiers.factories import dossier_in
from tests.factories import AgencyFactory, CitizenFactory, make_official
from tests.procedures.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN_TZ)


def submit(**kwargs) -> Feedback:
    values = {"actor": None, "title": "Thái độ", "content": "Nội dung", "name": "Nguyễn Văn A"}
    return services.feedback_submit(**{**values, **kwargs})


# --- deadlines ----------------------------------------------------------------------------


def test_deadlines_skip_tet_2027():
    # Received Wednesday 3/2/2027 at 09:00; Tết Đinh Mùi closes offices 4–10/2/2027.
    received = vn(2027, 2, 3, 9, 0)
    deadlines = services.feedback_deadlines(received)
    assert deadlines["refuse"] == vn(2027, 2, 12, 9, 0)  # 6 h on the 3rd, 8 h on the 11th
    assert deadlines["request_info"] == vn(2027, 2, 17, 9, 0)
    assert deadlines["answer"] == vn(2027, 3, 3, 9, 0)
    feedback = submit(now=received, agency_code=AgencyFactory().code)
    assert feedback.due_at == vn(2027, 2, 12, 9, 0)
    assert feedback.answer_due_at == vn(2027, 3, 3, 9, 0)


def test_due_at_follows_the_current_step(official, agency):
    received = vn(2027, 2, 3, 9, 0)
    feedback = submit(now=received, agency_code=agency.code)
    feedback = services.feedback_run_action(
        actor=official, code=feedback.code, action="accept", now=vn(2027, 2, 3, 10, 0)
    )
    assert feedback.status == FeedbackStatus.ACCEPTED and feedback.due_at == vn(2027, 3, 3, 9, 0)
    feedback = services.feedback_run_action(
        actor=official,
        code=feedback.code,
        action="answer",
        data={"answer": "Đã chấn chỉnh"},
        now=vn(2027, 2, 26, 14, 0),  # a Friday: publishing is due 2 working days later
    )
    assert feedback.due_at == vn(2027, 3, 2, 14, 0)
    # After the 15:00 cut-off the clock starts the next working day (NĐ 61/2018 Điều 18).
    assert services.feedback_deadline(vn(2027, 2, 26, 16, 0), 2) == vn(2027, 3, 2, 17, 0)
    feedback = services.feedback_run_action(
        actor=official, code=feedback.code, action="publish", now=vn(2027, 3, 1, 9, 0)
    )
    assert feedback.status == FeedbackStatus.PUBLISHED and feedback.published_at
    assert [e.action for e in feedback.events.all()] == ["submit", "accept", "answer", "publish"]


# --- receipt and addressing ---------------------------------------------------------------


def test_addressed_to_the_dossiers_agency_first(agency, procedure):
    dossier = dossier_in(DossierStatus.SUBMITTED, agency=agency, procedure=procedure)
    other = AgencyFactory()
    feedback = submit(dossier_code=dossier.code, agency_code=other.code)
    assert feedback.agency == agency


def test_addressed_to_the_procedures_agency_unless_the_chosen_one_settles_it(agency):
    second = AgencyFactory()
    procedure = ProcedureFactory(agencies=[agency, second])
    assert submit(procedure_code=procedure.code).agency in (agency, second)
    assert submit(procedure_code=procedure.code, agency_code=second.code).agency == second
    outsider = AgencyFactory()
    assert submit(procedure_code=procedure.code, agency_code=outsider.code).agency in (
        agency,
        second,
    )


def test_addressed_to_the_chosen_agency_else_the_province(agency):
    province = AgencyFactory(level=AgencyLevel.PROVINCE, parent=None, code="000.00.00.H99")
    assert submit(agency_code=agency.code).agency == agency
    assert submit().agency == province
    # An unknown dossier code says nothing about dossiers: it is kept as text.
    assert submit(dossier_code="KHONG-CO").agency == province


def test_unknown_procedure_or_agency_names_the_field():
    with pytest.raises(services.InvalidInput) as exc:
        submit(procedure_code="9.999999", agency_code="nope")
    assert set(exc.value.fields) == {"procedure", "agency"}
    assert not Feedback.objects.exists()


def test_receipt_is_logged_with_a_readable_code(agency):
    feedback = submit(agency_code=agency.code)
    assert feedback.code.startswith("PAKN-") and len(feedback.code) == 18
    event = FeedbackEvent.objects.get()
    assert (event.action, event.to_status) == ("submit", "received")
    # The log is evidence: a written step cannot be changed afterwards.
    event.note = "sửa lại"
    with pytest.raises(ValueError, match="append-only"):
        event.save()


# --- transitions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "final"),
    [
        (["accept"], "accepted"),
        (["refuse"], "refused"),
        (["accept", "refuse"], "refused"),
        (["request_info"], "info_requested"),
        (["accept", "request_info", "answer"], "answered"),
        (["answer", "publish"], "published"),
    ],
)
def test_each_transition(official, agency, path, final):
    feedback = submit(agency_code=agency.code)
    body = {"reason": "Lý do", "answer": "Trả lời"}
    for action in path:
        feedback = services.feedback_run_action(
            actor=official, code=feedback.code, action=action, data=body
        )
    assert feedback.status == final
    assert feedback.events.count() == len(path) + 1


@pytest.mark.parametrize(
    ("path", "illegal"),
    [
        ([], "publish"),
        (["refuse"], "answer"),
        (["answer", "publish"], "accept"),
        (["accept"], "accept"),
    ],
)
def test_illegal_transitions_are_409(official, agency, path, illegal):
    feedback = submit(agency_code=agency.code)
    for action in path:
        services.feedback_run_action(
            actor=official, code=feedback.code, action=action, data={"reason": "r", "answer": "a"}
        )
    with pytest.raises(services.FeedbackInvalidTransition):
        services.feedback_run_action(
            actor=official, code=feedback.code, action=illegal, data={"answer": "a"}
        )


@pytest.mark.parametrize(
    ("action", "field"), [("refuse", "reason"), ("request_info", "reason"), ("answer", "answer")]
)
def test_actions_needing_text_name_the_field(official, agency, action, field):
    feedback = submit(agency_code=agency.code)
    with pytest.raises(services.InvalidInput) as exc:
        services.feedback_run_action(
            actor=official, code=feedback.code, action=action, data={field: "  "}
        )
    assert field in exc.value.fields
    assert Feedback.objects.get().status == "received"


def test_another_agencys_official_or_a_citizen_cannot_act(agency):
    feedback = submit(agency_code=agency.code)
    for user in (make_official(agency=AgencyFactory()), CitizenFactory()):
        with pytest.raises(services.Forbidden):
            services.feedback_run_action(actor=user, code=feedback.code, action="accept")
    assert Feedback.objects.get().status == "received"


def test_the_sender_is_told_of_the_answer(official, agency, citizen):
    anonymous = submit(agency_code=agency.code, email="a@example.vn")
    signed_in = submit(agency_code=agency.code, actor=citizen)
    silent = submit(agency_code=agency.code)
    for feedback in (anonymous, signed_in, silent):
        services.feedback_run_action(
            actor=official, code=feedback.code, action="answer", data={"answer": "Trả lời"}
        )
    told = Notification.objects.filter(key__contains=":answer")
    assert {(n.channel, n.address or n.recipient_id) for n in told} >= {
        ("email", "a@example.vn"),
        ("in_app", citizen.pk),
    }
    assert not told.filter(key__startswith=f"feedback:{silent.pk}:").exists()


# --- API ----------------------------------------------------------------------------------

BODY = {"title": "Cán bộ hẹn nhiều lần", "content": "Tôi phải đến ba lần.", "name": "Trần B"}


def test_api_anyone_sends_and_follows_by_code_without_personal_data(agency):
    client = APIClient()
    r = client.post(
        "/api/v1/feedback/",
        {**BODY, "email": "b@example.vn", "phone": "0912345678", "agency": agency.code},
        format="json",
    )
    assert r.status_code == 201, r.content
    assert set(r.json()) == {"code", "status", "due_at"} and r.json()["status"] == "received"
    code = r.json()["code"]
    detail = client.get(f"/api/v1/feedback/{code}/").json()
    assert detail["status"] == "received" and detail["agency"] == agency.code
    text = str(detail)
    assert "Trần B" not in text and "b@example.vn" not in text and "0912345678" not in text
    assert client.get("/api/v1/feedback/PAKN-000000-XXXXXX/").status_code == 404


def test_api_actions_for_the_addressed_agency_only(agency, official):
    code = submit(agency_code=agency.code).code
    outsider = APIClient()
    outsider.force_authenticate(make_official(agency=AgencyFactory()))
    r = outsider.post(f"/api/v1/feedback/{code}/actions/accept/", {}, format="json")
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    r = APIClient().post(f"/api/v1/feedback/{code}/actions/accept/", {}, format="json")
    assert r.status_code in (401, 403)
    mine = APIClient()
    mine.force_authenticate(official)
    r = mine.post(f"/api/v1/feedback/{code}/actions/answer/", {"answer": "Đã xử lý"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "answered"
    assert r.json()["available_actions"] == ["publish"]
    r = mine.post(f"/api/v1/feedback/{code}/actions/accept/", {}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"
    r = mine.post(f"/api/v1/feedback/{code}/actions/dance/", {}, format="json")
    assert r.status_code == 404
    r = mine.post(f"/api/v1/feedback/{code}/actions/refuse/", {}, format="json")
    assert r.status_code == 409
    assert (
        mine.post(f"/api/v1/feedback/{code}/actions/publish/", {}, format="json").status_code == 200
    )
    listed = APIClient().get("/api/v1/feedback/", {"published": "1"}).json()
    assert listed["count"] == 1 and listed["results"][0]["code"] == code
    assert set(listed) == {"count", "next", "previous", "results"}


def test_api_unpublished_list_is_for_officials(agency, official):
    submit(agency_code=agency.code)
    assert APIClient().get("/api/v1/feedback/", {"published": "0"}).status_code == 403
    client = APIClient()
    client.force_authenticate(official)
    assert client.get("/api/v1/feedback/", {"published": "0"}).json()["count"] == 1


@pytest.mark.parametrize(
    "body",
    [
        {},
        {**BODY, "title": "x" * 5000},
        {**BODY, "title": "a\x00b"},
        {**BODY, "content": ["not", "text"]},
        {**BODY, "email": "not-an-address"},
        {**BODY, "phone": "abc"},
        {**BODY, "procedure": "9.999999"},
        {**BODY, "agency": {"code": 1}},
        {**BODY, "name": True},
    ],
)
def test_api_hostile_feedback_is_400_json(agency, body):
    r = APIClient().post("/api/v1/feedback/", body, format="json")
    assert r.status_code == 400, r.content
    assert set(r.json()) == {"code", "message", "fields"}
    assert not Feedback.objects.exists()


def test_api_hostile_action_bodies_are_4xx_json(agency, official):
    code = submit(agency_code=agency.code).code
    client = APIClient()
    client.force_authenticate(official)
    for body in ({"answer": "x" * 20000}, {"answer": "a\x00"}, {"answer": ["a"]}):
        r = client.post(f"/api/v1/feedback/{code}/actions/answer/", body, format="json")
        assert r.status_code == 400 and "code" in r.json(), r.content
    r = client.post("/api/v1/feedback/%00/actions/answer/", {"answer": "a"}, format="json")
    assert 400 <= r.status_code < 500
    assert Feedback.objects.get().status == "received"


def test_api_sending_is_rate_limited(agency, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "feedback": "3/h"}
    client = APIClient()
    statuses = [
        client.post("/api/v1/feedback/", {**BODY, "agency": agency.code}, format="json").status_code
        for _ in range(5)
    ]
    assert statuses == [201, 201, 201, 429, 429]
    assert Feedback.objects.count() == 3


# --- pages --------------------------------------------------------------------------------


def form_data(agency, *, age: float = 10.0, **extra) -> dict:
    token = signing.dumps({"t": time.time() - age}, salt=FORM_TOKEN_SALT)
    return {**BODY, "agency": agency.code, "form_token": token, "website": "", **extra}


def test_page_sends_gives_the_code_and_follows_it(client, agency):
    page = client.get("/phan-anh-kien-nghi/gui/")
    assert page.status_code == 200 and 'name="form_token"' in page.content.decode()
    r = client.post("/phan-anh-kien-nghi/gui/", form_data(agency, email="c@example.vn"))
    assert r.status_code == 303
    feedback = Feedback.objects.get()
    assert feedback.sender is None and feedback.email == "c@example.vn"
    followed = client.get(r["Location"])
    html = followed.content.decode()
    assert feedback.code in html and "Đã tiếp nhận" in html
    assert "Trần B" not in html and "c@example.vn" not in html
    r = client.get("/phan-anh-kien-nghi/tra-cuu/", {"code": "PAKN-000000-ZZZZZZ"})
    assert r.status_code == 404 and "Không tìm thấy" in r.content.decode()


def test_page_signed_in_sender_is_recorded(client, citizen, agency):
    client.force_login(citizen)
    client.post("/phan-anh-kien-nghi/gui/", form_data(agency))
    assert Feedback.objects.get().sender == citizen


def test_page_missing_fields_are_tied_to_them(client, agency):
    r = client.post("/phan-anh-kien-nghi/gui/", form_data(agency, title="", email="sai"))
    html = r.content.decode()
    assert r.status_code == 400
    assert 'id="id_title_error"' in html and 'id="id_email_error"' in html
    assert (
        'aria-describedby="id_title_error"' in html
        or "id_title_error" in html.split('id="id_title"')[1].split(">")[0]
    )
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    "extra",
    [{"website": "http://spam.example"}, {"age": 0.5}, {"age": 3 * 86400}, {"form_token": "x"}],
)
def test_spam_guard_refuses_honeypot_fast_old_or_forged_forms(client, agency, extra):
    age = extra.pop("age", 10.0)
    r = client.post("/phan-anh-kien-nghi/gui/", form_data(agency, age=age, **extra))
    assert r.status_code == 400
    assert 'class="error-summary"' in r.content.decode()
    assert not Feedback.objects.exists()


def test_page_sending_is_rate_limited(client, agency, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "feedback": "2/h"}
    codes = [
        client.post("/phan-anh-kien-nghi/gui/", form_data(agency)).status_code for _ in range(3)
    ]
    assert codes == [303, 303, 429]
    assert Feedback.objects.count() == 2


def test_published_answers_are_searchable_without_diacritics(client, agency, official):
    shown = submit(agency_code=agency.code, title="Đường điện chập chờn", name="Lê Thị Bí Mật")
    hidden = submit(agency_code=agency.code, title="Đường nước")
    for action, data in (("answer", {"answer": "Điện lực đã sửa"}), ("publish", {})):
        services.feedback_run_action(actor=official, code=shown.code, action=action, data=data)
    services.feedback_run_action(
        actor=official, code=hidden.code, action="answer", data={"answer": "Chưa công khai"}
    )
    html = client.get("/phan-anh-kien-nghi/", {"q": "duong dien"}).content.decode()
    assert "Đường điện chập chờn" in html and "Điện lực đã sửa" in html
    assert "Đường nước" not in html and "Lê Thị Bí Mật" not in html
    html = client.get("/phan-anh-kien-nghi/", {"q": "ĐIỆN LỰC"}).content.decode()
    assert "Đường điện chập chờn" in html
    assert (
        "Đường điện" not in client.get("/phan-anh-kien-nghi/", {"q": "khong co"}).content.decode()
    )


def test_public_list_pins_queries(client, agency, official, django_assert_num_queries):
    for n in range(3):
        f = submit(agency_code=agency.code, title=f"Phản ánh {n}")
        services.feedback_run_action(
            actor=official, code=f.code, action="answer", data={"answer": "Đã trả lời"}
        )
        services.feedback_run_action(actor=official, code=f.code, action="publish")
    with django_assert_num_queries(2):  # count, page (with agency and procedure)
        r = client.get("/phan-anh-kien-nghi/")
    assert r.content.decode().count('class="card feedback-card"') == 3


# --- officials' workspace -----------------------------------------------------------------


def test_queue_and_overdue_queue_with_pinned_queries(
    client, agency, official, django_assert_num_queries
):
    late = submit(agency_code=agency.code, title="Trễ hạn", now=vn(2026, 1, 5, 9, 0))
    fresh = submit(agency_code=agency.code, title="Mới gửi")
    foreign = submit(agency_code=AgencyFactory().code, title="Cơ quan khác")
    client.force_login(official)
    client.get("/can-bo/phan-anh-kien-nghi/")
    with django_assert_num_queries(5):  # user, agencies, counts, count, page (session: cache)
        r = client.get("/can-bo/phan-anh-kien-nghi/")
    html = r.content.decode()
    assert late.code in html and fresh.code in html and foreign.code not in html
    assert html.index(late.code) < html.index(fresh.code)  # soonest due first
    with django_assert_num_queries(5):
        html = client.get("/can-bo/phan-anh-kien-nghi/", {"queue": "overdue"}).content.decode()
    assert late.code in html and fresh.code not in html and "(quá hạn)" in html


def test_detail_page_acts_with_forms_and_shows_the_log(client, agency, official):
    feedback = submit(agency_code=agency.code, email="d@example.vn", phone="0900000000")
    client.force_login(official)
    html = client.get(f"/can-bo/phan-anh-kien-nghi/{feedback.code}/").content.decode()
    assert "d@example.vn" in html and "0900000000" in html  # the agency sees the sender
    assert f"/can-bo/phan-anh-kien-nghi/{feedback.code}/thao-tac/refuse/" in html
    r = client.post(f"/can-bo/phan-anh-kien-nghi/{feedback.code}/thao-tac/answer/", {"answer": ""})
    assert r.status_code == 303 and Feedback.objects.get().status == "received"
    r = client.post(
        f"/can-bo/phan-anh-kien-nghi/{feedback.code}/thao-tac/answer/", {"answer": "Đã giải quyết"}
    )
    assert r.status_code == 303 and Feedback.objects.get().status == "answered"
    client.post(f"/can-bo/phan-anh-kien-nghi/{feedback.code}/thao-tac/publish/")
    html = client.get(f"/can-bo/phan-anh-kien-nghi/{feedback.code}/").content.decode()
    assert "Đã công khai" in html and "Công khai trả lời" in html and "Trả lời" in html


def test_other_agencies_and_citizens_cannot_open_or_act(client, agency):
    feedback = submit(agency_code=agency.code)
    client.force_login(make_official(agency=AgencyFactory()))
    assert client.get(f"/can-bo/phan-anh-kien-nghi/{feedback.code}/").status_code == 404
    r = client.post(f"/can-bo/phan-anh-kien-nghi/{feedback.code}/thao-tac/accept/")
    assert r.status_code == 404
    citizen = Client()
    citizen.force_login(CitizenFactory())
    assert citizen.get("/can-bo/phan-anh-kien-nghi/").status_code == 403
    assert (
        citizen.post(f"/can-bo/phan-anh-kien-nghi/{feedback.code}/thao-tac/accept/").status_code
        == 403
    )
    assert Feedback.objects.get().status == "received"


# --- reminders ----------------------------------------------------------------------------


def test_reminders_before_the_deadline_and_when_late_once_each(agency, official, settings):
    leader = make_official(agency=agency, role=StaffRoleName.LEADER)
    make_official(agency=AgencyFactory())  # another agency's official hears nothing
    received = vn(2027, 2, 3, 9, 0)
    feedback = submit(agency_code=agency.code, now=received)  # refusal due 12/2 09:00
    assert services.feedback_send_reminders(now=vn(2027, 2, 3, 10, 0)) == 0  # far from due
    eve = vn(2027, 2, 11, 10, 0)
    assert services.feedback_send_reminders(now=eve) == 2
    services.feedback_send_reminders(now=eve)  # a second beat, a retried task
    keys = set(
        Notification.objects.filter(key__startswith="feedback:remind:").values_list(
            "key", flat=True
        )
    )
    assert len({k.rsplit(":", 2)[0] for k in keys}) == 1  # one reminder "due" for two people
    assert {int(k.split(":")[-2]) for k in keys} == {official.pk, leader.pk}
    before = Notification.objects.count()
    services.feedback_send_reminders(now=eve)
    assert Notification.objects.count() == before
    services.feedback_send_reminders(now=vn(2027, 2, 12, 10, 0))  # now late: one more each
    late = Notification.objects.filter(key__contains=":overdue:")
    assert {n.recipient_id for n in late} == {official.pk, leader.pk}
    services.feedback_run_action(
        actor=official,
        code=feedback.code,
        action="refuse",
        data={"reason": "Không thuộc thẩm quyền"},
    )
    assert services.feedback_send_reminders(now=vn(2027, 2, 15, 10, 0)) == 0


def test_reminder_task_is_on_the_beat():
    from django.conf import settings

    from reports.tasks import feedback_reminders

    assert settings.CELERY_BEAT_SCHEDULE["feedback-reminders"]["task"] == feedback_reminders.name
    assert feedback_reminders.apply().get() == 0


def test_send_page_takes_the_procedure_and_dossier_from_a_link(client, procedure):
    html = client.get(
        "/phan-anh-kien-nghi/gui/", {"procedure": procedure.code, "dossier_code": "ABC-1"}
    ).content.decode()
    assert f'value="{procedure.code}"' in html and 'value="ABC-1"' in html
