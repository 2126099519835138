from __future__ import annotations

import pytest
from django.db import connection

from procedures.constants import OnlineMode
from tests.procedures.factories import ProcedureFactory

pytestmark = pytest.mark.django_db

RANK_QUERIES = 0 if connection.vendor == "postgresql" else 1


def test_home_shows_search_popular_and_fields(client, catalogue):
    html = client.get("/").content.decode()
    assert 'role="search"' in html and 'name="q"' in html
    assert "Thủ tục đăng ký khai sinh" in html  # most popular
    assert "?field=ho-tich" in html


def test_results_page_without_javascript(client, catalogue):
    response = client.get("/thu-tuc/", {"q": "dang ky khai sinh"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tìm thấy" in html
    first = html.index('href="/thu-tuc/1.001193/"')
    assert first < html.index('href="/thu-tuc/2.000528/"')
    assert 'value="dang ky khai sinh"' in html


def test_results_pagination_keeps_the_filters(client, catalogue):
    html = client.get("/thu-tuc/", {"level": "Cấp xã"}).content.decode()
    assert "Trang 1/" in html
    assert "level=C%E1%BA%A5p+x%C3%A3&amp;page=2" in html


def test_empty_state_offers_suggestions(client, catalogue):
    html = client.get("/thu-tuc/", {"q": "qwxz zzvv"}).content.decode()
    assert "Không tìm thấy thủ tục nào" in html
    assert 'href="/thu-tuc/1.001193/"' in html  # a popular suggestion


def test_bad_filter_is_400_with_a_vietnamese_message(client, catalogue):
    response = client.get("/thu-tuc/", {"online": "sometimes"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert "Điều kiện tìm kiếm không hợp lệ" in html


def test_list_page_query_count_is_pinned(client, django_assert_num_queries, agency):
    for index in range(25):
        ProcedureFactory(agencies=[agency], free=bool(index % 2))
    # field choices, agency choices, the page's ranked ids (total alongside), their rows
    # (field joined), their fees
    with django_assert_num_queries(5):
        assert client.get("/thu-tuc/").status_code == 200
    client.get("/thu-tuc/", {"q": "thu"})  # loads the lexicon once per process
    with django_assert_num_queries(5 + RANK_QUERIES):
        html = client.get("/thu-tuc/", {"q": "thu nghiem"}).content.decode()
    assert "Tìm thấy 25 thủ tục" in html
    assert "Miễn phí" in html and "Có phí, lệ phí" in html


def test_detail_page_shows_documents_fees_time_and_filing(client, catalogue):
    html = client.get("/thu-tuc/1.004194/").content.decode()
    assert "<h1" in html and "Đăng ký tạm trú" in html
    assert "Thành phần hồ sơ" in html and "Tờ khai thay đổi thông tin cư trú" in html
    assert "Trường hợp 3:" in html  # documents per case
    assert "15.000\u00a0đ" in html and "7.000\u00a0đ" in html and "giảm khi nộp trực tuyến" in html
    assert "3 ngày làm việc" in html
    assert "Căn cứ pháp lý" in html and "Luật Cư trú" in html
    assert 'href="/ho-so/nop/1.004194/"' in html
    assert "Nộp hồ sơ trực tuyến" in html
    # One small badge for citizens; no developer notes, no English field lists (issue 12).
    assert html.count("dữ liệu minh hoạ") == 1
    for internal in ("docs/domain.md", "online_mode", "form_schema", "demo_fields"):
        assert internal not in html
    assert "Cơ quan tự khai thác — không cần nộp" in html


def test_detail_of_free_procedure(client, catalogue):
    html = client.get("/thu-tuc/1.001193/").content.decode()
    assert "Miễn phí" in html


def test_counter_only_procedure_has_guidance_instead_of_button(client, agency):
    procedure = ProcedureFactory(online_mode=OnlineMode.NONE, agencies=[agency])
    html = client.get(f"/thu-tuc/{procedure.code}/").content.decode()
    assert "/ho-so/nop/" not in html
    assert "Bộ phận Một cửa" in html
    assert agency.name in html


def test_detail_404(client):
    assert client.get("/thu-tuc/0.000000/").status_code == 404


def test_single_pass_pagination_edges(client, catalogue):
    last = client.get("/thu-tuc/", {"page": 999}).content.decode()
    assert "Trang 3/3" in last and "Tìm thấy 59 thủ tục" in last
    first = client.get("/thu-tuc/", {"page": "abc"}).content.decode()
    assert "Trang 1/3" in first
    api = client.get("/api/v1/procedures/", {"page": 999})
    assert api.status_code == 404
    body = client.get("/api/v1/procedures/", {"page": 3}).json()
    assert body["count"] == 59 and len(body["results"]) == 19 and body["next"] is None


def test_uploaded_template_is_served_by_its_name(client, agency, tmp_path, settings):
    from django.core.files.base import ContentFile

    from procedures.models import Component

    procedure = ProcedureFactory(agencies=[agency])
    component = Component.objects.filter(procedure=procedure).first()
    component.template_file = "Mẫu CT01 tờ khai.doc"
    component.template_upload.save("x1y2z3.doc", ContentFile(b"\xd0\xcf\x11\xe0 mau"))
    html = client.get(f"/thu-tuc/{procedure.code}/").content.decode()
    assert f'href="/thu-tuc/mau/{component.pk}/"' in html and "Tải mẫu đơn, tờ khai" in html
    response = client.get(f"/thu-tuc/mau/{component.pk}/")
    assert response.status_code == 200
    assert (
        "filename*=utf-8''M%E1%BA%ABu%20CT01%20t%E1%BB%9D%20khai.doc"
        in response["Content-Disposition"]
    )
    other = Component.objects.filter(procedure=procedure).exclude(pk=component.pk).first()
    assert client.get(f"/thu-tuc/mau/{other.pk}/").status_code == 404  # no file uploaded
    procedure.is_published = False
    procedure.save()
    assert client.get(f"/thu-tuc/mau/{component.pk}/").status_code == 404
