"""Officials must set up a second factor where MFA_REQUIRED_FOR_OFFICIALS is on (production)."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.test import override_settings
from django.urls import reverse

from tests.factories import PASSWORD


@override_settings(MFA_REQUIRED_FOR_OFFICIALS=True)
def test_official_without_totp_is_sent_to_set_it_up(client, official):
    login = client.post("/accounts/login/", {"login": official.email, "password": PASSWORD})
    assert login.status_code == 302
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # The MFA pages (and allauth's password re-check before them) stay reachable, or the
    # official could never comply.
    setup = client.get(reverse("mfa_activate_totp"), follow=True)
    assert setup.status_code == 200
    assert setup.request["PATH_INFO"].startswith("/accounts/")


@override_settings(MFA_REQUIRED_FOR_OFFICIALS=True)
def test_official_with_totp_and_citizens_pass(client, official, citizen):
    Authenticator.objects.create(user=official, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(official)
    assert client.get("/").status_code == 200
    client.force_login(citizen)
    assert client.get("/").status_code == 200


@override_settings(MFA_REQUIRED_FOR_OFFICIALS=False)
def test_mfa_is_optional_when_the_setting_is_off(client, official):
    client.force_login(official)
    assert client.get("/").status_code == 200
