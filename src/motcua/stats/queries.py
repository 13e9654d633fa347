"""What the dashboards, the public statistics page and the exports read (docs/statistics.md).

Every figure comes from the counter tables (``Rollup``, ``OpenRollup``: a bounded number of
rows per node and period), the catalogue (procedure-level indicators) and the feedback app;
never from a scan of the dossier table. ``drilldown`` reads the facts of one node and period
through their index, a page at a time.

A *node* is an ``Agency`` (its subtree) or None (the whole nation).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.access import scope_of
from motcua.accounts.models import Permission
from motcua.units.models import Agency

from . import catalogue, definitions, scoring
from .drilldown import Drilldown, drilldown, every_row
from .models import COUNTERS, OpenRollup, Rollup
from .periods import MONTH, QUARTER, YEAR, Period, PeriodError
from .scoring import IndicatorValue, Inputs, Scorecard, q2, ratio_of

__all__ = [
    "Drilldown",
    "IndicatorValue",
    "Period",
    "PeriodError",
    "Scorecard",
    "children_of",
    "drilldown",
    "every_row",
    "may_view",
    "node_path",
    "online_shares",
    "ranking",
    "scope_name",
    "scorecard",
    "social_cost",
    "targets",
    "trend",
    "visible_nodes",
    "volumes",
    "volumes_by_child",
]


# --- Nodes -------------------------------------------------------------------------------------


def node_path(node: Agency | None) -> str:
    return node.path if node is not None else ""


def scope_name(node: Agency | None) -> str | None:
    """Which indicators apply: "ministry", "province", "commune"; None (the nation): all."""
    if node is None:
        return None
    if node.kind in (Agency.Kind.MINISTRY, Agency.Kind.MINISTRY_UNIT):
        return "ministry"
    if node.kind == Agency.Kind.COMMUNE_COMMITTEE:
        return "commune"
    return "province"


def children_of(node: Agency | None) -> list[Agency]:
    """The units a node's ranking compares: its child agencies, or for the nation the
    provinces and the ministries."""
    if node is None:
        found = Agency.objects.active().filter(parent__isnull=True)
    else:
        found = Agency.objects.active().filter(parent=node)
    return list(found.order_by("sort_key"))


def visible_nodes(user) -> list[Agency | None]:
    """The nodes whose figures ``user`` may see: the agencies where they hold ``stats.view``
    (each reaching its subtree); [None] first for a system administrator (the nation)."""
    scope = scope_of(user)
    if not scope.has(Permission.STATS_VIEW):
        return []
    top = scope.top_agencies(Permission.STATS_VIEW)
    if any(g.path == "" and Permission.STATS_VIEW in g.permissions for g in scope.grants):
        return [None, *top]
    return top


def may_view(user, node: Agency | None) -> bool:
    scope = scope_of(user)
    if not scope.has(Permission.STATS_VIEW):
        return False
    path = node_path(node)
    return any(
        Permission.STATS_VIEW in g.permissions and path.startswith(g.path) and (path or not g.path)
        for g in scope.grants
    )


# --- Reading the counters -----------------------------------------------------------------------


def _period_filter(period: Period) -> Q:
    months, days = period.segments()
    condition = Q(grain="m", start__in=months) if months else Q(pk__in=[])
    for first, last in days:
        condition |= Q(grain="d", start__gte=first, start__lte=last)
    return condition


def _procedure_id(procedure) -> int:
    if procedure is None:
        return 0
    return procedure if isinstance(procedure, int) else procedure.pk


def counts_for(paths: list[str], period: Period, procedure=None) -> dict[str, dict]:
    """{path: {counter: sum}} over the period's rows, one statement for all paths."""
    rows = (
        Rollup.objects.filter(node__in=paths, procedure_id=_procedure_id(procedure))
        .filter(_period_filter(period))
        .values("node")
        .annotate(**{name: Sum(name) for name in COUNTERS})
    )
    found = {path: dict.fromkeys(COUNTERS, 0) for path in paths}
    for row in rows:
        path = row.pop("node")
        found[path] = {k: int(v or 0) for k, v in row.items()}
    return found


