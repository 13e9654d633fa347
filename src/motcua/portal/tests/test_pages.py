"""Citizen pages over the real catalogue: home, search results, procedure, errors."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from motcua.catalog.models import Listing, OnlineLevel, Procedure, SubmissionChannel

pytestmark = pytest.mark.django_db

BIRTH = "1.001193"


def text(response) -> str:
    return response.content.decode()


def test_home_has_the_search_form_and_ways_to_browse(client):
    response = client.get(reverse("portal:home"))

    assert response.status_code == 200
    page = text(response)
    assert '<html lang="vi">' in page
    assert 'action="/tim-kiem/"' in page
    assert "Bạn cần làm thủ tục gì?" in page
    assert 'placeholder="Ví dụ: đăng ký khai sinh"' in page
    assert "?level=province" in page
    assert "Cấp xã" in page
    assert "?audience=citizen" in page
    assert "?audience=business" in page
    assert "?field=" in page
    assert 'href="/linh-vuc/"' in page
    assert "?agency=000.00.00.G15" in page  # Bộ Tư pháp
    assert page.count('<option value="H') == 34


def test_home_lists_life_events_with_their_procedures(client):
    page = text(client.get("/"))
    assert "Theo sự kiện" in page
    assert "Sinh con" in page
    assert "life_event=sinh-con" in page


def test_home_hides_life_events_while_there_are_none(client):
    from django.core.cache import cache

    from motcua.catalog.models import LifeEvent

    LifeEvent.objects.all().delete()
    cache.clear()
    assert "Theo sự kiện" not in text(client.get("/"))


def test_pages_load_only_our_own_assets(client):
    page = text(client.get("/"))

    assert "<style" not in page
    assert " style=" not in page
    assert re.search(r"<script(?![^>]*\bsrc=\"/static/)", page) is None
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "/static/portal/site.css" in page


def test_search_without_diacritics_finds_birth_registration(client):
    response = client.get("/tim-kiem/", {"q": "dang ky khai sinh"})

    assert response.status_code == 200
    page = text(response)
    assert f'href="/thu-tuc/{BIRTH}/"' in page
    assert re.search(r"Tìm thấy [\d.]+ thủ tục", page)
    assert 'value="dang ky khai sinh"' in page


def test_results_show_code_field_level_province_and_online_badge(client):
    page = text(client.get("/tim-kiem/", {"q": "dang ky khai sinh"}))

    assert "Hộ tịch" in page
    assert "Cấp xã" in page
    assert "Tỉnh Lâm Đồng" in page
    assert "Trực tuyến một phần" in page
    assert f"{BIRTH}.000.00.00.H36" in page


def test_filters_keep_their_values_and_province_is_carried_to_procedure_links(client):
    response = client.get(
        "/tim-kiem/",
        {"q": "khai sinh", "level": "commune", "province": "H36", "online_only": "1"},
    )

    assert response.status_code == 200
    page = text(response)
    assert '<option value="commune" selected>' in page
    assert '<option value="H36" selected>' in page
    assert 'name="online_only" type="checkbox" value="1" checked' in page
    assert "?tinh=H36" in page
    assert "Trực tuyến một phần" not in page  # only fully online lines


def test_province_filter_accepts_the_statistics_office_code(client):
    page = text(client.get("/tim-kiem/", {"province": "68"}))  # Lâm Đồng

    assert '<option value="H36" selected>' in page
    assert "?tinh=H36" in page


def test_invalid_filters_are_listed_in_an_error_summary_with_the_input_kept(client):
    response = client.get(
        "/tim-kiem/", {"q": "khai sinh", "level": "galaxy", "province": "H99", "page": "x"}
    )

    assert response.status_code == 400
    page = text(response)
    summary = page[
        page.index('class="error-summary"') : page.index("</ul>", page.index("error-summary"))
    ]
    assert "Cấp thực hiện không hợp lệ." in summary
    assert "Không có tỉnh, thành phố với mã này." in summary
    assert "Số trang phải là một số nguyên từ 1 trở lên." in summary
    assert 'href="#f-level"' in summary
    assert 'href="#f-province"' in summary
    assert '<option value="galaxy" selected>' in page
    assert '<option value="H99" selected>' in page
    assert 'aria-invalid="true"' in page
    assert 'value="khai sinh"' in page
    assert "<title>Lỗi:" in page
    # The valid part of the search still gives results.
    assert f'href="/thu-tuc/{BIRTH}/"' in page


def test_results_are_paginated_by_twenty_with_the_current_page_marked(client):
    first = text(client.get("/tim-kiem/", {"province": "H36"}))
    second = text(client.get("/tim-kiem/", {"province": "H36", "page": "2"}))

    items = re.findall(r'<li class="result">', first)
    assert len(items) == 20
    assert 'aria-current="page"><span class="visually-hidden">Trang </span>1<' in first
    assert "province=H36&amp;page=2" in first
    assert 'rel="next"' in first
    assert 'rel="prev"' not in first
    assert 'aria-current="page"><span class="visually-hidden">Trang </span>2<' in second
    assert 'rel="prev"' in second
    assert '<ol class="result-list" start="21">' in second
    assert re.findall(r'href="/thu-tuc/[^"]+"', first) != re.findall(
        r'href="/thu-tuc/[^"]+"', second
    )


@pytest.mark.parametrize("page", ["0", "-1", "²", "9" * 40, "1.5"])
def test_a_page_that_is_not_a_small_whole_number_is_an_error(client, page):
    response = client.get("/tim-kiem/", {"q": "khai sinh", "page": page})

    assert response.status_code == 400
    assert "Số trang phải là một số nguyên từ 1 trở lên." in text(response)


def test_a_page_past_the_end_shows_the_last_page(client):
    response = client.get("/tim-kiem/", {"q": "dang ky khai sinh", "page": "999"})

    assert response.status_code == 200
    assert '<li class="result">' in text(response)


def test_no_results_suggest_what_to_try(client):
    page = text(client.get("/tim-kiem/", {"q": "qxzqxzqxz"}))

    assert "Không tìm thấy thủ tục nào" in page
    assert "kiểm tra lại chính tả" in page
    assert 'href="/linh-vuc/"' in page


def test_all_fields_page_lists_fields_with_links(client):
    response = client.get(reverse("portal:fields"))

    assert response.status_code == 200
    assert "/tim-kiem/?field=" in text(response)


def test_procedure_page_shows_times_and_fees_as_numbers_and_the_checklist(client):
    response = client.get(reverse("portal:procedure", kwargs={"code": BIRTH}))

    assert response.status_code == 200
    page = text(response)
    assert "<h1" in page
    assert "Thủ tục đăng ký khai sinh" in page
    assert "Giấy tờ cần chuẩn bị" in page
    assert "Giấy chứng sinh" in page
    assert "Bản chính: 1" in page
    assert "Miễn phí" in page
    assert "Căn cứ pháp lý" in page
    assert "123/2015/NĐ-CP" in page
    assert "KQ.G15.000031" in page  # result code
    assert "Tỉnh Lâm Đồng" in page
    assert f"{BIRTH}.000.00.00.H36" in page
    assert "Nguồn:" in page


def test_procedure_page_formats_a_paid_procedure_in_dong(client):
    channel = (
        SubmissionChannel.objects.filter(
            fee_kind="amount", fee_amount__gte=1000, time_unit="working_day"
        )
        .select_related("procedure")
        .first()
    )

    page = text(client.get(f"/thu-tuc/{channel.procedure.code}/"))

    amount = f"{channel.fee_amount:,}".replace(",", ".") + " đ"
    assert amount in page
    assert "ngày làm việc" in page
    assert "Nội dung gốc" in page or channel.fee_text.strip() == amount


def test_fractional_processing_time_uses_a_decimal_comma(client):
    channel = (
        SubmissionChannel.objects.filter(time_value=Decimal("0.5"), time_unit="hour")
        .select_related("procedure")
        .first()
    )

    page = text(client.get(f"/thu-tuc/{channel.procedure.code}/"))

    assert "0,5 giờ" in page


def test_online_action_shown_for_a_procedure_fully_online_in_lam_dong(client):
    listing = (
        Listing.objects.filter(province__qcvn_code="H36", online_level=OnlineLevel.FULL)
        .select_related("procedure")
        .first()
    )
    code = listing.procedure.code

    page = text(client.get(f"/thu-tuc/{code}/", {"tinh": "H36"}))

    assert "Nộp trực tuyến" in page
    assert f'href="/ho-so/nop/{code}/?tinh=H36"' in page
    assert "Trực tuyến toàn trình" in page


def test_local_code_defaults_the_province_to_its_own(client):
    listing = Listing.objects.filter(
        province__qcvn_code="H36", online_level=OnlineLevel.FULL
    ).first()

    page = text(client.get(f"/thu-tuc/{listing.local_code}/"))

    assert '<option value="H36" selected>' in page
    assert "?tinh=H36" in page


def test_no_online_action_where_the_procedure_is_not_online(client):
    listing = (
        Listing.objects.filter(province__qcvn_code="H36", online_level=OnlineLevel.NONE)
        .select_related("procedure")
        .first()
    )

    page = text(client.get(f"/thu-tuc/{listing.procedure.code}/", {"tinh": "H36"}))

    assert "Nộp trực tuyến</a>" not in page
    assert "/ho-so/nop/" not in page
    assert "chưa nộp trực tuyến được tại Tỉnh Lâm Đồng" in page


def test_no_online_action_for_a_procedure_without_an_online_channel(client):
    procedure = Procedure.objects.filter(
        has_online_channel=False, has_detail=True, listings=None, is_active=True
    ).first()

    page = text(client.get(f"/thu-tuc/{procedure.code}/"))

    assert "/ho-so/nop/" not in page
    assert "chưa nộp trực tuyến được" in page


def test_ministry_procedure_with_an_online_channel_offers_online_filing(client):
    procedure = Procedure.objects.filter(
        levels="ministry", has_online_channel=True, listings=None, is_active=True
    ).first()

    page = text(client.get(f"/thu-tuc/{procedure.code}/"))

    assert f'href="/ho-so/nop/{procedure.code}/"' in page


def test_unknown_province_in_the_chooser_is_explained(client):
    page = text(client.get(f"/thu-tuc/{BIRTH}/", {"tinh": "H99"}))

    assert "Không có tỉnh, thành phố với mã này." in page


def test_unknown_procedure_gives_a_vietnamese_404_page(client):
    response = client.get("/thu-tuc/9.999999/")

    assert response.status_code == 404
    page = text(response)
    assert "Không tìm thấy trang" in page
    assert 'lang="vi"' in page
    assert 'action="/tim-kiem/"' in page


def test_server_error_page_renders_without_the_database(rf, django_assert_num_queries):
    from motcua.portal.views import server_error

    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))

    assert response.status_code == 500
    assert "hệ thống đang gặp sự cố" in response.content.decode()


def test_procedure_link_from_results_breadcrumb_returns_to_them(client):
    results = "/tim-kiem/?q=khai+sinh&level=commune"

    page = text(
        client.get(f"/thu-tuc/{BIRTH}/", headers={"referer": f"http://testserver{results}"})
    )

    assert 'href="/tim-kiem/?q=khai+sinh&amp;level=commune">Kết quả tìm kiếm' in page


def test_breadcrumb_ignores_a_referer_from_another_site(client):
    page = text(
        client.get(f"/thu-tuc/{BIRTH}/", headers={"referer": "https://evil.example/tim-kiem/"})
    )

    assert "evil.example" not in page


def test_the_filing_link_leads_to_a_page_that_says_plainly_what_can_be_done(client):
    response = client.get("/ho-so/nop/1.001193/?tinh=H36")
    page = text(response)
    assert response.status_code == 200
    assert "Đăng nhập bằng VNeID để nộp hồ sơ" in page  # the way on, for someone not logged in
    assert "Xã, phường, đặc khu nơi nộp" in page  # a commune-level procedure: choose the commune
    assert "Tỉnh Lâm Đồng" in page
    assert "/thu-tuc/1.001193/?tinh=H36" in page


def test_the_filing_page_of_an_unknown_code_is_not_found(client):
    assert client.get("/ho-so/nop/9.999999/").status_code == 404
