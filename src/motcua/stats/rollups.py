"""The counter tables: what one fact adds to them, increments applied with one upsert, and
the set-based rebuild from ``DossierFact``.

A fact counts at every node of its agency path (each ancestor prefix and "", the nation),
for its procedure and for all procedures (0), in its day row and its month row. Rows change
only by ``INSERT … ON CONFLICT DO UPDATE SET c = t.c + excluded.c`` (PostgreSQL and SQLite),
so concurrent changes of different dossiers add up without locking a row for long.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db import connection, transaction

from . import figures
from .facts import FactValues
from .models import COUNTERS, NO_DUE_DAY, DossierFact, OpenRollup, Rollup, RollupNode

NO_DUE = date.fromisoformat(NO_DUE_DAY)

#: Each counter as a Python rule over a fact and as SQL over ``stats_dossierfact`` (alias f).
RULES: dict[str, tuple] = {
    "received": (lambda f: 1, "1"),
    "early": (lambda f: f.state == "early", "CASE WHEN f.state = 'early' THEN 1 ELSE 0 END"),
    "on_time": (
        lambda f: f.state == "on_time",
        "CASE WHEN f.state = 'on_time' THEN 1 ELSE 0 END",
    ),
    "late": (lambda f: f.state == "late", "CASE WHEN f.state = 'late' THEN 1 ELSE 0 END"),
    "open": (lambda f: f.state == "open", "CASE WHEN f.state = 'open' THEN 1 ELSE 0 END"),
    "finished": (lambda f: f.finished, "CASE WHEN f.finished THEN 1 ELSE 0 END"),
    "elapsed_seconds": (
        lambda f: f.elapsed_seconds if f.finished else 0,
        "CASE WHEN f.finished THEN f.elapsed_seconds ELSE 0 END",
    ),
    "online": (lambda f: f.online, "CASE WHEN f.online THEN 1 ELSE 0 END"),
    "fully_online": (lambda f: f.fully_online, "CASE WHEN f.fully_online THEN 1 ELSE 0 END"),
    "eligible_full_online": (
        lambda f: f.eligible_full_online,
        "CASE WHEN f.eligible_full_online THEN 1 ELSE 0 END",
    ),
    "fee_dossiers": (
        lambda f: f.fee_procedure and f.fee_nonzero,
        "CASE WHEN f.fee_procedure AND f.fee_nonzero THEN 1 ELSE 0 END",
    ),
    "paid_online": (
        lambda f: f.paid_online and f.fee_procedure and f.fee_nonzero,
        "CASE WHEN f.paid_online AND f.fee_procedure AND f.fee_nonzero THEN 1 ELSE 0 END",
    ),
    "result_required": (
        lambda f: f.result_required,
        "CASE WHEN f.result_required THEN 1 ELSE 0 END",
    ),
    "result_file": (lambda f: f.result_file, "CASE WHEN f.result_file THEN 1 ELSE 0 END"),
    "digitised": (lambda f: f.digitised, "CASE WHEN f.digitised THEN 1 ELSE 0 END"),
    "reused": (lambda f: f.reused, "CASE WHEN f.reused THEN 1 ELSE 0 END"),
    "store_linked": (lambda f: f.store_linked, "CASE WHEN f.store_linked THEN 1 ELSE 0 END"),
    "population_data": (
        lambda f: f.population_data,
        "CASE WHEN f.population_data THEN 1 ELSE 0 END",
    ),
    "not_satisfied": (lambda f: f.not_satisfied, "CASE WHEN f.not_satisfied THEN 1 ELSE 0 END"),
    "has_feedback": (lambda f: f.has_feedback, "CASE WHEN f.has_feedback THEN 1 ELSE 0 END"),
    "unsatisfying": (lambda f: f.unsatisfying, "CASE WHEN f.unsatisfying THEN 1 ELSE 0 END"),
    "synced": (lambda f: f.synced, "CASE WHEN f.synced THEN 1 ELSE 0 END"),
}
assert tuple(RULES) == COUNTERS, "every counter needs its rule"  # noqa: S101


def nodes_of(path: str) -> list[str]:
    """ "" and every prefix of ``path`` ending in "/" (the agency and its ancestors)."""
    nodes = [""]
    for index, char in enumerate(path):
        if char == "/":
            nodes.append(path[: index + 1])
    return nodes


def month_of(day: date) -> date:
    return day.replace(day=1)


def counters(fact: FactValues) -> list[int]:
    return [int(rule(fact)) for rule, _sql in RULES.values()]


RollupKey = tuple[str, int, str, date]
OpenKey = tuple[str, int, str, date, date]


def contributions(fact: FactValues) -> tuple[dict[RollupKey, list[int]], dict[OpenKey, int]]:
    """What one fact adds to the counter tables."""
    values = counters(fact)
    rows: dict[RollupKey, list[int]] = {}
    opened: dict[OpenKey, int] = {}
    for node in nodes_of(fact.agency_path):
        for procedure_id in (0, fact.procedure_id):
            for grain, start in (("d", fact.period_day), ("m", month_of(fact.period_day))):
                rows[(node, procedure_id, grain, start)] = values
                if fact.state == "open":
                    opened[(node, procedure_id, grain, start, fact.due_day or NO_DUE)] = 1
    return rows, opened


def delta(
    old: FactValues | None, new: FactValues | None
) -> tuple[dict[RollupKey, list[int]], dict[OpenKey, int]]:
    """The increments that turn the counters of ``old`` into those of ``new``."""
    rows: dict[RollupKey, list[int]] = defaultdict(lambda: [0] * len(COUNTERS))
    opened: dict[OpenKey, int] = defaultdict(int)
    for fact, sign in ((old, -1), (new, 1)):
        if fact is None:
            continue
        fact_rows, fact_open = contributions(fact)
        for key, values in fact_rows.items():
            row = rows[key]
            for index, value in enumerate(values):
                row[index] += sign * value
        for key, value in fact_open.items():
            opened[key] += sign * value
    return (
        {k: v for k, v in rows.items() if any(v)},
        {k: v for k, v in opened.items() if v},
    )


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def apply(rows: dict[RollupKey, list[int]], opened: dict[OpenKey, int]) -> None:
    """Add the increments (inside the caller's transaction). Rows are written in key order,
    so that two transactions touching the same rows lock them in the same order. The nodes'
    remembered figures are out of date from the same commit."""
    figures.touch({key[0] for key in rows} | {key[0] for key in opened})
    if rows:
        _upsert(Rollup._meta.db_table, ("node", "procedure_id", "grain", "start"), COUNTERS,
                [(*key, *values) for key, values in sorted(rows.items())])  # fmt: skip
    if opened:
        keys = ("node", "procedure_id", "grain", "start", "due_day")
        _upsert(OpenRollup._meta.db_table, keys, ("count",),
                [(*key, value) for key, value in sorted(opened.items())])  # fmt: skip
        OpenRollup.objects.filter(count=0).filter(
            node__in={k[0] for k in opened}, start__in={k[3] for k in opened}
        ).delete()


def _upsert(table: str, keys: tuple[str, ...], columns: tuple[str, ...], values: list) -> None:
    names = (*keys, *columns)
    row = "(" + ", ".join(["%s"] * len(names)) + ")"
    updates = ", ".join(f"{_q(c)} = {_q(table)}.{_q(c)} + excluded.{_q(c)}" for c in columns)
    per_statement = max(1, 900 // len(names))
    with connection.cursor() as cursor:
        for at in range(0, len(values), per_statement):
            chunk = values[at : at + per_statement]
            sql = (
                f"INSERT INTO {_q(table)} ({', '.join(_q(n) for n in names)}) "  # noqa: S608
                f"VALUES {', '.join([row] * len(chunk))} "
                f"ON CONFLICT ({', '.join(_q(k) for k in keys)}) DO UPDATE SET {updates}"
            )
            cursor.execute(sql, [value for item in chunk for value in item])


# --- The set-based rebuild ---------------------------------------------------------------------


def _month_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


def _fill_nodes(prefix: str) -> None:
    """RollupNode: each distinct agency path of the facts under ``prefix`` with its nodes
    (those under ``prefix`` only, so that a partial rebuild leaves the others alone)."""
    RollupNode.objects.all().delete()
    paths = (
        DossierFact.objects.filter(agency_path__startswith=prefix)
        .values_list("agency_path", flat=True)
        .distinct()
    )
    RollupNode.objects.bulk_create(
        [
            RollupNode(path=path, node=node)
            for path in paths
            for node in nodes_of(path)
            if node.startswith(prefix)
        ],
        batch_size=2000,
    )


@transaction.atomic
def rebuild(prefix: str = "") -> None:
    """Recount the counter tables of the nodes under ``prefix`` ("" = all, the nation too)
    from the facts: delete, then ``INSERT … SELECT … GROUP BY`` (no Python loop over rows)."""
    figures.touch_all()
    rollup, opened = Rollup._meta.db_table, OpenRollup._meta.db_table
    if prefix:
        Rollup.objects.filter(node__startswith=prefix).delete()
        OpenRollup.objects.filter(node__startswith=prefix).delete()
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {_q(rollup)}, {_q(opened)}")
    else:
        Rollup.objects.all().delete()
        OpenRollup.objects.all().delete()
    _fill_nodes(prefix)
    fact, nodes = DossierFact._meta.db_table, RollupNode._meta.db_table
    sums = ", ".join(f"SUM({sql}) AS {_q(name)}" for name, (_rule, sql) in RULES.items())
    columns = ", ".join(_q(c) for c in COUNTERS)
    totals = ", ".join(f"SUM(leaf.{_q(name)})" for name in COUNTERS)
    expand = (
        f"FROM leaf JOIN {_q(nodes)} n ON n.path = leaf.agency_path "
        "CROSS JOIN (SELECT 0 AS every UNION ALL SELECT 1) p "
    )
    keys = "n.node, CASE WHEN p.every = 0 THEN 0 ELSE leaf.procedure_id END, leaf.period_day"
    day_keys = keys.replace("leaf.period_day", "'d', leaf.period_day")
    where = "WHERE f.agency_path LIKE %s"
    node_where = "WHERE grain = 'd' AND node LIKE %s"
    like = [prefix.replace("%", r"\%").replace("_", r"\_") + "%"]
    if connection.vendor == "sqlite":
        where += " ESCAPE '\\'"
        node_where += " ESCAPE '\\'"
    month = _month_sql(_q("start"))
    # Day rows from the facts (summed per agency path, procedure and day first, then at each
    # node), then month rows from the day rows. Names are ours; the only values are
    # parameters.
    day_sql = (
        f"WITH leaf AS (SELECT f.agency_path, f.procedure_id, f.period_day, {sums} "  # noqa: S608
        f"FROM {_q(fact)} f {where} GROUP BY f.agency_path, f.procedure_id, f.period_day) "
        f"INSERT INTO {_q(rollup)} (node, procedure_id, grain, {_q('start')}, {columns}) "
        f"SELECT {day_keys}, {totals} "
        f"{expand} GROUP BY {keys}"
    )
    month_sql = (
        f"INSERT INTO {_q(rollup)} (node, procedure_id, grain, {_q('start')}, {columns}) "  # noqa: S608
        f"SELECT node, procedure_id, 'm', {month}, "
        f"{', '.join(f'SUM({_q(c)})' for c in COUNTERS)} FROM {_q(rollup)} {node_where} "
        f"GROUP BY node, procedure_id, {month}"
    )
    open_day_sql = (
        f"WITH leaf AS (SELECT f.agency_path, f.procedure_id, f.period_day, "  # noqa: S608
        f"COALESCE(f.due_day, %s) AS due_day, COUNT(*) AS n FROM {_q(fact)} f {where} "
        "AND f.state = 'open' GROUP BY 1, 2, 3, 4) "
        f"INSERT INTO {_q(opened)} (node, procedure_id, grain, {_q('start')}, due_day, "
        f"{_q('count')}) SELECT {day_keys}, "
        f"leaf.due_day, SUM(leaf.n) {expand} GROUP BY {keys}, leaf.due_day"
    )
    open_month_sql = (
        f"INSERT INTO {_q(opened)} (node, procedure_id, grain, {_q('start')}, due_day, "  # noqa: S608
        f"{_q('count')}) SELECT node, procedure_id, 'm', {month}, due_day, "
        f"SUM({_q('count')}) FROM {_q(opened)} {node_where} "
        f"GROUP BY node, procedure_id, {month}, due_day"
    )
    with connection.cursor() as cursor:
        cursor.execute(day_sql, like)
        cursor.execute(month_sql, like)
        cursor.execute(open_day_sql, [NO_DUE, *like])
        cursor.execute(open_month_sql, like)
        if connection.vendor == "postgresql":  # fresh planner statistics for the reads
            cursor.execute(f"ANALYZE {_q(rollup)}, {_q(opened)}")
    RollupNode.objects.all().delete()


def snapshot(model) -> dict[tuple, tuple]:
    """Every non-zero row of a counter table (tests compare rebuilt and incremental state)."""
    if model is Rollup:
        keys, columns = ("node", "procedure_id", "grain", "start"), COUNTERS
    else:
        keys, columns = ("node", "procedure_id", "grain", "start", "due_day"), ("count",)
    found = {}
    for row in model.objects.values_list(*keys, *columns):
        values = tuple(row[len(keys) :])
        if any(values):
            found[tuple(row[: len(keys)])] = values
    return found


def facts_rows(values: Iterable[FactValues]) -> list[DossierFact]:
    return [DossierFact(**v.as_fields()) for v in values]
