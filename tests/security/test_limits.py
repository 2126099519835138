"""Rate limits key on the real client address (dvctt.client_ip) and on the account."""

from __future__ import annotations

import uuid

import pytest
from django.test import RequestFactory, override_settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from dvctt.client_ip import client_ip
from tests.factories import CitizenFactory

rf = RequestFactory()


@pytest.mark.parametrize(
    ("remote", "xff", "trusted", "expected"),
    [
        ("203.0.113.9", "1.2.3.4", [], "203.0.113.9"),  # no proxy configured: header ignored
        ("10.0.0.2", "1.2.3.4", [], "10.0.0.2"),
        ("10.0.0.2", "1.2.3.4", ["10.0.0.0/8"], "1.2.3.4"),
        ("10.0.0.2", "6.6.6.6, 1.2.3.4", ["10.0.0.0/8"], "1.2.3.4"),  # client-set hop ignored
        ("10.0.0.2", "1.2.3.4, 10.0.0.7", ["10.0.0.0/8"], "1.2.3.4"),  # two proxies of ours
        ("10.0.0.2", "garbage", ["10.0.0.0/8"], "10.0.0.2"),
        ("203.0.113.9", "1.2.3.4", ["10.0.0.0/8"], "203.0.113.9"),  # not from our proxy
        ("::1", "2001:db8::1", ["::1"], "2001:db8::1"),
    ],
)
def test_client_ip_believes_only_configured_proxies(settings, remote, xff, trusted, expected):
    settings.TRUSTED_PROXIES = trusted
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=xff)
    assert client_ip(request) == expected


def test_a_new_forwarded_for_per_try_does_not_escape_the_token_limit(db, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "token": "5/m"}
    codes = [
        APIClient()
        .post(
            "/api/v1/auth/token/",
            {"email": f"x{i}@example.vn", "password": "sai"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}",
        )
        .status_code
        for i in range(8)
    ]
    assert codes == [400] * 5 + [429] * 3


def test_wrong_passwords_lock_the_account_from_any_address(db, settings):
    user = CitizenFactory()
    codes = []
    for i in range(7):
        api = APIClient(REMOTE_ADDR=f"192.0.2.{i}")
        codes.append(
            api.post(
                "/api/v1/auth/token/", {"email": user.email, "password": "sai"}, format="json"
            ).status_code
        )
    assert codes == [400] * 5 + [429] * 2
    # Even the right password waits now: the lockout is on the account.
    right = APIClient(REMOTE_ADDR="192.0.2.200").post(
        "/api/v1/auth/token/", {"email": user.email, "password": "S3cure-pass!2025"}, format="json"
    )
    assert right.status_code == 429 and right.json()["code"] == "throttled"


def test_tracking_page_and_api_share_one_limit_per_real_address(client, db, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "tracking": "4/m"}
    codes = [
        client.get(
            "/tra-cuu/", {"code": "X", "id_last4": "1234"}, HTTP_X_FORWARDED_FOR=f"1.1.1.{i}"
        ).status_code
        for i in range(2)
    ]
    codes += [
        APIClient()
        .get(
            "/api/v1/tracking/",
            {"code": "X", "id_last4": "1234"},
            HTTP_X_FORWARDED_FOR=f"1.1.2.{i}",
        )
        .status_code
        for i in range(3)
    ]
    assert codes == [404, 404, 404, 404, 429]


def test_web_login_counts_the_real_address(client, db, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip"}
    pages = [
        client.post(
            "/accounts/login/",
            {"login": f"a{i}@example.vn", "password": "sai"},
            HTTP_X_FORWARDED_FOR=f"9.9.9.{i}",
        ).content.decode()
        for i in range(5)
    ]
    refused = "Đăng nhập không thành công quá nhiều lần"
    assert [refused in page for page in pages] == [False, False, False, True, True]


def test_uploads_are_rate_limited_per_citizen(client, citizen, procedure, settings):
    from tests.dossiers.conftest import make_draft, required_components, upload

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "upload_account": "2/h"}
    dossier = make_draft(citizen, procedure, complete=False)
    component = required_components(dossier)[0]
    client.force_login(citizen)
    codes = [
        client.post(
            f"/ho-so/{dossier.pk}/tep/", {"component": component["id"], "file": upload()}
        ).status_code
        for _ in range(3)
    ]
    assert codes == [302, 302, 429]


class _Clock:
    """Stands in for the `time` module of dvctt.ratelimit: the tests say what time it is."""

    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now


def _accepted(times, *, scope, ident, monkeypatch):
    from dvctt import ratelimit

    clock = _Clock(times[0] if times else 0.0)
    monkeypatch.setattr(ratelimit, "time", clock)
    accepted = []
    for t in times:
        clock.now = t
        if not ratelimit.is_over(scope, ident):
            accepted.append(t)
    return accepted


def test_a_window_boundary_does_not_double_the_tries(db, settings, monkeypatch):
    from dvctt import ratelimit

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "token": "5/m"}
    boundary = 1_800_000_000.0  # a whole minute: where a fixed window restarts its count
    assert boundary % 60 == 0
    end_of_one = [boundary - 1 + i / 10 for i in range(5)]
    start_of_next = [boundary + i / 10 for i in range(5)]
    accepted = _accepted(
        end_of_one + start_of_next, scope="token", ident="198.51.100.7", monkeypatch=monkeypatch
    )
    assert accepted == end_of_one
    # Refused tries count too: a minute (and one slice of it) after the last of them, the
    # client may try again.
    later = boundary + 0.4 + 60 + 60 / ratelimit.SLICES
    assert _accepted(
        [later - 1, later], scope="token", ident="198.51.100.7", monkeypatch=monkeypatch
    ) == [later]


@hypothesis_settings(max_examples=60, deadline=None)
@given(
    rate=st.sampled_from(["3/s", "5/m", "4/15m", "2/h"]),
    start=st.floats(min_value=0, max_value=86_400),
    gaps=st.lists(st.floats(min_value=0, max_value=0.6), min_size=1, max_size=40),
)
def test_no_window_of_the_configured_length_accepts_more_than_the_limit(rate, start, gaps):
    """Whatever the timing of the tries, any span of one period holds at most N accepted."""
    from dvctt.ratelimit import parse_rate

    limit, period = parse_rate(rate)
    times, t = [], 1_800_000_000.0 + start
    for gap in gaps:
        t += gap * period
        times.append(t)
    with override_settings(RATE_LIMITS={"probe": rate}), pytest.MonkeyPatch.context() as mp:
        accepted = _accepted(times, scope="probe", ident=uuid.uuid4().hex, monkeypatch=mp)
    assert accepted, "the first try is always accepted"
    for end in accepted:
        assert sum(end - period <= a <= end for a in accepted) <= limit


def test_the_limit_stays_open_when_the_cache_does_not_answer(settings, monkeypatch, caplog):
    from dvctt import ratelimit

    class Down:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise ConnectionError("cache down")

            return fail

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "probe": "1/m"}
    monkeypatch.setattr(ratelimit, "cache", Down())
    assert not any(ratelimit.is_over("probe", "203.0.113.1") for _ in range(5))
    assert not ratelimit.is_over("probe", "203.0.113.1", record=False)
    assert "rate-limit cache unavailable" in caplog.text
