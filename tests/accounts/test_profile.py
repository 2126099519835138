"""Issue 23 point 5: the profile shows the date of birth whenever it is known — copied from the
citizen registry by a registry match (the demo accounts included), dd/mm/yyyy."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command

from accounts.models import User
from tests.factories import CitizenFactory

VICTIM = "001090012345"  # Nguyễn Văn An, born 12/05/1990 in the registry stand-in


def _birth_row(html: str) -> str:
    start = html.index("Ngày sinh</dt>")
    return html[start : html.index("</dd>", start)]


def test_the_demo_citizens_profile_shows_the_registry_date_of_birth(client, db):
    call_command("seed_demo")
    an = User.objects.get(email="congdan@demo.vn")
    assert an.date_of_birth == dt.date(1990, 5, 12)
    client.force_login(an)
    assert "12/05/1990" in _birth_row(client.get("/tai-khoan/").content.decode())


def test_a_registry_match_puts_the_date_of_birth_on_the_profile(client, db):
    user = CitizenFactory(id_number=VICTIM, full_name="Nguyễn Văn An", date_of_birth=None)
    client.force_login(user)
    assert "—" in _birth_row(client.get("/tai-khoan/").content.decode())
    ok = client.post(
        "/tai-khoan/xac-thuc-danh-tinh/",
        {"id_number": VICTIM, "full_name": "Nguyễn Văn An", "date_of_birth": "12/05/1990"},
    )
    assert ok.status_code == 302
    assert "12/05/1990" in _birth_row(client.get("/tai-khoan/").content.decode())