def overdue_for(paths: list[str], period: Period, judged_on: date, procedure=None) -> dict:
    """{path: open dossiers of the period overdue on ``judged_on``} (due day before it)."""
    rows = (
        OpenRollup.objects.filter(node__in=paths, procedure_id=_procedure_id(procedure))
        .filter(_period_filter(period), due_day__lt=judged_on)
        .values("node")
        .annotate(n=Sum("count"))
    )
    found = dict.fromkeys(paths, 0)
    for row in rows:
        found[row["node"]] = int(row["n"] or 0)
    return found


def procedures_with(paths: list[str], period: Period) -> dict[str, dict[str, set[int]]]:
    """{path: {"online": ids, "paid_online": ids, "population_data": ids}}: the procedures
    with at least one such dossier in the period (the per-procedure counter rows)."""
    names = ("online", "paid_online", "population_data")
    rows = (
        Rollup.objects.filter(node__in=paths)
        .exclude(procedure_id=0)
        .filter(_period_filter(period))
        .values("node", "procedure_id")
        .annotate(**{name: Sum(name) for name in names})
        .values_list("node", "procedure_id", *names)
    )
    found = {path: {name: set() for name in names} for path in paths}
    for node, procedure_id, *sums in _plain_rows(rows):
        for name, value in zip(names, sums, strict=True):
            if value:
                found[node][name].add(procedure_id)
    return found


def _plain_rows(queryset) -> list[tuple]:
    """The rows of a ``values_list`` queryset as the database driver gives them, without the
    query builder's per-value conversion (a province's ranking reads 140,000 such rows)."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # e.g. no node asked: nothing to read
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _union(periods: list[Period]) -> Q:
    condition = Q(pk__in=[])
    for period in periods:
        condition |= _period_filter(period)
    return condition


def _grouped(rows) -> dict[tuple[str, date], list]:
    """Rows whose first two values are (grain, start), grouped by them."""
    found: dict[tuple[str, date], list] = {}
    for grain, start, *values in rows:
        found.setdefault((grain, start), []).append(values)
    return found


def _keys_in(period: Period, keys) -> list[tuple[str, date]]:
    """Those of the (grain, start) keys whose rows ``_period_filter(period)`` selects."""
    months, days = period.segments()
    months = set(months)
    return [
        (grain, start)
        for grain, start in keys
        if (grain == "m" and start in months)
        or (grain == "d" and any(first <= start <= last for first, last in days))
    ]


def counts_by_period(path: str, periods: list[Period], procedure=None) -> list[dict]:
    """``[counts_for([path], p, procedure)[path] for p in periods]`` in one statement: the
    node's rows of all the periods, summed per period here."""
    if not periods:
        return []
    rows = _grouped(
        Rollup.objects.filter(node=path, procedure_id=_procedure_id(procedure))
        .filter(_union(periods))
        .values_list("grain", "start", *COUNTERS)
    )
    found = []
    for period in periods:
        counts = dict.fromkeys(COUNTERS, 0)
        for key in _keys_in(period, rows):
            for values in rows[key]:
                for name, value in zip(COUNTERS, values, strict=True):
                    counts[name] += int(value or 0)
        found.append(counts)
    return found


def overdue_by_period(path: str, periods: list[Period], judged: list[date]) -> list[int]:
    """``overdue_for`` of one node for many periods (each judged on its own day), one
    statement."""
    if not periods:
        return []
    rows = _grouped(
        OpenRollup.objects.filter(node=path, procedure_id=0, due_day__lt=max(judged))
        .filter(_union(periods))
        .values_list("grain", "start", "due_day")
        .annotate(n=Sum("count"))
        .order_by()
    )
    found = []
    for period, judged_on in zip(periods, judged, strict=True):
        found.append(
            sum(
                int(n or 0)
                for key in _keys_in(period, rows)
                for due, n in rows[key]
                if due < judged_on
            )
        )
    return found


def procedures_by_period(path: str, periods: list[Period]) -> list[dict[str, set[int]]]:
    """``procedures_with`` of one node for many periods, one statement."""
    names = ("online", "paid_online", "population_data")
    if not periods:
        return []
    rows = _grouped(
        Rollup.objects.filter(node=path)
        .exclude(procedure_id=0)
        .filter(_union(periods))
        .values_list("grain", "start", "procedure_id", *names)
    )
    found = []
    for period in periods:
        sums: dict[int, list[int]] = {}
        for key in _keys_in(period, rows):
            for procedure_id, *values in rows[key]:
                total = sums.setdefault(procedure_id, [0, 0, 0])
                for i, value in enumerate(values):
                    total[i] += int(value or 0)
        found.append(
            {name: {pid for pid, total in sums.items() if total[i]} for i, name in enumerate(names)}
        )
    return found


