"""Issue 23, point 3: sign-up's password rules in Vietnamese; officials' links out of
citizens' way (the "Cán bộ" menu item, the API documentation)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_a_short_password_is_refused_in_vietnamese(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "moi@example.vn", "password1": "Ab1!", "password2": "Ab1!"},
    )
    html = response.content.decode()
    assert "Mật khẩu quá ngắn: cần ít nhất 8 ký tự." in html
    assert "too short" not in html and "This password" not in html


def test_citizens_see_no_officials_link_nor_api_docs(client, citizen):
    for user in (None, citizen):
        if user:
            client.force_login(user)
        html = client.get("/").content.decode()
        assert 'href="/can-bo/"' not in html
        assert 'href="/api/docs/"' not in html
    assert client.get("/api/docs/").status_code == 200  # still reachable for developers


def test_officials_keep_their_links(client, official):
    client.force_login(official)
    html = client.get("/").content.decode()
    assert 'href="/can-bo/"' in html and 'href="/api/docs/"' in html


def test_the_profile_says_how_to_verify_identity_in_plain_words(client, citizen):
    client.force_login(citizen)
    html = client.get("/tai-khoan/").content.decode()
    assert "Chưa xác thực" in html  # the factory's citizen typed a number: not verified
    assert "Bạn có thể xác thực theo một trong ba cách:" in html
    assert "12 số trên thẻ căn cước" in html
    assert "nguồn đã xác thực" not in html
