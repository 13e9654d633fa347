"""Worked examples of every indicator's formula from its counts (DOMAIN.md §11, QĐ 766):
R = numerator ÷ denominator in percent, points = max × R / 100 or min(max, max × R / T),
2 decimals, "no data" kept apart from 0, the total and its band."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from motcua.stats import definitions, scoring
from motcua.stats.models import COUNTERS
from motcua.stats.scoring import Inputs, points_for

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def indicators():
    chosen = definitions.set_for(date(2026, 3, 1))
    return chosen.ordered


def counts(**given) -> dict:
    return {**dict.fromkeys(COUNTERS, 0), **given}


def catalogue(**given) -> dict:
    names = (
        "authority", "public", "complete", "online_offered", "with_online_dossier", "fee",
        "fee_nonzero", "fee_integrated", "with_online_payment", "for_citizens",
        "with_population_data",
    )  # fmt: skip
    return {name: set(given.get(name, ())) for name in names}


def by_ident(indicators, inputs):
    return {v.ident: v for v in scoring.indicator_values(indicators, inputs)}


def test_the_bundled_set_has_every_row_of_the_table_and_100_points(indicators):
    assert [i.ident for i in indicators] == [
        "1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "3.1", "3.2", "3.3", "3.5", "3.5b", "3.6",
        "4.1", "4.2", "4.2b", "4.3", "4.4", "4.5a", "4.5b", "5.1", "5.2", "5.3", "5.4",
    ]  # fmt: skip
    assert sum(i.max_points for i in indicators) == 100
    groups = {}
    for i in indicators:
        groups[i.ident.split(".")[0]] = groups.get(i.ident.split(".")[0], 0) + i.max_points
    assert groups == {"1": 18, "2": 20, "3": 22, "4": 22, "5": 18}  # 3.x: 12 online + 10 pay
    assert {i.ident: i.threshold for i in indicators if i.threshold} == {
        "3.1": 80, "3.3": 50, "3.5": 80, "3.5b": 80, "4.3": 80, "5.4": 90,
    }  # fmt: skip


def test_points_with_a_threshold_reach_the_maximum_at_the_threshold():
    # 3.1, max 2, T = 80: R = 40 % → 1 point; R = 90 % → 2 (capped).
    assert points_for(D(40), D(2), D(80)) == D("1.00")
    assert points_for(D(90), D(2), D(80)) == D("2.00")
    # Without a threshold: max × R / 100, rounded half up to 2 decimals.
    assert points_for(D("66.67"), D(20), None) == D("13.33")
    assert points_for(D("12.345"), D(6), None) == D("0.74")


def test_3_1_with_t_80_from_the_catalogue(indicators):
    few = by_ident(indicators, Inputs(counts(), catalogue=catalogue(
        authority=range(10), online_offered=range(4))))  # fmt: skip
    many = by_ident(indicators, Inputs(counts(), catalogue=catalogue(
        authority=range(10), online_offered=range(9))))  # fmt: skip
    assert (few["3.1"].ratio, few["3.1"].points) == (D("40.00"), D("1.00"))
    assert (many["3.1"].ratio, many["3.1"].points) == (D("90.00"), D("2.00"))


def test_every_dossier_indicator_from_its_counts(indicators):
    c = counts(
        received=200, early=60, on_time=70, late=30, open=40, finished=150,
        elapsed_seconds=150 * 3 * 8 * 3600, online=120, fully_online=50,
        eligible_full_online=80, fee_dossiers=50, paid_online=20, result_required=100,
        result_file=45, digitised=150, reused=30, store_linked=70, population_data=90,
        unsatisfying=40, synced=190,
    )  # fmt: skip
    values = by_ident(indicators, Inputs(c, open_overdue=10))
    expect = {
        "1.4": (190, 200, "95.00", "5.70"),
        "2.1": (160, 200, "80.00", "16.00"),  # 60 + 70 done in time + 30 open in time
        "3.6": (20, 50, "40.00", "2.40"),
        "4.1": (45, 100, "45.00", "2.70"),
        "4.2": (150, 200, "75.00", "3.00"),
        "4.3": (30, 200, "15.00", "0.38"),  # T = 80: 2 × 15 / 80 = 0.375
        "4.4": (70, 200, "35.00", "1.40"),
        "4.5b": (90, 200, "45.00", "0.90"),
        "5.4": (160, 200, "80.00", "5.33"),  # 100 % − 20 %; T = 90: 6 × 80 / 90
    }
    for ident, (top, bottom, ratio, points) in expect.items():
        v = values[ident]
        assert (v.numerator, v.denominator, v.ratio, v.points) == (
            top,
            bottom,
            D(ratio),
            D(points),
        ), ident
    # 3.3: online ÷ received × ratio of 1.4 = 60 % × 95 % = 57 %; T = 50 → capped at 6.
    assert (values["3.3"].ratio, values["3.3"].points) == (D("57.00"), D("6.00"))
    # 2.2: 3 working days on average, not scored.
    assert (values["2.2"].ratio, values["2.2"].points, values["2.2"].unit) == (
        D("3.00"),
        None,
        "ngày",
    )


def test_every_procedure_indicator_from_the_catalogue_sets(indicators):
    sets = catalogue(
        authority=range(20), public=range(20), complete=range(15), online_offered=range(16),
        with_online_dossier=range(8), fee=range(10), fee_nonzero=range(8),
        fee_integrated=range(6), with_online_payment=[1, 2, 3, 50], for_citizens=range(10),
        with_population_data=[0, 1, 2, 3, 4, 99],
    )  # fmt: skip
    values = by_ident(indicators, Inputs(counts(), catalogue=sets))
    expect = {
        "1.3": (15, 20, "75.00", "1.50"),
        "3.1": (16, 20, "80.00", "2.00"),
        "3.2": (8, 16, "50.00", "2.00"),
        "3.5": (6, 8, "75.00", "1.88"),  # T = 80: 2 × 75 / 80 = 1.875
        "3.5b": (3, 10, "30.00", "0.75"),  # procedure 50 is not a fee procedure
        "4.5a": (5, 10, "50.00", "1.00"),
    }
    for ident, (top, bottom, ratio, points) in expect.items():
        v = values[ident]
        assert (v.numerator, v.denominator, v.ratio, v.points) == (
            top,
            bottom,
            D(ratio),
            D(points),
        ), ident
    for ident in ("1.1", "1.2", "4.2b"):
        assert values[ident].ratio is None
        assert values[ident].points is None
        assert values[ident].note


def test_feedback_indicators_and_six_if_none(indicators):
    found = {
        "received": 20, "by_class": {"regulation": 15, "conduct": 5}, "on_time": 14,
        "open_in_time": 2, "not_satisfied": 2, "complained_again": 1, "overdue": 4,
    }  # fmt: skip
    values = by_ident(indicators, Inputs(counts(), feedback=found))
    assert (values["5.2"].ratio, values["5.2"].points) == (D("80.00"), D("4.80"))
    assert (values["5.3"].numerator, values["5.3"].ratio) == (13, D("65.00"))
    assert values["5.1"].points is None
    assert "regulation: 15" in values["5.1"].note
    none = by_ident(indicators, Inputs(counts(), feedback={"received": 0}))
    assert none["5.2"].points == none["5.3"].points == D("6.00")
    assert none["5.2"].ratio is None
    absent = by_ident(indicators, Inputs(counts(), feedback=None))
    assert absent["5.2"].points is None  # no feedback data at all is not "none received"


def test_zero_rules_keep_no_data_apart_from_zero(indicators):
    values = by_ident(indicators, Inputs(counts()))
    assert values["2.1"].ratio is None
    assert values["2.1"].points is None
    assert values["5.4"].ratio is None
    assert values["5.4"].points == D("0.00")
    assert values["1.4"].points is None  # no dossiers this period nor last year
    half = by_ident(indicators, Inputs(counts(), last_year_received=24, period_months=D(3)))
    assert (half["1.4"].denominator, half["1.4"].ratio) == (D("6.00"), D("0.00"))


def test_total_and_band_scaled_to_100_when_indicators_lack_data():
    bands = [{"min": 90, "label": "Xuất sắc"}, {"min": 80, "label": "Tốt"},
             {"min": 70, "label": "Khá"}, {"min": 50, "label": "Trung bình"},
             {"min": 0, "label": "Yếu"}]  # fmt: skip

    def v(points, max_points, scored=True):
        return scoring.IndicatorValue("x", "x", "g", 1, 1, D(1), points, D(max_points), None,
                                      scored)  # fmt: skip

    full = [v(D(50), 60), v(D(35), 40), v(None, 0, scored=False)]
    total, max_total, scaled, band, note = scoring.total_of(full, bands)
    assert (total, max_total, scaled, band, note) == (
        D("85.00"),
        D("100.00"),
        D("85.00"),
        "Tốt",
        "",
    )
    partial = [v(D(40), 50), v(None, 30), v(D(6), 6)]  # one without data: max 56
    total, max_total, scaled, band, note = scoring.total_of(partial, bands)
    assert (total, max_total, scaled, band) == (D("46.00"), D("56.00"), D("82.14"), "Tốt")
    assert "thang 100" in note
    assert scoring.total_of([v(None, 10)], bands)[3] == "Chưa có dữ liệu"
    assert scoring.band_for(D("89.99"), bands) == "Tốt"
    assert scoring.band_for(D(90), bands) == "Xuất sắc"
    assert scoring.band_for(D("49.99"), bands) == "Yếu"


def test_a_later_version_applies_from_its_start(indicators):
    from motcua.stats.models import Indicator, IndicatorSet

    newer = IndicatorSet.objects.create(code="qd766", version=2, valid_from=date(2027, 1, 1),
                                        name="Phiên bản thử")  # fmt: skip
    Indicator.objects.create(indicator_set=newer, ident="2.1", name="Tiến độ", group="g",
                             numerator_label="a", denominator_label="b", max_points=100,
                             kind="dossier", scopes=["province"])  # fmt: skip
    definitions.clear()
    assert definitions.set_for(date(2026, 12, 31)).version == 1
    assert definitions.set_for(date(2027, 1, 1)).version == 2
    assert [i.ident for i in definitions.set_for(date(2027, 3, 1)).ordered] == ["2.1"]
