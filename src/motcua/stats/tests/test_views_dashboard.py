"""The leader dashboard, its drill-down and its JSON data: who may open them (a clerk without
``stats.view`` is refused, a leader of one province never sees another), and the figures on
the page and in the downloads are the engine's (``queries.scorecard``)."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from tests.fixtures.accounts import login_staff, make_citizen, make_staff
from tests.fixtures.dossiers import dossier_in

from motcua.dossiers.models import Stage, Status
from motcua.dossiers.workflow import PROCESSING
from motcua.stats import queries, services
from motcua.units.models import Agency

pytestmark = pytest.mark.django_db

PROVINCE = "000.00.00.H36"  # Ủy ban nhân dân tỉnh Lâm Đồng
OTHER_PROVINCE = "000.00.00.H29"


@pytest.fixture
def commune():
    return Agency.objects.filter(
        kind="commune_committee", path__startswith=f"{PROVINCE}/"
    ).order_by("code")[0]


RETURNED = (Status.RETURNED, Stage.NONE)


@pytest.fixture
def dossiers(commune):
    """Received today at a commune of the province: two returned on time, one returned late,
    one open and in time; their figures brought up to date as the outbox subscriber does."""
    owner = make_citizen("Lê Thị Hạnh")
    now = timezone.now()
    made = []
    for state, late in (
        (RETURNED, False),
        (RETURNED, False),
        (RETURNED, True),
        (PROCESSING, False),
    ):
        dossier = dossier_in(
            state, here=commune, owner=owner, received_at=now - timedelta(seconds=90)
        )
        if state == RETURNED:
            dossier.finished_at = dossier.returned_at = now - timedelta(seconds=30)
            if late:
                dossier.appointment_at = dossier.due_at = now - timedelta(days=2)
            dossier.save()
        made.append(dossier)
    services.refresh([d.pk for d in made])
    return made


@pytest.fixture
def leader(client):
    user = make_staff("leader", PROVINCE)
    login_staff(client, user)
    return user


def this_month() -> queries.Period:
    return queries.Period.current_month()


def test_a_clerk_without_stats_view_is_refused(client):
    login_staff(client, make_staff("clerk", PROVINCE))
    for name in ("dashboard", "drilldown", "data_scorecard", "data_trend", "data_ranking"):
        response = client.get(reverse(f"stats_staff:{name}"))
        assert response.status_code == 403, name


def test_anonymous_visitors_are_sent_to_the_staff_login(client):
    response = client.get(reverse("stats_staff:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("backoffice:login"))


def test_a_leader_of_one_province_never_sees_another(client, leader):
    for name in ("dashboard", "drilldown", "data_scorecard", "data_trend", "data_ranking"):
        url = reverse(f"stats_staff:{name}")
        for code in (OTHER_PROVINCE, "ca-nuoc"):
            response = client.get(url, {"don-vi": code, "chi-so": "2.1"})
            assert response.status_code == 404, (name, code)
    page = client.get(reverse("stats_staff:dashboard"))
    assert page.status_code == 200
    picker = re.findall(r'<option value="([^"]+)"', page.content.decode())
    assert PROVINCE in picker
    assert OTHER_PROVINCE not in picker
    assert "ca-nuoc" not in picker


def test_a_system_administrator_sees_the_nation_and_every_province(client):
    login_staff(client, make_staff("system_admin", None))
    response = client.get(reverse("stats_staff:data_scorecard"), {"don-vi": "ca-nuoc"})
    assert response.status_code == 200
    assert response.json()["unit"]["code"] == "ca-nuoc"
    assert (
        client.get(reverse("stats_staff:dashboard"), {"don-vi": OTHER_PROVINCE}).status_code == 200
    )


def test_the_json_scorecard_is_the_engines(client, leader, dossiers):
    response = client.get(reverse("stats_staff:data_scorecard"), {"don-vi": PROVINCE})
    assert response.status_code == 200
    body = response.json()
    card = queries.scorecard(Agency.objects.get(code=PROVINCE), this_month())
    assert body["total"] == str(card.total)
    assert body["band"] == card.band
    assert [i["ident"] for i in body["indicators"]] == [i.ident for i in card.indicators]
    by_ident = {i["ident"]: i for i in body["indicators"]}
    item = card["2.1"]
    assert by_ident["2.1"]["numerator"] == item.numerator == 3  # 2 on time + 1 open in time
    assert by_ident["2.1"]["denominator"] == item.denominator == 4
    assert by_ident["2.1"]["ratio"] == str(item.ratio) == "75.00"


def test_the_page_shows_the_engines_figures_with_links_to_the_dossiers(client, leader, dossiers):
    response = client.get(reverse("stats_staff:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    card = queries.scorecard(Agency.objects.get(code=PROVINCE), this_month())
    total = f"{card.total:.2f}".replace(".", ",").removesuffix(",00")
    assert f"{total} / " in html
    assert "75,00 %" in html
    link = re.search(r'<a href="([^"]+)" id="so-dung-han">3 hồ sơ đúng hạn</a>', html)
    assert link is not None
    assert "chi-so=2.1" in link.group(1)
    assert "phan=tu-so" in link.group(1)
    assert 'role="img"' in html  # the charts
    assert "Tải Excel" in html


def test_the_drilldown_lists_the_dossiers_behind_a_figure_with_their_reasons(
    client, leader, dossiers
):
    params = {"don-vi": PROVINCE, "chi-so": "2.1", "phan": "tu-so", "ky": "thang"}
    html = client.get(reverse("stats_staff:drilldown"), params).content.decode()
    on_time = [d.code for d in dossiers[:2]] + [dossiers[3].code]
    for code in on_time:
        assert code in html
    assert dossiers[2].code not in html  # late: in the denominator only
    assert "Đúng hạn" in html
    assert "Đang giải quyết, còn hạn" in html
    denominator = client.get(reverse("stats_staff:drilldown"), {**params, "phan": "mau-so"})
    assert dossiers[2].code in denominator.content.decode()
    assert "Quá hạn" in denominator.content.decode()


def test_an_unknown_indicator_or_part_is_not_found(client, leader):
    url = reverse("stats_staff:drilldown")
    assert client.get(url, {"chi-so": "9.9", "phan": "tu-so"}).status_code == 404
    assert client.get(url, {"chi-so": "2.1", "phan": "ca-hai"}).status_code == 404


def test_an_indicator_without_a_list_says_so(client, leader):
    response = client.get(reverse("stats_staff:drilldown"), {"chi-so": "1.1", "phan": "tu-so"})
    assert response.status_code == 200
    assert "không có danh sách hồ sơ hoặc thủ tục chi tiết" in response.content.decode()


def test_the_excel_download_of_the_indicators_matches_the_page(client, leader, dossiers):
    response = client.get(reverse("stats_staff:dashboard"), {"dinh-dang": "xlsx", "bang": "chi-so"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert "Lâm Đồng" in sheet["A2"].value
    rows = {row[0]: row for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]}
    card = queries.scorecard(Agency.objects.get(code=PROVINCE), this_month())
    assert list(rows) == [i.ident for i in card.indicators]
    assert rows["2.1"][3:6] == (3, 4, pytest.approx(0.75))


def test_the_drilldown_download_carries_every_row(client, leader, dossiers):
    response = client.get(
        reverse("stats_staff:drilldown"),
        {"chi-so": "2.1", "phan": "mau-so", "dinh-dang": "csv", "bang": "chi-tiet"},
    )
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    for dossier in dossiers:
        assert dossier.code in text
    assert "Lý do" in text


def test_every_period_problem_is_listed_at_once_and_the_input_kept(client, leader):
    response = client.get(
        reverse("stats_staff:dashboard"), {"ky": "thang", "thang": "13", "nam": "abc"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Tháng phải từ 1 đến 12." in html
    assert "Năm phải từ" in html
    assert 'value="abc"' in html
    response = client.get(reverse("stats_staff:data_scorecard"), {"ky": "khoang", "tu": "x"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"tu", "den"}


def test_the_ranking_lists_the_child_units(client, leader, dossiers, commune):
    body = client.get(reverse("stats_staff:data_ranking")).json()
    codes = [row["code"] for row in body["rows"]]
    assert set(codes) == set(
        Agency.objects.active().filter(parent__code=PROVINCE).values_list("code", flat=True)
    )
    trend = client.get(reverse("stats_staff:data_trend")).json()["points"]
    assert len(trend) == 12
    assert trend[-1]["ratio_2_1"] == "75.00"


def test_a_download_reads_the_rows_in_one_pass_and_says_when_it_stops_at_the_cap(
    client, leader, dossiers, monkeypatch
):
    from motcua.stats import exports

    period = this_month()
    province = Agency.objects.get(code=PROVINCE)
    pages = queries.drilldown(province, period, "2.1", "denominator").rows
    streamed = list(queries.every_row(province, period, "2.1", "denominator", limit=10))
    assert streamed == pages
    assert list(queries.every_row(province, period, "2.1", "denominator", limit=2)) == pages[:2]
    # Procedure lists too (built in memory), in the order of their pages.
    listed = queries.drilldown(province, period, "3.1", "denominator")
    assert (
        list(queries.every_row(province, period, "3.1", "denominator", limit=5))
        == (listed.rows[:5])
    )

    monkeypatch.setattr(exports, "ROW_CAP", 2)
    response = client.get(
        reverse("stats_staff:drilldown"),
        {"chi-so": "2.1", "phan": "mau-so", "dinh-dang": "csv", "bang": "chi-tiet"},
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert sum(d.code in text for d in dossiers) == 2
    assert "chỉ xuất 2 dòng đầu tiên" in text


def test_a_unit_without_children_ranks_nothing(commune):
    assert queries.ranking(commune, this_month()) == []
    assert queries.procedures_with([], this_month()) == {}