def _months_in(period: Period) -> Decimal:
    if period.kind == MONTH:
        return Decimal(1)
    if period.kind == QUARTER:
        return Decimal(3)
    if period.kind == YEAR:
        return Decimal(12)
    return q2(Decimal(period.days) * 12 / 365)


def _judged_on(period: Period, at) -> date:
    if isinstance(at, datetime):
        return min(period.end, timezone.localdate(at))
    if isinstance(at, date):
        return at
    return period.judged_at()


def _feedback(node: Agency | None, period: Period, at) -> dict | None:
    try:
        from motcua.feedback.stats import feedback_counts
    except ImportError:
        return None
    moment = at if isinstance(at, datetime) else timezone.now()
    return feedback_counts(node_path(node), period.start, period.end, moment)


def _feedback_many(keys: list[tuple[str, Period]], at) -> list[dict | None]:
    """``_feedback`` for many (path, period) pairs, in two grouped statements."""
    try:
        from motcua.feedback.stats import feedback_counts_many
    except ImportError:
        return [None] * len(keys)
    moment = at if isinstance(at, datetime) else timezone.now()
    return feedback_counts_many([(path, p.start, p.end) for path, p in keys], moment)


def _inputs(nodes: list[Agency | None], period: Period, *, procedure=None, at=None) -> dict:
    paths = [node_path(n) for n in nodes]
    judged_on = _judged_on(period, at)
    counts = counts_for(paths, period, procedure)
    overdue = overdue_for(paths, period, judged_on, procedure)
    used = procedures_with(paths, period)
    empty = [p for p in paths if not counts[p]["received"]]
    last_year = counts_for(empty, period.last_year(), procedure) if empty else {}
    if len(nodes) == 1:
        feedback = [_feedback(nodes[0], period, at)]
    else:
        feedback = _feedback_many([(path, period) for path in paths], at)
    found = {}
    for node, path, counted in zip(nodes, paths, feedback, strict=True):
        found[path] = Inputs(
            counts=counts[path],
            open_overdue=overdue[path],
            last_year_received=last_year.get(path, {}).get("received", 0),
            period_months=_months_in(period),
            catalogue=catalogue.sets_for(node, used[path], procedure_id=_procedure_id(procedure)),
            feedback=counted,
        )
    return found


def _scorecard(node, period, inputs: Inputs, *, procedure, judged_on) -> Scorecard:
    chosen = definitions.set_for(period.start)
    scope = scope_name(node)
    indicators = [
        i for i in (chosen.ordered if chosen else []) if scope is None or scope in i.scopes
    ]
    values = scoring.indicator_values(indicators, inputs)
    bands = chosen.bands if chosen else []
    total, max_total, scaled, band, note = scoring.total_of(values, bands)
    return Scorecard(
        node=node,
        period=period,
        indicators=values,
        total=total,
        max_total=max_total,
        scaled_total=scaled,
        band=band,
        note=note,
        procedure=procedure,
        judged_on=judged_on,
        indicator_set=chosen,
        counts={**inputs.counts, "open_overdue": inputs.open_overdue},
    )


def scorecard(node: Agency | None, period: Period, *, procedure=None, at=None) -> Scorecard:
    """The indicators of ``node`` (None: the nation) for ``period``, optionally for one
    procedure; open dossiers judged at ``at`` (a datetime or a day), by default the period's
    end once it is over, else now."""
    inputs = _inputs([node], period, procedure=procedure, at=at)[node_path(node)]
    return _scorecard(node, period, inputs, procedure=procedure,
                      judged_on=_judged_on(period, at))  # fmt: skip


