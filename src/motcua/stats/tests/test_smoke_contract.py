"""The names other parts build on exist and answer on an empty database."""

from __future__ import annotations

from datetime import date

import pytest

from motcua.stats import queries
from motcua.stats.queries import Period

pytestmark = pytest.mark.django_db


def test_the_queries_answer_for_the_nation_with_no_dossiers():
    period = Period.month(2026, 3)
    card = queries.scorecard(None, period)
    assert [i.ident for i in card.indicators][:3] == ["1.1", "1.2", "1.3"]
    assert card["2.1"].ratio is None
    assert card["2.1"].points is None
    assert card["5.4"].points == 0  # "0 if no dossiers"
    assert queries.volumes(None, period)["received"] == 0
    assert queries.drilldown(None, period, "2.1", "numerator").count == 0
    assert len(queries.online_shares(None, period)) == 3
    assert queries.social_cost(None, period).saving == 0
    assert queries.trend(None, period.months())[0][0] == period
    assert period.start == date(2026, 3, 1)
