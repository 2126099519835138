"""Rating a settled dossier (TT 01/2018/TT-VPCP Điều 13): service, API, pages, officials' list."""

from __future__ import annotations

import pytest
from django.core import mail
from rest_framework.test import APIClient

from accounts.constants import StaffRoleName
from accounts.models import StaffRole
from dossiers.constants import DossierStatus
from notifications.models import Notification
from reports import services
from reports.models import Rating
from tests.dossiers.factories import dossier_in
from tests.factories import AgencyFactory, CitizenFactory, make_official

pytestmark = pytest.mark.django_db


@pytest.fixture
def returned(agency, citizen, procedure):
    return dossier_in(DossierStatus.RETURNED, agency=agency, citizen=citizen, procedure=procedure)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def url(dossier) -> str:
    return f"/api/v1/dossiers/{dossier.pk}/rating/"


# --- service ------------------------------------------------------------------------------


def test_owner_rates_a_returned_dossier_once(returned, citizen):
    rating = services.rating_create(
        actor=citizen,
        dossier_id=returned.pk,
        score=5,
        criteria={"processing_time": 2, "staff_attitude": 1},
        comment="Nhanh, chu đáo",
    )
    assert (rating.agency_id, rating.procedure_id) == (returned.agency_id, returned.procedure_id)
    assert rating.criteria == {"processing_time": 2, "staff_attitude": 1}
    with pytest.raises(services.AlreadyRated):
        services.rating_create(actor=citizen, dossier_id=returned.pk, score=1)
    assert Rating.objects.count() == 1


def test_result_issued_may_be_rated_but_not_before(agency, citizen, procedure):
    issued = dossier_in(
        DossierStatus.RESULT_ISSUED, agency=agency, citizen=citizen, procedure=procedure
    )
    services.rating_create(actor=citizen, dossier_id=issued.pk, score=4)
    received = dossier_in(
        DossierStatus.RECEIVED, agency=agency, citizen=citizen, procedure=procedure
    )
    with pytest.raises(services.NotRatable):
        services.rating_create(actor=citizen, dossier_id=received.pk, score=4)


@pytest.mark.parametrize(
    "criteria",
    [{"unknown": 1}, {"processing_time": 3}, {"processing_time": True}, ["x"], {"publicity": 1.5}],
)
def test_bad_criteria_are_refused_naming_the_field(returned, citizen, criteria):
    with pytest.raises(services.InvalidInput) as exc:
        services.rating_create(actor=citizen, dossier_id=returned.pk, score=3, criteria=criteria)
    assert "criteria" in exc.value.fields
    assert not Rating.objects.exists()


def test_low_rating_tells_the_agencys_leaders_after_commit(
    returned, citizen, agency, django_capture_on_commit_callbacks
):
    leader = make_official(agency=agency, role=StaffRoleName.LEADER)
    make_official(agency=AgencyFactory(), role=StaffRoleName.LEADER)  # another agency's
    with django_capture_on_commit_callbacks(execute=True):
        services.rating_create(actor=citizen, dossier_id=returned.pk, score=2, comment="Chậm")
    sent = Notification.objects.filter(key__startswith="rating:low:")
    leaders = set(
        StaffRole.objects.filter(agency=agency, role=StaffRoleName.LEADER).values_list(
            "user_id", flat=True
        )
    )
    assert leader.pk in leaders
    assert {n.recipient_id for n in sent} == leaders
    assert any(returned.code in m.subject for m in mail.outbox)


def test_good_rating_tells_nobody(returned, citizen, agency):
    make_official(agency=agency, role=StaffRoleName.LEADER)
    services.rating_create(actor=citizen, dossier_id=returned.pk, score=3)
    assert not Notification.objects.filter(key__startswith="rating:low:").exists()


# --- API ----------------------------------------------------------------------------------


def test_api_rates_and_answers_409_on_a_second(returned, citizen):
    r = api(citizen).post(url(returned), {"score": 5, "criteria": {"publicity": 2}}, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["score"] == 5 and r.json()["criteria"] == {"publicity": 2}
    r = api(citizen).post(url(returned), {"score": 4}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "already_rated"


def test_api_before_the_result_is_409(agency, citizen, procedure):
    dossier = dossier_in(
        DossierStatus.SUBMITTED, agency=agency, citizen=citizen, procedure=procedure
    )
    r = api(citizen).post(url(dossier), {"score": 5}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "not_ratable"


def test_api_not_the_owner_is_404_like_a_missing_dossier(returned, agency):
    for user in (CitizenFactory(), make_official(agency=agency)):
        r = api(user).post(url(returned), {"score": 5}, format="json")
        assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert not Rating.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"score": 0},
        {"score": 6},
        {"score": "năm"},
        {"score": True},
        {"score": 5, "criteria": {"nope": 1}},
        {"score": 5, "criteria": {"publicity": 9}},
        {"score": 5, "criteria": "all good"},
        {"score": 5, "comment": "x" * 5000},
        {"score": 5, "comment": "a\x00b"},
        {},
    ],
)
def test_api_hostile_bodies_are_400_json(returned, citizen, body):
    r = api(citizen).post(url(returned), body, format="json")
    assert r.status_code == 400, r.content
    assert set(r.json()) == {"code", "message", "fields"}
    assert not Rating.objects.exists()