def trend(node: Agency | None, periods: list[Period]) -> list[tuple[Period, Scorecard]]:
    """``[(p, scorecard(node, p)) for p in periods]`` in a few statements whatever the number
    of periods: the counter rows, open rows and per-procedure rows of all the periods are read
    at once and summed per period; the feedback counts in two grouped statements."""
    periods = list(periods)
    if not periods:
        return []
    path = node_path(node)
    judged = [_judged_on(period, None) for period in periods]
    counts = counts_by_period(path, periods)
    overdue = overdue_by_period(path, periods, judged)
    used = procedures_by_period(path, periods)
    empty = [i for i, c in enumerate(counts) if not c["received"]]
    last_year = dict(
        zip(empty, counts_by_period(path, [periods[i].last_year() for i in empty]), strict=True)
    )
    feedback = _feedback_many([(path, period) for period in periods], None)
    found = []
    for i, period in enumerate(periods):
        inputs = Inputs(
            counts=counts[i],
            open_overdue=overdue[i],
            last_year_received=last_year.get(i, {}).get("received", 0),
            period_months=_months_in(period),
            catalogue=catalogue.sets_for(node, used[i]),
            feedback=feedback[i],
        )
        found.append(
            (period, _scorecard(node, period, inputs, procedure=None, judged_on=judged[i]))
        )
    return found


def ranking(
    node: Agency | None, period: Period, *, indicator: str = "total", at=None
) -> list[tuple[Agency, Scorecard]]:
    """The children of ``node`` (the provinces and ministries for the nation), best first by
    the total (scaled to 100) or by one indicator's ratio; those without data last."""
    children = children_of(node)
    inputs = _inputs(children, period, at=at)
    judged_on = _judged_on(period, at)
    cards = [
        (child, _scorecard(child, period, inputs[child.path], procedure=None, judged_on=judged_on))
        for child in children
    ]

    def key(item):
        card = item[1]
        if indicator == "total":
            score = card.scaled_total
        else:
            found = card.get(indicator)
            score = found.ratio if found is not None else None
        return (score is None, -(score or 0), item[0].sort_key)

    return sorted(cards, key=key)


# --- Shares, targets, social cost, volumes ----------------------------------------------------


@dataclass
class Share:
    ident: str
    label: str
    numerator: int
    denominator: int
    denominator_label: str
    ratio: Decimal | None


def _shares(counts: dict) -> list[Share]:
    received = counts["received"]
    return [
        Share("online", _("Hồ sơ trực tuyến"), counts["online"], received,
              _("tổng số hồ sơ"), ratio_of(counts["online"], received)),
        Share("fully_online", _("Hồ sơ trực tuyến toàn trình (KPI 0423)"),
              counts["fully_online"], received, _("tổng số hồ sơ"),
              ratio_of(counts["fully_online"], received)),
        Share("fully_online_eligible", _("Hồ sơ trực tuyến toàn trình trên hồ sơ của thủ tục "
              "đủ điều kiện toàn trình"), counts["fully_online"],
              counts["eligible_full_online"], _("hồ sơ của thủ tục đủ điều kiện toàn trình"),
              ratio_of(counts["fully_online"], counts["eligible_full_online"])),
    ]  # fmt: skip


def online_shares(node: Agency | None, period: Period, *, procedure=None) -> list[Share]:
    """The three online shares, each with its own named denominator (DOMAIN.md §11)."""
    path = node_path(node)
    return _shares(counts_for([path], period, procedure)[path])


@dataclass
class Progress:
    ident: str
    name: str
    value: Decimal
    current: Decimal | None
    from_year: int
    to_year: int
    met: bool | None
    note: str = ""
    #: The counts behind ``current`` and the drill-down list that shows them ("" when none).
    numerator: int | None = None
    denominator: int | None = None
    list_ident: str = ""


def targets(node: Agency | None, period: Period) -> list[Progress]:
    """The national targets in force in the period's year that apply to the node, each with
    the current figure (None: not measured here)."""
    from .target_data import load_targets, measure

    year = period.start.year
    kind = scope_name(node)
    applies = {"all"} | ({"ministries"} if kind == "ministry" else set())
    if kind in ("province", "commune") or node is None:
        applies.add("localities")
    if node is None:
        applies.add("ministries")
    path = node_path(node)
    counts = None
    found = []
    for target in load_targets():
        if not target["from_year"] <= year <= target["to_year"]:
            continue
        if target.get("applies_to", "all") not in applies:
            continue
        if counts is None:
            counts = counts_for([path], period)[path]
        current, numerator, denominator, list_ident = measure(target.get("measure", ""), counts)
        value = Decimal(str(target["value"]))
        found.append(
            Progress(
                ident=target["ident"],
                name=target["name"],
                value=value,
                current=current,
                from_year=target["from_year"],
                to_year=target["to_year"],
                met=None if current is None else current >= value,
                note="" if current is not None else _("Chưa đo được từ dữ liệu hiện có."),
                numerator=numerator,
                denominator=denominator,
                list_ident=list_ident,
            )
        )
    return found


