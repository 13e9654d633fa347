"""Trend and ranking read all their periods or children at once: the same figures as one
scorecard after another, in a number of statements that does not grow with them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.stats import queries
from motcua.stats.queries import Period

from .conftest import at, deliver

pytestmark = pytest.mark.django_db


def _figures(card):
    return (card.indicators, card.total, card.max_total, card.band, card.counts, card.judged_on)


def _statements(read) -> int:
    with CaptureQueriesContext(connection) as seen:
        read()
    return len(seen.captured_queries)


@pytest.fixture
def filed(desk, place):
    """Dossiers in January, March and April 2026 at two communes; one still open."""
    desk.finish(desk.file(at("2026-01-12", 8)), at("2026-01-12", 9), at("2026-01-13", 10))
    desk.finish(desk.file(at("2026-03-09", 8), here=place["other"]), at("2026-03-09", 9),
                at("2026-03-20", 10))  # fmt: skip
    desk.walk(desk.file(at("2026-04-06", 8)), ("accept", at("2026-04-06", 9)))
    desk.file(at("2026-04-07", 8), online=False)
    deliver()


def test_a_trend_has_the_figures_of_its_scorecards(filed, desk, place):
    months = [Period.month(2026, m) for m in range(1, 7)]
    for node in (None, place["province"], desk.here):
        found = queries.trend(node, months)
        assert [p for p, _card in found] == months
        for period, card in found:
            assert _figures(card) == _figures(queries.scorecard(node, period))
    mixed = [Period.quarter(2026, 1), Period.range(*(at(d).date() for d in ("2026-03-01",
             "2026-04-06"))), Period.year(2026)]  # fmt: skip
    for period, card in queries.trend(place["province"], mixed):
        assert _figures(card) == _figures(queries.scorecard(place["province"], period))
    assert queries.trend(None, []) == []


def test_a_trend_reads_as_few_statements_for_twelve_months_as_for_two(filed, place):
    two = [Period.month(2026, m) for m in (2, 3)]  # February is empty: last year read too
    twelve = [Period.month(2026, m) for m in range(1, 13)]
    queries.trend(place["province"], twelve)  # the catalogue's sets are held from now on
    few = _statements(lambda: queries.trend(place["province"], two))
    many = _statements(lambda: queries.trend(place["province"], twelve))
    assert many == few <= 8
    # one scorecard after another would read 5 statements or more per month
    assert many < 5 * len(twelve)


def test_a_ranking_has_the_figures_of_each_child_and_few_statements(filed, place):
    quarter = Period.quarter(2026, 1)
    for node in (None, place["province"]):
        children = queries.children_of(node)
        assert len(children) > 1
        ranked = queries.ranking(node, quarter)
        assert {c.pk for c, _card in ranked} == {c.pk for c in children}
        for child, card in ranked:
            assert _figures(card) == _figures(queries.scorecard(child, quarter))
    nation = _statements(lambda: queries.ranking(None, quarter))
    province = _statements(lambda: queries.ranking(place["province"], quarter))
    assert len(queries.children_of(None)) != len(queries.children_of(place["province"]))
    assert nation == province <= 8
