"""National targets and social cost on the dashboard: each target's current figure with the
dossiers it is counted from, linked to their lists, as every other figure is."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from motcua.dossiers.models import Channel, Dossier
from motcua.stats import queries, services
from motcua.stats.exports import Link
from motcua.stats.target_data import MEASURES, load_targets, measure

from .test_views_dashboard import PROVINCE, commune, dossiers, leader  # noqa: F401

pytestmark = pytest.mark.django_db

COUNTS = {"received": 8, "fully_online": 2, "digitised": 6, "reused": 0, "unsatisfying": 1}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("fully_online_share", (Decimal("25.00"), 2, 8, "fully_online")),
        ("digitised_share", (Decimal("75.00"), 6, 8, "4.2")),
        ("reused_share", (Decimal("0.00"), 0, 8, "4.3")),
        ("satisfaction", (Decimal("87.50"), 7, 8, "5.4")),
        ("", (None, None, None, "")),
    ],
)
def test_each_measure_is_a_share_of_the_received_dossiers_with_its_list(name, expected):
    assert measure(name, COUNTS) == expected


def test_no_dossier_received_means_no_figure_rather_than_zero():
    empty = dict.fromkeys(COUNTS, 0)
    assert measure("satisfaction", empty) == (None, 0, 0, "5.4")


def test_every_measure_of_the_targets_file_is_known_or_said_unmeasured():
    for target in load_targets():
        assert target.get("measure", "") in {"", *MEASURES}, target["ident"]


def test_the_targets_table_links_each_figure_to_the_dossiers_behind_it(client, leader, dossiers):  # noqa: F811
    response = client.get(reverse("stats_staff:dashboard"), {"don-vi": PROVINCE})
    assert response.status_code == 200
    table = response.context["tables"]["muc-tieu"]
    progress = {p.ident: p for p in queries.targets(leader.agency, queries.Period.current_month())}
    satisfaction = next(p for p in progress.values() if p.list_ident == "5.4")
    row = next(r for r in table.rows if r[0] == satisfaction.name)
    numerator, denominator = row[4], row[5]
    assert isinstance(numerator, Link)
    assert (numerator.value, denominator.value) == (
        satisfaction.numerator,
        satisfaction.denominator,
    )
    assert denominator.value == len(dossiers)
    assert "chi-so=5.4" in numerator.href
    assert "phan=tu-so" in numerator.href
    html = response.content.decode()
    assert numerator.href.replace("&", "&amp;") in html
    listed = client.get(numerator.href)
    assert listed.status_code == 200
    assert listed.context["figure"] == satisfaction.numerator
    # A target our data cannot measure keeps its note and links nothing.
    unmeasured = [r for r in table.rows if r[3] is None]
    assert all(r[4] is None and r[5] is None for r in unmeasured)


def test_the_social_cost_total_links_to_the_online_dossiers(client, leader, dossiers):  # noqa: F811
    response = client.get(reverse("stats_staff:dashboard"), {"don-vi": PROVINCE})
    table = response.context["tables"]["chi-phi"]
    total = table.rows[-1][1]
    assert isinstance(total, Link)
    assert "chi-so=online" in total.href
    listed = client.get(total.href)
    assert listed.status_code == 200
    assert listed.context["figure"] == total.value


def test_each_procedures_online_dossiers_link_to_their_list_for_that_procedure(
    client,
    leader,  # noqa: F811
    dossiers,  # noqa: F811
):
    Dossier.objects.filter(pk__in=[d.pk for d in dossiers]).update(channel=Channel.ONLINE)
    services.refresh([d.pk for d in dossiers])
    response = client.get(reverse("stats_staff:dashboard"), {"don-vi": PROVINCE})
    table = response.context["tables"]["chi-phi"]
    procedure = dossiers[0].procedure
    row = next(r for r in table.rows if r[0] == procedure.name)
    online = row[1]
    assert isinstance(online, Link)
    assert f"thu-tuc={procedure.code}" in online.href.replace("%2F", "/")
    listed = client.get(online.href)
    assert listed.status_code == 200
    assert listed.context["figure"] == online.value == len(dossiers)
    assert listed.context["procedure"] == procedure
    html = listed.content.decode()
    assert f"thủ tục {procedure.code}" in html
    for dossier in dossiers:
        assert dossier.code in html
    # The other part keeps the procedure; an unknown procedure is not found.
    assert "thu-tuc=" in listed.context["other_url"]
    missing = client.get(online.href.replace(procedure.code, "KHONG-CO"))
    assert missing.status_code == 404
