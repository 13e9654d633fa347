"""Reporting periods read from GET parameters, and the rollup rows that cover them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.stats.periods import Period, PeriodError

TODAY = date(2026, 12, 4)


def parse(**params) -> Period:
    return Period.parse(params, today=TODAY)


def test_each_kind_of_period_from_its_parameters():
    assert parse() == Period.month(2026, 12)
    assert parse(ky="thang", nam="2026", thang="2") == Period("month", date(2026, 2, 1),
                                                               date(2026, 2, 28))  # fmt: skip
    assert parse(ky="quy", nam="2026", quy="1").end == date(2026, 3, 31)
    assert parse(ky="nam", nam="2024") == Period("year", date(2024, 1, 1), date(2024, 12, 31))
    assert parse(ky="khoang", tu="05/03/2026", den="20/04/2026") == Period(
        "range", date(2026, 3, 5), date(2026, 4, 20)
    )


def test_labels_and_parameters_round_trip():
    assert Period.month(2026, 3).label == "Tháng 3/2026"
    assert Period.quarter(2026, 2).label == "Quý 2/2026"
    assert Period.year(2026).label == "Năm 2026"
    custom = Period.range(date(2026, 3, 5), date(2026, 4, 20))
    assert custom.label == "Từ 05/03/2026 đến 20/04/2026"
    for period in (Period.month(2026, 3), Period.quarter(2025, 4), Period.year(2024), custom):
        assert Period.parse(period.params, today=TODAY) == period


def test_every_problem_is_listed_at_once():
    with pytest.raises(PeriodError) as refused:
        parse(ky="khoang", tu="32/13/2026", den="")
    assert set(refused.value.problems) == {"tu", "den"}
    with pytest.raises(PeriodError) as refused:
        parse(ky="thang", nam="1990", thang="13")
    assert set(refused.value.problems) == {"nam", "thang"}
    assert "Tháng phải từ 1 đến 12" in refused.value.problems["thang"]
    with pytest.raises(PeriodError) as refused:
        parse(ky="khoang", tu="20/04/2026", den="05/03/2026")
    assert set(refused.value.problems) == {"den"}
    with pytest.raises(PeriodError):
        parse(ky="tuan")


def test_a_custom_range_reads_whole_months_and_days_at_the_edges():
    months, days = Period.range(date(2026, 3, 5), date(2026, 6, 10)).segments()
    assert months == [date(2026, 4, 1), date(2026, 5, 1)]
    assert days == [(date(2026, 3, 5), date(2026, 3, 31)), (date(2026, 6, 1), date(2026, 6, 10))]
    assert Period.year(2026).segments() == ([date(2026, m, 1) for m in range(1, 13)], [])


@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    st.integers(min_value=0, max_value=800),
)
def test_segments_cover_each_day_of_the_period_exactly_once(start, length):
    period = Period.range(start, start + timedelta(days=length))
    months, days = period.segments()
    covered = []
    for first in months:
        covered += list(_days(first, Period.month(first.year, first.month).end))
    for first, last in days:
        covered += _days(first, last)
    assert sorted(covered) == _days(period.start, period.end)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def test_the_previous_period_and_months():
    assert Period.month(2026, 1).previous() == Period.month(2025, 12)
    assert Period.quarter(2026, 1).previous() == Period.quarter(2025, 4)
    assert [p.label for p in Period.quarter(2026, 2).months()] == [
        "Tháng 4/2026", "Tháng 5/2026", "Tháng 6/2026",
    ]  # fmt: skip
