"""From counts to a scorecard, the same rules whoever counted (rollups or raw dossiers).

R = numerator ÷ denominator in percent; points = max × R / 100, or with a threshold T
min(max, max × R / T); both rounded to 2 decimals. "No data" (None) is never 0. The total is
the sum of the points of the scored indicators that have data, ``max_total`` the sum of their
maxima; the band is read from the total scaled to 100 when ``max_total`` is below 100.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

TWO = Decimal("0.01")
HUNDRED = Decimal(100)
#: Seconds in a working day (8 hours), for 2.2.
WORKING_DAY = 8 * 3600


def q2(value) -> Decimal:
    return Decimal(value).quantize(TWO, rounding=ROUND_HALF_UP)


@dataclass
class IndicatorValue:
    ident: str
    name: str
    group: str
    numerator: int | Decimal | None
    denominator: int | Decimal | None
    ratio: Decimal | None
    points: Decimal | None
    max_points: Decimal
    threshold: Decimal | None
    scored: bool
    note: str = ""
    kind: str = "dossier"
    numerator_label: str = ""
    denominator_label: str = ""
    #: "%" for a ratio in percent, "ngày" for 2.2's average working days.
    unit: str = "%"

    @property
    def has_data(self) -> bool:
        return self.ratio is not None or self.points is not None


@dataclass
class Scorecard:
    node: object
    period: object
    indicators: list[IndicatorValue]
    total: Decimal
    max_total: Decimal
    scaled_total: Decimal | None
    band: str
    note: str = ""
    procedure: object = None
    judged_on: date | None = None
    indicator_set: object = None
    counts: dict = field(default_factory=dict)

    def get(self, ident: str) -> IndicatorValue | None:
        return next((i for i in self.indicators if i.ident == ident), None)

    def __getitem__(self, ident: str) -> IndicatorValue:
        found = self.get(ident)
        if found is None:
            raise KeyError(ident)
        return found


def ratio_of(numerator, denominator) -> Decimal | None:
    if not denominator:
        return None
    return q2(Decimal(numerator) * HUNDRED / Decimal(denominator))


def points_for(ratio: Decimal, max_points: Decimal, threshold: Decimal | None) -> Decimal:
    if threshold:
        return q2(min(max_points, max_points * ratio / threshold))
    return q2(max_points * ratio / HUNDRED)


def value(
    indicator,
    numerator,
    denominator,
    *,
    ratio: Decimal | None = None,
    note: str = "",
    unit: str = "%",
    no_data: bool = False,
) -> IndicatorValue:
    """One indicator's value from its counts, with its zero-denominator rule. ``ratio``
    overrides numerator ÷ denominator (3.3, 5.4, 2.2); ``no_data`` says the data is missing
    whatever the counts."""
    max_points = Decimal(indicator.max_points)
    threshold = Decimal(indicator.threshold) if indicator.threshold is not None else None
    notes = [n for n in (indicator.note, note) if n]
    points: Decimal | None = None
    if no_data:
        ratio, numerator, denominator = None, None, None
    elif denominator:
        if ratio is None:
            ratio = ratio_of(numerator, denominator)
        ratio = q2(max(Decimal(0), ratio))
        if indicator.scored and unit == "%":
            points = points_for(ratio, max_points, threshold)
    else:
        ratio = None
        if indicator.scored and indicator.zero_rule == "full":
            points = max_points
            notes.append(_("Không phát sinh trong kỳ: tính đủ điểm."))
        elif indicator.scored and indicator.zero_rule == "zero":
            points = Decimal("0.00")
            notes.append(_("Không phát sinh trong kỳ: 0 điểm."))
        else:
            notes.append(_("Không có dữ liệu trong kỳ."))
    if not indicator.scored:
        points = None
    return IndicatorValue(
        ident=indicator.ident,
        name=indicator.name,
        group=indicator.group,
        numerator=numerator,
        denominator=denominator,
        ratio=ratio,
        points=q2(points) if points is not None else None,
        max_points=q2(max_points),
        threshold=threshold,
        scored=indicator.scored,
        note=" ".join(dict.fromkeys(notes)),
        kind=indicator.kind,
        numerator_label=indicator.numerator_label,
        denominator_label=indicator.denominator_label,
        unit=unit,
    )


def band_for(score: Decimal | None, bands: list[dict]) -> str:
    if score is None:
        return _("Chưa có dữ liệu")
    for band in sorted(bands, key=lambda b: -Decimal(str(b["min"]))):
        if score >= Decimal(str(band["min"])):
            return str(band["label"])
    return str(bands[-1]["label"]) if bands else ""


def total_of(values: list[IndicatorValue], bands: list[dict]):
    """(total, max_total, scaled total, band, note)."""
    counted = [v for v in values if v.scored and v.points is not None]
    total = q2(sum((v.points for v in counted), Decimal(0)))
    max_total = q2(sum((v.max_points for v in counted), Decimal(0)))
    note = ""
    if not max_total:
        return total, max_total, None, band_for(None, bands), _("Chưa có chỉ số nào có dữ liệu.")
    scaled = total
    if max_total < HUNDRED:
        scaled = q2(total * HUNDRED / max_total)
        note = _(
            "Chỉ %(count)s chỉ số có dữ liệu (tối đa %(max)s điểm): xếp loại theo tổng điểm quy "
            "về thang 100 (%(scaled)s điểm)."
        ) % {"count": len(counted), "max": max_total, "scaled": scaled}
    return total, max_total, scaled, band_for(scaled, bands), note


# --- Counts to indicator values (dossier and feedback indicators) -------------------------------


@dataclass
class Inputs:
    """Everything the indicators of one node, period and procedure are computed from."""

    counts: dict
    open_overdue: int = 0
    last_year_received: int = 0
    #: Months in the period (1.4's fallback: last year's total ÷ 12 per month).
    period_months: Decimal = Decimal(1)
    catalogue: dict | None = None
    feedback: dict | None = None


def indicator_values(indicators, inputs: Inputs) -> list[IndicatorValue]:
    c = inputs.counts
    received = c.get("received", 0)
    open_in_time = c.get("open", 0) - inputs.open_overdue
    values: dict[str, IndicatorValue] = {}
    for indicator in indicators:
        compute = _RULES.get(indicator.ident)
        if compute is None:
            values[indicator.ident] = value(
                indicator, None, None, no_data=True,
                note=_("Chưa có cách tính cho chỉ số này."),
            )  # fmt: skip
            continue
        values[indicator.ident] = compute(indicator, c, inputs, received, open_in_time, values)
    return [values[i.ident] for i in indicators]


def _sync(indicator, c, inputs, received, open_in_time, values):
    if received:
        return value(indicator, c.get("synced", 0), received)
    fallback = q2(Decimal(inputs.last_year_received) * inputs.period_months / 12)
    if fallback > 0:
        return value(
            indicator, 0, fallback,
            note=_("Không có hồ sơ trong kỳ: mẫu số là tổng năm trước chia đều theo tháng."),
        )  # fmt: skip
    return value(indicator, 0, 0)


def _on_time(indicator, c, inputs, received, open_in_time, values):
    done_in_time = c.get("early", 0) + c.get("on_time", 0)
    return value(indicator, done_in_time + open_in_time, received)


def _average_time(indicator, c, inputs, received, open_in_time, values):
    finished = c.get("finished", 0)
    if not finished:
        return value(indicator, 0, 0, unit="ngày")
    days = q2(Decimal(c.get("elapsed_seconds", 0)) / WORKING_DAY / finished)
    return value(indicator, q2(Decimal(c.get("elapsed_seconds", 0)) / WORKING_DAY), finished,
                 ratio=days, unit="ngày")  # fmt: skip


def _online(indicator, c, inputs, received, open_in_time, values):
    if not received:
        return value(indicator, 0, 0)
    sync = values.get("1.4")
    sync_ratio = sync.ratio if sync is not None and sync.ratio is not None else HUNDRED
    ratio = q2(Decimal(c.get("online", 0)) * HUNDRED / received * sync_ratio / HUNDRED)
    note = _("Đã nhân với tỷ lệ đồng bộ (chỉ số 1.4): %(r)s%%.") % {"r": sync_ratio}
    return value(indicator, c.get("online", 0), received, ratio=ratio, note=note)


def _counter(numerator: str, denominator: str):
    def compute(indicator, c, inputs, received, open_in_time, values):
        bottom = received if denominator == "received" else c.get(denominator, 0)
        return value(indicator, c.get(numerator, 0), bottom)

    return compute


def _satisfaction(indicator, c, inputs, received, open_in_time, values):
    if not received:
        return value(indicator, 0, 0)
    unsatisfying = c.get("unsatisfying", 0)
    return value(indicator, received - unsatisfying, received)


def _catalogue(numerator: str, denominator: str):
    def compute(indicator, c, inputs, received, open_in_time, values):
        catalogue = inputs.catalogue or {}
        if catalogue.get("missing", {}).get(indicator.ident):
            return value(indicator, None, None, no_data=True,
                         note=catalogue["missing"][indicator.ident])  # fmt: skip
        top, bottom = catalogue.get(numerator), catalogue.get(denominator)
        if top is None or bottom is None:
            note = _("Danh mục thủ tục chưa có thông tin để tính chỉ số này.")
            return value(indicator, None, None, no_data=True, note=note)
        return value(indicator, len(top & bottom), len(bottom))

    return compute


def _feedback(indicator, c, inputs, received, open_in_time, values):
    found = inputs.feedback
    if found is None:
        return value(indicator, None, None, no_data=True,
                     note=_("Chưa có dữ liệu phản ánh, kiến nghị."))  # fmt: skip
    total = found.get("received", 0)
    if indicator.ident == "5.1":
        classes = ", ".join(f"{k}: {n}" for k, n in sorted(found.get("by_class", {}).items()))
        return value(indicator, total, total, note=classes)
    if indicator.ident == "5.2":
        return value(indicator, found.get("on_time", 0) + found.get("open_in_time", 0), total)
    bad = found.get("not_satisfied", 0) + found.get("complained_again", 0)
    bad += found.get("overdue", 0)
    return value(indicator, max(total - bad, 0), total)


def _missing(reason: str):
    def compute(indicator, c, inputs, received, open_in_time, values):
        return value(indicator, None, None, no_data=True, note=reason)

    return compute


_RULES = {
    "1.1": _missing(
        "Danh mục chưa có ngày ban hành quyết định công bố và ngày hiệu lực của văn bản quy định."
    ),
    "1.2": _missing("Danh mục chưa có ngày công khai thủ tục trên Cổng."),
    "1.3": _catalogue("complete", "public"),
    "1.4": _sync,
    "2.1": _on_time,
    "2.2": _average_time,
    "3.1": _catalogue("online_offered", "authority"),
    "3.2": _catalogue("with_online_dossier", "online_offered"),
    "3.3": _online,
    "3.5": _catalogue("fee_integrated", "fee_nonzero"),
    "3.5b": _catalogue("with_online_payment", "fee"),
    "3.6": _counter("paid_online", "fee_dossiers"),
    "4.1": _counter("result_file", "result_required"),
    "4.2": _counter("digitised", "received"),
    "4.2b": _missing("Danh mục chưa có thông tin về dịch vụ chứng thực bản sao điện tử của xã."),
    "4.3": _counter("reused", "received"),
    "4.4": _counter("store_linked", "received"),
    "4.5a": _catalogue("with_population_data", "for_citizens"),
    "4.5b": _counter("population_data", "received"),
    "5.1": _feedback,
    "5.2": _feedback,
    "5.3": _feedback,
    "5.4": _satisfaction,
}
