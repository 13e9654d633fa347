"""The public statistics page: no login, no personal data, cached for a minute; the figures
are the engine's (``queries.volumes``), for the nation, per province and within one."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from motcua.stats import queries
from motcua.units.models import Agency

from .test_views_dashboard import PROVINCE, commune, dossiers  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_the_national_page_needs_no_login_and_is_cached_briefly(client, dossiers):  # noqa: F811
    response = client.get(reverse("stats:public"))
    assert response.status_code == 200
    assert "max-age=60" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]
    html = response.content.decode()
    assert "Thống kê tình hình giải quyết hồ sơ" in html
    # Each province and ministry has its line, the province linked to its own page.
    assert reverse("stats:province", args=[PROVINCE]) in html
    # No personal data: neither the applicant nor a dossier code.
    assert "Lê Thị Hạnh" not in html
    assert dossiers[0].code not in html


def test_a_provinces_page_shows_the_engines_volumes(client, dossiers):  # noqa: F811
    province = Agency.objects.get(code=PROVINCE)
    response = client.get(reverse("stats:province", args=["H36"]), {"ky": "nam"})
    assert response.status_code == 200
    html = response.content.decode()
    period = queries.Period.parse({"ky": "nam"})
    volumes = queries.volumes(province, period)
    assert volumes["received"] == 4
    assert volumes["resolved"] == 3
    assert volumes["late"] == 1
    assert province.name in html
    cards = html[html.index("stats-cards") : html.index("</ul>", html.index("stats-cards"))]
    assert ">4<" in cards
    assert ">3<" in cards
    assert "trễ hạn 1" in cards


def test_the_per_unit_table_downloads_as_csv_with_the_same_figures(client, dossiers, commune):  # noqa: F811
    response = client.get(
        reverse("stats:province", args=[PROVINCE]), {"dinh-dang": "csv", "bang": "don-vi"}
    )
    assert response.status_code == 200
    assert "max-age=60" in response["Cache-Control"]
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert lines[2][:3] == ["Đơn vị", "Tiếp nhận", "Đã giải quyết"]
    holder = next(
        a for a in Agency.objects.filter(parent__code=PROVINCE) if commune.path.startswith(a.path)
    )
    line = next(row for row in lines[3:] if row[0] == holder.name)
    assert line[1:3] == ["4", "3"]


def test_an_unknown_unit_is_not_found_and_a_bad_period_is_explained(client):
    assert client.get(reverse("stats:province", args=["H99"])).status_code == 404
    response = client.get(reverse("stats:public"), {"ky": "quy", "quy": "5"})
    assert response.status_code == 400
    assert "Quý phải từ 1 đến 4." in response.content.decode()


def test_the_public_figures_are_remembered_until_a_dossier_changes(
    client,
    dossiers,  # noqa: F811
    commune,  # noqa: F811
    committed,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from motcua.stats import services

    url = reverse("stats:province", args=[PROVINCE])
    first = client.get(url, {"ky": "nam"})
    with CaptureQueriesContext(connection) as asked:
        again = client.get(url, {"ky": "nam"})
    assert "stats_rollup" not in " ".join(q["sql"] for q in asked.captured_queries)
    assert again.content == first.content
    assert again.context["volumes"]["received"] == 4
    from django.utils import timezone
    from tests.fixtures.accounts import make_citizen
    from tests.fixtures.dossiers import dossier_in

    from .test_views_dashboard import RETURNED

    extra = dossier_in(
        RETURNED, here=commune, owner=make_citizen("Đỗ Văn Hùng"), returned_at=timezone.now()
    )
    with committed():
        services.refresh([extra.pk])
    changed = client.get(url, {"ky": "nam"})
    assert changed.context["volumes"]["received"] == 5