@dataclass
class SocialCostFigure:
    online_dossiers: int
    cost_per_dossier: int
    saving: int
    assumptions: str
    by_procedure: list[tuple[int, int, int]] = field(default_factory=list)


def social_cost(node: Agency | None, period: Period) -> SocialCostFigure:
    """What online filing saved applicants: online dossiers × the cost of doing it in person
    (the procedure's own cost where set, else the default), with the assumptions."""
    from .models import SocialCost

    path = node_path(node)
    per_procedure = {
        row["procedure_id"]: int(row["n"] or 0)
        for row in Rollup.objects.filter(node=path)
        .exclude(procedure_id=0)
        .filter(_period_filter(period))
        .values("procedure_id")
        .annotate(n=Sum("online"))
        if row["n"]
    }
    costs = {c.procedure_id: c for c in SocialCost.objects.all()}
    default = costs.get(None)
    if default is None:
        from .social import default_values

        default = SocialCost(procedure=None, **default_values())
    saving, lines = 0, []
    for procedure_id, online in sorted(per_procedure.items()):
        cost = costs.get(procedure_id, default)
        saving += online * cost.total
        lines.append((procedure_id, online, online * cost.total))
    online = sum(per_procedure.values())
    return SocialCostFigure(online, default.total, saving, default.assumptions, lines)


def _volumes(counts: dict, overdue: int) -> dict:
    received = counts["received"]
    resolved = counts["early"] + counts["on_time"] + counts["late"]
    return {
        "received": received,
        "resolved": resolved,
        "on_time": counts["on_time"],
        "early": counts["early"],
        "late": counts["late"],
        "open": counts["open"],
        "open_in_time": counts["open"] - overdue,
        "open_overdue": overdue,
        "finished": counts["finished"],
        "online": counts["online"],
        "online_share": ratio_of(counts["online"], received),
        "fully_online": counts["fully_online"],
        "fully_online_share": ratio_of(counts["fully_online"], received),
        "on_time_share": ratio_of(counts["early"] + counts["on_time"], resolved),
    }


def volumes(node: Agency | None, period: Period, *, procedure=None, at=None) -> dict:
    """Received, resolved (early, on time, late), open, online share — the public page.
    "resolved" counts every dossier judged early, on time or late (DOMAIN.md §8): those with
    an end, including those waiting after a single supplement request, and those already late
    by a second supplement request; ``finished`` counts the ended ones only."""
    path = node_path(node)
    counts = counts_for([path], period, procedure)[path]
    overdue = overdue_for([path], period, _judged_on(period, at), procedure)[path]
    return _volumes(counts, overdue)


def volumes_by_child(node: Agency | None, period: Period, *, at=None) -> list[tuple]:
    """[(child agency, volumes)] for each child of the node (or each province and ministry),
    in the order of their names."""
    children = children_of(node)
    paths = [c.path for c in children]
    counts = counts_for(paths, period)
    overdue = overdue_for(paths, period, _judged_on(period, at))
    return [(c, _volumes(counts[c.path], overdue[c.path])) for c in children]


def per_procedure(node: Agency | None, period: Period, *, limit: int = 50) -> list[dict]:
    """The procedures with the most dossiers at the node in the period, with their counts."""
    from motcua.catalog.models import Procedure

    rows = list(
        Rollup.objects.filter(node=node_path(node))
        .exclude(procedure_id=0)
        .filter(_period_filter(period))
        .values("procedure_id")
        .annotate(**{name: Sum(name) for name in COUNTERS})
        .order_by("-received")[:limit]
    )
    names = dict(
        Procedure.objects.filter(pk__in=[r["procedure_id"] for r in rows]).values_list("pk", "name")
    )
    for row in rows:
        row["name"] = names.get(row["procedure_id"], "")
    return rows
