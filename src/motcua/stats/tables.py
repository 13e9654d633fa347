"""The tables of the statistics pages, built from the engine's answers (``stats.queries``).

Each builder returns an :class:`exports.Table`, which the page shows and the download
(``?dinh-dang=xlsx|csv&bang=<name>``) writes, so the file always holds what the page shows.
A figure that has a drill-down is an :class:`exports.Link` to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from .exports import Column, Kind, Link, Table, Typed

NUMERATOR, DENOMINATOR = "tu-so", "mau-so"
PARTS = {NUMERATOR: "numerator", DENOMINATOR: "denominator"}


def drilldown_url(unit_code: str, ident: str, part: str, period_query: str, **extra) -> str:
    query = urlencode({"don-vi": unit_code, "chi-so": ident, "phan": part, **extra})
    return f"{reverse('stats_staff:drilldown')}?{query}&{period_query}"


def subtitle(unit_name: str, period) -> str:
    return f"{unit_name} — {period.label}"


def indicators(card, *, unit_code: str, unit_name: str, period, period_query: str) -> Table:
    """Every indicator of a scorecard: numerator and denominator (each a link to the
    dossiers, procedures or feedback behind it), ratio, points out of the maximum."""

    def linked(value, ident: str, part: str):
        if value is None:
            return None
        return Link(value, drilldown_url(unit_code, ident, part, period_query))

    rows = [
        [
            item.ident,
            item.name,
            item.group,
            linked(item.numerator, item.ident, NUMERATOR),
            linked(item.denominator, item.ident, DENOMINATOR),
            shown_ratio(item),
            item.points if item.scored else None,
            item.max_points if item.scored else None,
            item.note or "",
        ]
        for item in card.indicators
    ]
    rows.append(
        ["", _("Tổng điểm"), card.band or "", None, None, None, card.total, card.max_total, ""]
    )
    return Table(
        name="chi-so",
        title=_("Chỉ số phục vụ người dân, doanh nghiệp"),
        subtitle=subtitle(unit_name, period),
        columns=[
            Column(_("Mã"), width=8),
            Column(_("Chỉ số"), width=48),
            Column(_("Nhóm"), width=24),
            Column(_("Tử số"), Kind.INT),
            Column(_("Mẫu số"), Kind.INT),
            Column(_("Tỉ lệ"), Kind.PERCENT),
            Column(_("Điểm"), Kind.DECIMAL),
            Column(_("Điểm tối đa"), Kind.DECIMAL),
            Column(_("Ghi chú"), width=40),
        ],
        rows=rows,
    )


def shown_ratio(item):
    """The ratio in percent, or (2.2) the average time in working days."""
    if getattr(item, "unit", "%") == "%":
        return item.ratio
    return Typed(item.ratio, Kind.DAYS)


def groups(card) -> list[dict]:
    """Points per group of indicators, in the order the groups first appear."""
    found: dict[str, dict] = {}
    for item in card.indicators:
        group = found.setdefault(
            item.group,
            {"name": item.group, "points": Decimal(0), "max_points": Decimal(0), "items": []},
        )
        group["items"].append(item)
        if item.scored:
            group["points"] += Decimal(item.points or 0)
            group["max_points"] += Decimal(item.max_points or 0)
    return list(found.values())


def group_table(groups: list[dict], *, unit_name: str, period) -> Table:
    """The points of each group (the bar chart's figures, as a table)."""
    return Table(
        name="nhom",
        title=_("Điểm theo nhóm chỉ số"),
        subtitle=subtitle(unit_name, period),
        columns=[
            Column(_("Nhóm chỉ số"), width=36),
            Column(_("Điểm"), Kind.DECIMAL),
            Column(_("Điểm tối đa"), Kind.DECIMAL),
        ],
        rows=[[g["name"], g["points"], g["max_points"]] for g in groups],
    )


def find(card, ident: str):
    return next((i for i in card.indicators if i.ident == ident), None)


def trend(points: Iterable, *, unit_name: str, ident: str = "2.1") -> Table:
    rows = []
    for period, card in points:
        item = find(card, ident)
        rows.append(
            [
                period.label,
                card.total,
                card.max_total,
                card.band or "",
                item.ratio if item is not None else None,
            ]
        )
    return Table(
        name="xu-huong",
        title=_("Xu hướng 12 tháng gần nhất"),
        subtitle=unit_name,
        columns=[
            Column(_("Kỳ"), width=16),
            Column(_("Tổng điểm"), Kind.DECIMAL),
            Column(_("Điểm tối đa"), Kind.DECIMAL),
            Column(_("Xếp loại"), width=14),
            Column(_("Tỉ lệ giải quyết đúng hạn (2.1)"), Kind.PERCENT, width=22),
        ],
        rows=rows,
    )


def ranking(
    ranked: Iterable, *, unit_name: str, period, indicator: str, link: Callable | None = None
) -> Table:
    """Child units by total score, or by one indicator's ratio and points."""
    rows = []
    for position, (agency, card) in enumerate(ranked, start=1):
        name = Link(agency.name, link(agency)) if link is not None else agency.name
        if indicator == "total":
            rows.append([position, name, card.total, card.max_total, card.band or ""])
        else:
            item = find(card, indicator)
            rows.append(
                [
                    position,
                    name,
                    item.numerator if item else None,
                    item.denominator if item else None,
                    item.ratio if item else None,
                    item.points if item else None,
                ]
            )
    if indicator == "total":
        columns = [
            Column(_("Hạng"), Kind.INT, width=8),
            Column(_("Đơn vị"), width=48),
            Column(_("Tổng điểm"), Kind.DECIMAL),
            Column(_("Điểm tối đa"), Kind.DECIMAL),
            Column(_("Xếp loại"), width=14),
        ]
        title = _("Xếp hạng các đơn vị trực thuộc theo tổng điểm")
    else:
        columns = [
            Column(_("Hạng"), Kind.INT, width=8),
            Column(_("Đơn vị"), width=48),
            Column(_("Tử số"), Kind.INT),
            Column(_("Mẫu số"), Kind.INT),
            Column(_("Tỉ lệ"), Kind.PERCENT),
            Column(_("Điểm"), Kind.DECIMAL),
        ]
        title = _("Xếp hạng các đơn vị trực thuộc theo chỉ số %(ident)s") % {"ident": indicator}
    return Table(
        name="xep-hang",
        title=title,
        subtitle=subtitle(unit_name, period),
        columns=columns,
        rows=rows,
    )


def online_shares(shares, *, subtitle: str, unit_code: str = "", period_query: str = "") -> Table:
    """The three online shares, each with its own denominator named (figures linked to
    their drill-down when ``unit_code`` is given)."""

    def linked(value, ident: str, part: str):
        if not unit_code or value is None:
            return value
        return Link(value, drilldown_url(unit_code, ident, part, period_query))

    return Table(
        name="truc-tuyen",
        title=_("Tỉ lệ hồ sơ trực tuyến"),
        subtitle=subtitle,
        columns=[
            Column(_("Tỉ lệ"), width=48),
            Column(_("Tử số"), Kind.INT),
            Column(_("Mẫu số"), Kind.INT),
            Column(_("Mẫu số là"), width=36),
            Column(_("Tỉ lệ (%)"), Kind.PERCENT),
        ],
        rows=[[s.label, s.numerator, s.denominator, s.denominator_label, s.ratio] for s in shares],
    )


def targets(progress, *, subtitle: str, unit_code: str = "", period_query: str = "") -> Table:
    """The national targets in force, the current figure beside each with the dossiers it is
    counted from (linked to their lists when a unit is given)."""

    def verdict(item) -> str:
        if item.met is None:
            return item.note or _("Chưa đo được")
        return _("Đạt") if item.met else _("Chưa đạt")

    def linked(item, value, part: str):
        if value is None or not item.list_ident or not unit_code:
            return value
        return Link(value, drilldown_url(unit_code, item.list_ident, part, period_query))

    return Table(
        name="muc-tieu",
        title=_("Tiến độ các mục tiêu quốc gia"),
        subtitle=subtitle,
        columns=[
            Column(_("Mục tiêu"), width=56),
            Column(_("Giai đoạn"), width=12),
            Column(_("Chỉ tiêu"), Kind.PERCENT),
            Column(_("Hiện nay"), Kind.PERCENT),
            Column(_("Hồ sơ đạt"), Kind.INT),
            Column(_("Trên tổng số hồ sơ"), Kind.INT),
            Column(_("Đánh giá"), width=30),
        ],
        rows=[
            [
                p.name,
                f"{p.from_year}–{p.to_year}",
                p.value,
                p.current,
                linked(p, p.numerator, NUMERATOR),
                linked(p, p.denominator, DENOMINATOR),
                verdict(p),
            ]
            for p in progress
        ],
    )


def social_cost(
    figure,
    *,
    subtitle: str,
    procedure_names: dict[int, tuple[str, str]] | None = None,
    unit_code: str = "",
    period_query: str = "",
) -> Table:
    """What online filing saved applicants, per procedure, and in total (the total of online
    dossiers linked to their list when a unit is given)."""
    names = procedure_names
    if names is None:
        from motcua.catalog.models import Procedure

        ids = [procedure_id for procedure_id, _online, _saving in figure.by_procedure]
        found = Procedure.objects.filter(pk__in=ids).values_list("pk", "code", "name")
        names = {pk: (code, name) for pk, code, name in found}

    def online(procedure_id: int, count: int):
        code = names.get(procedure_id, ("", ""))[0]
        if not unit_code or not code:
            return count
        href = drilldown_url(unit_code, "online", NUMERATOR, period_query, **{"thu-tuc": code})
        return Link(count, href)

    rows = [
        [names.get(procedure_id, ("", str(procedure_id)))[1], online(procedure_id, count), saving]
        for procedure_id, count, saving in sorted(figure.by_procedure, key=lambda line: -line[2])
    ]
    total = figure.online_dossiers
    if unit_code:
        total = Link(total, drilldown_url(unit_code, "online", NUMERATOR, period_query))
    rows.append([_("Tổng cộng"), total, figure.saving])
    return Table(
        name="chi-phi",
        title=_("Chi phí xã hội tiết kiệm được nhờ nộp hồ sơ trực tuyến"),
        subtitle=subtitle,
        columns=[
            Column(_("Thủ tục"), width=60),
            Column(_("Hồ sơ trực tuyến"), Kind.INT),
            Column(_("Chi phí tiết kiệm"), Kind.MONEY),
        ],
        rows=rows,
    )