# --- pages --------------------------------------------------------------------------------


def test_dossier_page_shows_the_form_then_the_rating(citizen_client, returned):
    page = citizen_client.get(f"/ho-so-cua-toi/{returned.pk}/").content.decode()
    assert "Đánh giá mức độ hài lòng" in page and f"/ho-so-cua-toi/{returned.pk}/danh-gia/" in page
    r = citizen_client.post(
        f"/ho-so-cua-toi/{returned.pk}/danh-gia/",
        {"score": "4", "criterion_staff_attitude": "2", "criterion_publicity": "", "comment": ""},
    )
    assert r.status_code == 303
    rating = Rating.objects.get()
    assert rating.score == 4 and rating.criteria == {"staff_attitude": 2}
    page = citizen_client.get(f"/ho-so-cua-toi/{returned.pk}/").content.decode()
    assert "Đánh giá của ông/bà" in page and "Hài lòng" in page
    r = citizen_client.post(f"/ho-so-cua-toi/{returned.pk}/danh-gia/", {"score": "1"})
    assert r.status_code == 303 and Rating.objects.get().score == 4


def test_rating_page_without_a_level_shows_the_error_on_the_field(citizen_client, returned):
    r = citizen_client.post(f"/ho-so-cua-toi/{returned.pk}/danh-gia/", {"comment": "?"})
    assert r.status_code == 400
    assert "Vui lòng chọn mức độ hài lòng." in r.content.decode()
    assert not Rating.objects.exists()


def test_unsettled_dossier_page_has_no_rating_form(citizen_client, citizen, procedure, agency):
    dossier = dossier_in(
        DossierStatus.SUBMITTED, agency=agency, citizen=citizen, procedure=procedure
    )
    assert "danh-gia" not in citizen_client.get(f"/ho-so-cua-toi/{dossier.pk}/").content.decode()
    r = citizen_client.get(f"/ho-so-cua-toi/{dossier.pk}/danh-gia/")
    assert r.status_code == 200 and "chưa có kết quả" in r.content.decode()


def test_rating_page_is_404_for_another_citizen(client, returned):
    client.force_login(CitizenFactory())
    assert client.get(f"/ho-so-cua-toi/{returned.pk}/danh-gia/").status_code == 404
    assert client.post(f"/ho-so-cua-toi/{returned.pk}/danh-gia/", {"score": "5"}).status_code == 404


def test_the_result_notification_links_to_the_rating_page(returned):
    bodies = [
        n.body for n in Notification.objects.filter(recipient_id=returned.applicant_id) if n.body
    ]
    assert any(f"/ho-so-cua-toi/{returned.pk}/danh-gia/" in b for b in bodies)


# --- officials' list ----------------------------------------------------------------------


def test_officials_see_their_agencys_ratings_filtered_with_pinned_queries(
    client, agency, procedure, django_assert_num_queries
):
    official = make_official(agency=agency)
    others = AgencyFactory()
    for score in (5, 2, 2):
        d = dossier_in(DossierStatus.RESULT_ISSUED, agency=agency, procedure=procedure)
        services.rating_create(actor=d.applicant, dossier_id=d.pk, score=score)
    foreign = dossier_in(DossierStatus.RESULT_ISSUED, agency=others)
    services.rating_create(actor=foreign.applicant, dossier_id=foreign.pk, score=1)
    client.force_login(official)
    client.get("/can-bo/danh-gia/")
    # user, agencies, count, page (the session: cache)
    with django_assert_num_queries(4):
        r = client.get("/can-bo/danh-gia/")
    html = r.content.decode()
    assert html.count('class="rating-row') == 3 and foreign.code not in html
    with django_assert_num_queries(4):
        r = client.get("/can-bo/danh-gia/", {"score": "2"})
    assert r.content.decode().count('class="rating-row score-2"') == 2


def test_citizens_cannot_open_the_ratings_list(citizen_client):
    assert citizen_client.get("/can-bo/danh-gia/").status_code == 403


def test_the_dossier_detail_shows_the_rating(returned, citizen):
    assert api(citizen).get(f"/api/v1/dossiers/{returned.pk}/").json()["rating"] is None
    api(citizen).post(url(returned), {"score": 3, "comment": "Tạm được"}, format="json")
    rating = api(citizen).get(f"/api/v1/dossiers/{returned.pk}/").json()["rating"]
    assert rating["score"] == 3 and rating["comment"] == "Tạm được"
