"""The leader dashboard (``/can-bo/chi-so/``) and the drill-down behind each figure
(``/can-bo/chi-so/chi-tiet/``), for staff holding ``stats.view``, within their reach.

Every figure comes from ``stats.queries`` (rollup tables, a bounded number of rows); the
page's tables download as Excel or CSV (``?dinh-dang=xlsx|csv&bang=<name>``).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import structlog
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from motcua.accounts.decorators import staff_required
from motcua.accounts.models import Permission
from motcua.core import audit
from motcua.stats import charts, exports, figures, queries, tables
from motcua.stats.exports import Column, Kind, Table

from . import units
from .forms import period_form

log = structlog.get_logger(__name__)

#: Months on the trend chart.
TREND_MONTHS = 12


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def trend_periods(period, months: int = TREND_MONTHS) -> list:
    """The ``months`` calendar months ending with the one the period ends in."""
    year, month = period.end.year, period.end.month
    found = []
    for _step in range(months):
        found.append(queries.Period.month(year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(found))


def _scored(wanted: str, indicators) -> str:
    idents = {i.ident for i in indicators if i.scored}
    return wanted if wanted in idents else "total"


def ranking_choice(request: HttpRequest, period) -> str:
    """``xep-theo`` when it names a scored indicator of the period's rules, else "total" (so
    that an arbitrary value is not remembered figures of its own)."""
    from motcua.stats import definitions

    chosen = definitions.set_for(period.start)
    return _scored(request.GET.get("xep-theo") or "total", chosen.ordered if chosen else [])


def figures_of(request: HttpRequest, node, period) -> tuple[dict, object]:
    """The figures of the page (remembered while nothing under ``node`` changes) and the
    moment they were computed."""

    choice = ranking_choice(request, period)

    def compute() -> dict:
        card = queries.scorecard(node, period)
        indicator = _scored(choice, card.indicators)  # the unit's own scope
        return {
            "card": card,
            "trend": queries.trend(node, trend_periods(period)),
            "indicator": indicator,
            "ranked": queries.ranking(node, period, indicator=indicator),
            "saved": queries.social_cost(node, period),
            "shares": queries.online_shares(node, period),
            "targets": queries.targets(node, period),
        }

    parts = (tuple(sorted(period.params.items())), choice, timezone.localdate().isoformat())
    return figures.remembered("dashboard", queries.node_path(node), parts, compute)


def build(request: HttpRequest, unit: units.Unit, period, period_query: str) -> dict:
    """Everything the dashboard shows: figures, tables (by name) and charts."""
    found_figures, computed_at = figures_of(request, unit.agency, period)
    card, trend = found_figures["card"], found_figures["trend"]
    indicator, ranked = found_figures["indicator"], found_figures["ranked"]

    def child_link(agency) -> str:
        return (
            f"{reverse('stats_staff:dashboard')}?"
            f"{urlencode({units.PARAM: agency.code})}&{period_query}"
        )

    found = {
        "chi-so": tables.indicators(
            card,
            unit_code=unit.code,
            unit_name=unit.name,
            period=period,
            period_query=period_query,
        ),
        "xu-huong": tables.trend(trend, unit_name=unit.name),
        "xep-hang": tables.ranking(
            ranked, unit_name=unit.name, period=period, indicator=indicator, link=child_link
        ),
    }
    saved = found_figures["saved"]
    subtitle = tables.subtitle(unit.name, period)
    found["truc-tuyen"] = tables.online_shares(
        found_figures["shares"],
        subtitle=subtitle,
        unit_code=unit.code,
        period_query=period_query,
    )
    found["muc-tieu"] = tables.targets(
        found_figures["targets"], subtitle=subtitle, unit_code=unit.code, period_query=period_query
    )
    found["chi-phi"] = tables.social_cost(
        saved, subtitle=subtitle, unit_code=unit.code, period_query=period_query
    )
    groups = tables.groups(card)
    found["nhom"] = tables.group_table(groups, unit_name=unit.name, period=period)
    item = tables.find(card, "2.1")
    labels = [p.label for p, _card in trend]
    item_21 = [tables.find(c, "2.1") for _p, c in trend]
    return {
        "card": card,
        "computed_at": computed_at,
        "saved": saved,
        "groups": groups,
        "tables": found,
        "shown": {name.replace("-", "_"): table for name, table in found.items()},
        "item_21": item,
        "item_21_numerator_url": tables.drilldown_url(
            unit.code, "2.1", tables.NUMERATOR, period_query
        ),
        "item_21_denominator_url": tables.drilldown_url(
            unit.code, "2.1", tables.DENOMINATOR, period_query
        ),
        "ranking_indicator": indicator,
        "ranking_choices": [("total", _("Tổng điểm"))]
        + [(i.ident, f"{i.ident} {i.name}") for i in card.indicators if i.scored],
        "group_chart": charts.bar_chart(
            _("Điểm theo nhóm chỉ số"),
            [charts.Bar(g["name"], g["points"], g["max_points"]) for g in groups],
            description=_("Điểm đạt được của từng nhóm chỉ số trên điểm tối đa của nhóm."),
        ),
        "trend_chart": charts.line_chart(
            _("Tổng điểm và tỉ lệ giải quyết đúng hạn (2.1), 12 tháng"),
            labels,
            [
                charts.Series(
                    _("Tổng điểm (quy về thang 100)"), [c.scaled_total for _p, c in trend]
                ),
                charts.Series(
                    _("Tỉ lệ đúng hạn 2.1 (%)"), [i.ratio if i else None for i in item_21]
                ),
            ],
            description=_("Xem bảng số liệu ngay dưới biểu đồ."),
        ),
    }


@never_cache
@staff_required(Permission.STATS_VIEW)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    unit = units.unit_from(request)
    form = period_form(request)
    ranked_by = request.GET.get("xep-theo", "")
    context = {
        "unit": unit,
        "unit_choices": units.choices(request.user, unit),
        "keep": [("xep-theo", ranked_by)] if ranked_by else [],
        "ranking_keep": [(units.PARAM, unit.code), *form.params().items()]
        if form.period is not None
        else [(units.PARAM, unit.code)],
        "form": form,
        "period": form.period,
        "period_query": form.query(),
        "query": _query_without(request, "dinh-dang", "bang"),
    }
    if form.period is not None:
        context.update(build(request, unit, form.period, form.query()))
        wanted = exports.requested(request)
        if wanted is not None:
            kind, name = wanted
            table = context["tables"].get(name)
            if table is None:
                raise Http404
            _audit(request, unit, form.period, kind, name)
            return exports.response(table, kind)
    status = 400 if form.errors else 200
    return render(request, "stats/dashboard.html", context, status=status)


def _audit(request, unit: units.Unit, period, kind: str, name: str) -> None:
    audit.record(
        "stats_exported",
        actor=request.user,
        request=request,
        format=kind,
        table=name,
        unit=unit.code,
        start=period.start.isoformat(),
        end=period.end.isoformat(),
    )
    log.info("stats.exported", format=kind, table=name)


# --- Drill-down ------------------------------------------------------------------------------

#: The first two columns of a drill-down, by what it lists.
_HEADINGS = {
    "procedure": (_lazy("Mã thủ tục"), _lazy("Tên thủ tục")),
    "feedback": (_lazy("Mã phản ánh, kiến nghị"), _lazy("Nội dung")),
}
_DOSSIER_HEADINGS = (_lazy("Mã hồ sơ"), _lazy("Thủ tục"))


@dataclass(frozen=True)
class Figure:
    """What a drill-down is about: an indicator of the scorecard or one of the online shares."""

    ident: str
    name: str
    kind: str
    numerator: object
    denominator: object
    numerator_label: str
    denominator_label: str


def figure_for(card, shares, ident: str) -> Figure | None:
    item = tables.find(card, ident)
    if item is not None:
        return Figure(
            item.ident,
            item.name,
            item.kind,
            item.numerator,
            item.denominator,
            item.numerator_label,
            item.denominator_label,
        )
    share = next((s for s in shares if s.ident == ident), None)
    if share is not None:
        return Figure(
            share.ident, share.label, "dossier", share.numerator, share.denominator, "",
            share.denominator_label,
        )  # fmt: skip
    return None


def drilldown_table(
    unit: units.Unit, period, figure: Figure, part: str, rows, *, procedure=None
) -> Table:
    what = _("tử số") if part == tables.NUMERATOR else _("mẫu số")
    subtitle = tables.subtitle(unit.name, period)
    if procedure is not None:
        subtitle = f"{subtitle} — {_('thủ tục')} {procedure.code} {procedure.name}"
    code, name = _HEADINGS.get(figure.kind, _DOSSIER_HEADINGS)
    return Table(
        name="chi-tiet",
        row_cap=exports.ROW_CAP,
        title=_("Chỉ số %(ident)s %(name)s — %(what)s")
        % {"ident": figure.ident, "name": figure.name, "what": what},
        subtitle=subtitle,
        columns=[
            Column(str(code), width=28),
            Column(str(name), width=48),
            Column(_("Ngày tiếp nhận"), Kind.DATE),
            Column(_("Ngày kết thúc"), Kind.DATE),
            Column(_("Hạn giải quyết"), Kind.DATE),
            Column(_("Lý do"), width=48),
        ],
        rows=rows,
    )


def _cells(row) -> list:
    return [row.code, row.procedure, row.received, row.end, row.due, row.reason]


def drilldown_rows(result) -> list[list]:
    return [_cells(row) for row in result.rows]


def all_drilldown_rows(node, period, ident: str, part: str, *, procedure=None):
    """Every row behind a figure for a download, read in one pass: one more than the table's
    cap, so that the file says when rows were left out."""
    for row in queries.every_row(
        node, period, ident, tables.PARTS[part], limit=exports.ROW_CAP + 1, procedure=procedure
    ):
        yield _cells(row)


#: The drill-down's optional procedure (its code): the figure and its list for that procedure.
PROCEDURE_PARAM = "thu-tuc"


def _procedure_from(request: HttpRequest):
    from motcua.catalog.models import Procedure

    code = (request.GET.get(PROCEDURE_PARAM) or "").strip()
    if not code:
        return None
    procedure = Procedure.objects.filter(code=code).only("pk", "code", "name").first()
    if procedure is None:
        raise Http404
    return procedure


@never_cache
@staff_required(Permission.STATS_VIEW)
@require_GET
def drilldown(request: HttpRequest) -> HttpResponse:
    unit = units.unit_from(request)
    form = period_form(request)
    ident = request.GET.get("chi-so", "")
    part = request.GET.get("phan", tables.NUMERATOR)
    if part not in tables.PARTS:
        raise Http404
    context = {
        "unit": unit,
        "form": form,
        "period": form.period,
        "ident": ident,
        "part": part,
        "keep": [(units.PARAM, unit.code), ("chi-so", ident), ("phan", part)],
        "query": _query_without(request, "dinh-dang", "bang"),
        "page_query": _query_without(request, "dinh-dang", "bang", "trang"),
        "dashboard_url": f"{reverse('stats_staff:dashboard')}?"
        f"{urlencode({units.PARAM: unit.code})}&{form.query()}",
    }
    procedure = _procedure_from(request)
    if procedure is not None:
        context["procedure"] = procedure
        context["keep"].append((PROCEDURE_PARAM, procedure.code))
    if form.period is None:
        return render(request, "stats/drilldown.html", context, status=400)
    node, period = unit.agency, form.period
    card = queries.scorecard(node, period, procedure=procedure)
    figure = figure_for(card, queries.online_shares(node, period, procedure=procedure), ident)
    if figure is None:
        raise Http404
    numerator = part == tables.NUMERATOR
    context["other_url"] = tables.drilldown_url(
        unit.code,
        ident,
        tables.DENOMINATOR if numerator else tables.NUMERATOR,
        form.query(),
        **({PROCEDURE_PARAM: procedure.code} if procedure is not None else {}),
    )
    context["figure"] = figure.numerator if numerator else figure.denominator
    try:
        number = max(1, int(request.GET.get("trang", "1")))
    except ValueError:
        number = 1
    try:
        result = queries.drilldown(
            node, period, ident, tables.PARTS[part], page=number, procedure=procedure
        )
    except ValueError:  # an indicator without a list behind it (1.1, 1.2 …): said so
        context.update({"item": figure, "no_list": True})
        return render(request, "stats/drilldown.html", context)
    wanted = exports.requested(request)
    if wanted is not None:
        kind, _name = wanted
        rows = all_drilldown_rows(node, period, ident, part, procedure=procedure)
        _audit(request, unit, period, kind, f"chi-tiet-{ident}-{part}")
        table = drilldown_table(unit, period, figure, part, rows, procedure=procedure)
        return exports.response(table, kind)
    context.update(
        {
            "item": figure,
            "result": result,
            "table": drilldown_table(
                unit, period, figure, part, drilldown_rows(result), procedure=procedure
            ),
            "label": figure.numerator_label if numerator else figure.denominator_label,
        }
    )
    return render(request, "stats/drilldown.html", context)
