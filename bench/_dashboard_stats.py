"""The statistics of the dashboard benchmark's dossiers: one fact per dossier and the counter
tables.

The engine's own backfill (``motcua stats_backfill``: ``stats.facts.fact_for`` per dossier in
Python, then each dossier's increments) is timed on a sample and its rate reported; at ten
million dossiers it would take hours, so the facts are written here by one set-based
statement with the same rules, for what the synthetic dossiers hold (no documents, results,
payments, syncs or feedback: those facts are false). The one approximation is the working
time of a finished dossier (indicator 2.2, not scored): calendar time × 5/7 × 8/24 less the
supplement time, rather than the working calendar. The statement's facts are checked against
``fact_for`` on a sample. The counter tables are then recounted by the engine's own set-based
``stats.services.rebuild``, or by ``rebuild_staged`` (the same rows, checked equal on a small
dataset, in stages with the unique keys built after).
"""

# ruff: noqa: S608 - every statement is built from this file's constants and the engine's rules

from __future__ import annotations

import hashlib
import random
import time

from _dashboard_data import drop_schema, renice_backend, restore_schema, save_schema

FACTS = """
INSERT INTO stats_dossierfact (
    dossier_id, agency_path, province_id, procedure_id, period_day, status, state, finished,
    end_day, due_day, supplement_count, elapsed_seconds, online, fully_online,
    eligible_full_online, fee_procedure, fee_nonzero, paid_online, result_required,
    result_file, digitised, reused, store_linked, population_data, not_satisfied,
    has_feedback, unsatisfying, synced, updated_at
)
WITH fee AS (
    SELECT p.id AS procedure_id,
           coalesce(s.kind <> 'free' AND s.timing <> 'exempt', c.listed, false) AS fee_procedure,
           coalesce(s.kind <> 'free' AND s.timing <> 'exempt' AND s.amount > 0, c.amount,
                    false) AS fee_nonzero,
           jsonb_typeof(p.results) = 'array' AND jsonb_array_length(p.results) > 0
               AS result_required
    FROM catalog_procedure p
    LEFT JOIN LATERAL (
        SELECT kind, timing, amount FROM payments_feeschedule f
        WHERE f.procedure_id = p.id ORDER BY f.id LIMIT 1) s ON true
    LEFT JOIN LATERAL (
        -- the amount of the first online channel, or of any channel when none is online
        -- (payments.fees.fee_for)
        SELECT bool_or(fee_kind = 'amount') AS listed,
               CASE WHEN bool_or(channel = 'online') THEN (array_agg(
                        fee_kind = 'amount' AND coalesce(fee_amount, 0) > 0
                        ORDER BY position, id) FILTER (WHERE channel = 'online'))[1]
                    ELSE bool_or(fee_kind = 'amount' AND coalesce(fee_amount, 0) > 0)
               END AS amount
        FROM catalog_submissionchannel sc WHERE sc.procedure_id = p.id) c ON true
),
full_online AS (
    SELECT DISTINCT procedure_id, province_id FROM catalog_listing WHERE online_level = 'full'
),
ended AS (
    SELECT d.*,
           CASE WHEN d.finished_at IS NOT NULL THEN d.finished_at
                WHEN d.status = 7 AND d.withdrawn_at IS NOT NULL AND d.stage = ''
                THEN d.withdrawn_at
                WHEN d.status = 5 AND d.supplement_count = 1 THEN d.paused_at END AS ends
    FROM dossiers_dossier d
    WHERE d.status <> 0 AND d.id BETWEEN %(first)s AND %(last)s
    OFFSET 0
),
judged AS (
    SELECT e.*,
           (e.ends AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS end_day,
           (e.due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS due_day,
           CASE WHEN e.supplement_count > 1 THEN 'late'
                WHEN e.ends IS NULL THEN 'open'
                WHEN e.due_at IS NULL THEN 'on_time'
                WHEN (e.ends AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
                     < (e.due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date THEN 'early'
                WHEN (e.ends AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
                     = (e.due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date THEN 'on_time'
                ELSE 'late' END AS state,
           e.finished_at IS NOT NULL OR (e.status = 7 AND e.ends IS NOT NULL) AS finished
    FROM ended e
    OFFSET 0
)
SELECT j.id, j.agency_path, j.province_id, j.procedure_id,
       (coalesce(j.received_at, j.submitted_at) AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
       j.status, j.state, j.finished, j.end_day, j.due_day, j.supplement_count,
       CASE WHEN j.finished AND j.received_at IS NOT NULL THEN greatest(0,
           (extract(epoch FROM j.ends - j.received_at) * 5 / 7 * 8 / 24)::bigint
           - j.paused_seconds) ELSE 0 END,
       j.channel = 2, j.channel = 2 AND fo.procedure_id IS NOT NULL,
       fo.procedure_id IS NOT NULL, fee.fee_procedure, fee.fee_procedure AND fee.fee_nonzero,
       false, fee.result_required, false, false, false, false, false, false, false,
       j.state = 'late', false, now()
FROM judged j
JOIN fee ON fee.procedure_id = j.procedure_id
LEFT JOIN full_online fo
    ON fo.procedure_id = j.procedure_id AND fo.province_id = j.province_id
"""

#: Compared with ``fact_for`` (elapsed_seconds is approximated here).
COMPARED = (
    "agency_path", "province_id", "procedure_id", "period_day", "status", "state", "finished",
    "end_day", "due_day", "supplement_count", "online", "fully_online",
    "eligible_full_online", "fee_procedure", "fee_nonzero", "result_required", "digitised",
    "unsatisfying",
)  # fmt: skip


def fingerprint() -> str:
    """The engine's stored shape (the fields of facts and counters) and counter rules: when
    either changes, the stored figures are stale."""
    from motcua.stats.models import DossierFact, OpenRollup, Rollup
    from motcua.stats.rollups import RULES

    digest = hashlib.sha256()
    for model in (DossierFact, Rollup, OpenRollup):
        digest.update(repr([f.column for f in model._meta.concrete_fields]).encode())
    digest.update(repr([(name, sql) for name, (_rule, sql) in RULES.items()]).encode())
    return digest.hexdigest()[:16]


def stored(cursor, dataset_at) -> dict | None:
    cursor.execute("SELECT to_regclass('bench_dash_stats') IS NOT NULL")
    if not cursor.fetchone()[0]:
        return None
    cursor.execute(
        "SELECT facts_seconds, rebuild_seconds, backfill_rate FROM bench_dash_stats"
        " WHERE dataset_at = %s AND engine = %s",
        [dataset_at, fingerprint()],
    )
    row = cursor.fetchone()
    if row is None:
        return None
    return {"facts_seconds": row[0], "rebuild_seconds": row[1], "backfill_rate": row[2]}


def time_backfill(sample: int, say) -> float:
    """The engine's backfill rate (dossiers a second) over ``sample`` random dossiers."""
    from django.db import connection

    from motcua.stats import services

    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM dossiers_dossier")
        top = cursor.fetchone()[0]
    rng = random.Random(7)
    ids = sorted(rng.sample(range(1, top + 1), sample))
    started = time.monotonic()
    for at in range(0, len(ids), 1000):  # the command's batch
        services.refresh(ids[at : at + 1000])
    seconds = time.monotonic() - started
    rate = sample / seconds
    say(
        f"engine backfill (stats_backfill): {sample:,} dossiers in {seconds:.1f} s,"
        f" {rate:,.0f} dossiers/s → {top / rate / 3600:.1f} h for {top:,}"
    )
    return rate


def check_sample(sample: int, say) -> int:
    """Facts of the statement against ``fact_for`` on random dossiers; prints and returns the
    number of differing dossiers."""
    from motcua.stats import facts
    from motcua.stats.models import DossierFact

    rows = list(DossierFact.objects.order_by("?")[:sample])
    computed = facts.compute(list(facts.dossiers_for_facts().filter(pk__in=[r.pk for r in rows])))
    differing: dict[str, int] = {}
    bad = 0
    for row in rows:
        expected = computed[row.pk]
        fields = [f for f in COMPARED if getattr(row, f) != getattr(expected, f)]
        bad += bool(fields)
        for name in fields:
            differing[name] = differing.get(name, 0) + 1
    say(
        f"facts checked against fact_for on {len(rows):,} dossiers: {bad} differ"
        + (f" ({differing})" if differing else "")
    )
    return bad


def fill(dataset_at, *, say=print, sample: int = 1000, staged: bool = False) -> dict:
    """Facts and counters of the stored dossiers (reused when already computed by the same
    engine for the same dataset)."""
    from django.db import connection

    from motcua.stats import services

    with connection.cursor() as cursor:
        found = stored(cursor, dataset_at)
    if found:
        say(
            f"reusing the stored facts and counters (facts {found['facts_seconds']:.0f} s,"
            f" rebuild {found['rebuild_seconds']:.0f} s)"
        )
        return found
    rate = time_backfill(sample, say)
    started = time.monotonic()
    with connection.cursor() as cursor:
        renice_backend(cursor)
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET jit = off")
        cursor.execute("SET max_parallel_workers_per_gather = 0")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("SET work_mem = '256MB'")
        cursor.execute("TRUNCATE stats_dossierfact")
        save_schema(cursor, "stats_dossierfact")
        drop_schema(cursor, "stats_dossierfact")
        cursor.execute("SELECT max(id) FROM dossiers_dossier")
        top = cursor.fetchone()[0] or 0
        step = 2_000_000
        for first in range(1, top + 1, step):
            cursor.execute(FACTS, {"first": first, "last": first + step - 1})
            done = min(top, first + step - 1)
            say(f"  facts to dossier {done:,}: {time.monotonic() - started:.0f} s")
        restore_schema(cursor, "stats_dossierfact", say)
        cursor.execute("VACUUM ANALYZE stats_dossierfact")
    facts_seconds = time.monotonic() - started
    say(f"facts (set-based, bench): {facts_seconds:.0f} s")
    check_sample(2000, say)
    started = time.monotonic()
    if staged:
        rebuild_staged(say)
    else:
        with connection.cursor() as cursor:
            renice_backend(cursor)
            cursor.execute("SET work_mem = '256MB'")
            cursor.execute("SET jit = off")
        services.rebuild("")
    with connection.cursor() as cursor:
        cursor.execute("RESET work_mem")
        cursor.execute("VACUUM ANALYZE stats_rollup")
        cursor.execute("VACUUM ANALYZE stats_openrollup")
        cursor.execute("SELECT count(*) FROM stats_rollup")
        rollups = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM stats_openrollup")
        opened = cursor.fetchone()[0]
    rebuild_seconds = time.monotonic() - started
    how = "staged in the benchmark" if staged else "engine's stats_rebuild, set-based"
    say(
        f"counters ({how}): {rebuild_seconds:.0f} s,"
        f" {rollups:,} rollup rows, {opened:,} open-rollup rows"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_dash_stats (dataset_at timestamptz, engine text,"
            " facts_seconds float8, rebuild_seconds float8, backfill_rate float8)"
        )
        cursor.execute("DELETE FROM bench_dash_stats")
        cursor.execute(
            "INSERT INTO bench_dash_stats VALUES (%s, %s, %s, %s, %s)",
            [dataset_at, fingerprint(), facts_seconds, rebuild_seconds, rate],
        )
    return {"facts_seconds": facts_seconds, "rebuild_seconds": rebuild_seconds,
            "backfill_rate": rate}  # fmt: skip


def rebuild_staged(say=print, *, nice: bool = True) -> None:
    """The counters recounted from the facts as ``stats.rollups.rebuild`` does (the same rows),
    in stages for ten million facts: the (path, procedure, day) sums first, months and
    all-procedure rows from those, each ancestor node from them, the tables' unique keys
    dropped while rows go in and built after."""
    from django.db import connection

    from motcua.stats.models import COUNTERS
    from motcua.stats.rollups import NO_DUE, RULES, nodes_of

    def q(name: str) -> str:
        return connection.ops.quote_name(name)

    started = time.monotonic()
    sums = ", ".join(f"SUM({sql}) AS {q(name)}" for name, (_rule, sql) in RULES.items())
    resum = ", ".join(f"SUM(t.{q(c)}) AS {q(c)}" for c in COUNTERS)
    columns = ", ".join(q(c) for c in COUNTERS)
    month = "CAST(date_trunc('month', t.start) AS date)"
    with connection.cursor() as cursor:
        if nice:
            renice_backend(cursor)
        for setting in (
            "synchronous_commit = off",
            "jit = off",
            "work_mem = '512MB'",
            "maintenance_work_mem = '1GB'",
            "max_parallel_workers_per_gather = 0",
        ):
            cursor.execute(f"SET {setting}")  # fmt: skip
        cursor.execute("TRUNCATE stats_rollup, stats_openrollup")
        for table in ("stats_rollup", "stats_openrollup"):
            save_schema(cursor, table)
            drop_schema(cursor, table)
        cursor.execute("DROP TABLE IF EXISTS bench_dash_nodes, bench_dash_l1, bench_dash_l2,"
                       " bench_dash_l3, bench_dash_l4")  # fmt: skip
        cursor.execute("CREATE UNLOGGED TABLE bench_dash_nodes (path text, node text, own bool)")
        cursor.execute("SELECT DISTINCT agency_path FROM stats_dossierfact")
        pairs = [(p, n, n == p) for (p,) in cursor.fetchall() for n in nodes_of(p)]
        cursor.executemany("INSERT INTO bench_dash_nodes VALUES (%s, %s, %s)", pairs)
        cursor.execute("ANALYZE bench_dash_nodes")
        l1 = (
            "SELECT f.agency_path AS path, f.procedure_id, 'd'::text AS grain,"
            f" f.period_day AS start, {sums} FROM stats_dossierfact f GROUP BY 1, 2, 4"
        )
        l2 = (
            f"SELECT t.path, t.procedure_id, 'm'::text AS grain, {month} AS start, {resum}"
            " FROM bench_dash_l1 t GROUP BY 1, 2, 4"
        )
        l3 = (
            f"SELECT t.path, 0 AS procedure_id, 'd'::text AS grain, t.start, {resum}"
            " FROM bench_dash_l1 t GROUP BY 1, 4"
        )
        l4 = (
            f"SELECT t.path, 0 AS procedure_id, 'm'::text AS grain, {month} AS start, {resum}"
            " FROM bench_dash_l3 t GROUP BY 1, 4"
        )
        stages = (("bench_dash_l1", l1), ("bench_dash_l2", l2), ("bench_dash_l3", l3),
                  ("bench_dash_l4", l4))  # fmt: skip
        keys = "procedure_id, grain, start"
        for table, select in stages:
            cursor.execute(f"CREATE UNLOGGED TABLE {table} AS {select}")
            # The path's own node, where no other path adds to it: the rows as they are.
            cursor.execute(
                f"INSERT INTO stats_rollup (node, {keys}, {columns})"
                f" SELECT t.path, t.{keys.replace(', ', ', t.')}, {columns} FROM {table} t"
                " WHERE EXISTS (SELECT 1 FROM bench_dash_nodes o"
                "               WHERE o.path = t.path AND o.own)"
                " AND NOT EXISTS (SELECT 1 FROM bench_dash_nodes a"
                "                 WHERE a.node = t.path AND NOT a.own)"
            )
            # Every other node: summed over the paths under it (and its own path's rows).
            cursor.execute(
                f"INSERT INTO stats_rollup (node, {keys}, {columns})"
                f" SELECT n.node, t.{keys.replace(', ', ', t.')}, {resum}"
                f" FROM {table} t JOIN bench_dash_nodes n ON n.path = t.path"
                " WHERE NOT n.own OR EXISTS (SELECT 1 FROM bench_dash_nodes a"
                "                            WHERE a.node = t.path AND NOT a.own)"
                " GROUP BY n.node, t.procedure_id, t.grain, t.start"
            )
            say(f"  counters {table[-2:]}: {time.monotonic() - started:.0f} s")
        expand = (
            "FROM leaf JOIN bench_dash_nodes n ON n.path = leaf.agency_path "
            "CROSS JOIN (SELECT 0 AS every UNION ALL SELECT 1) p "
            "CROSS JOIN (SELECT 'd' AS grain UNION ALL SELECT 'm') g "
        )
        okeys = (
            "n.node, CASE WHEN p.every = 0 THEN 0 ELSE leaf.procedure_id END, g.grain, "
            "CASE WHEN g.grain = 'd' THEN leaf.period_day "
            "ELSE CAST(date_trunc('month', leaf.period_day) AS date) END"
        )
        cursor.execute(
            "WITH leaf AS (SELECT f.agency_path, f.procedure_id, f.period_day,"
            " COALESCE(f.due_day, %s) AS due_day, COUNT(*) AS n FROM stats_dossierfact f"
            " WHERE f.state = 'open' GROUP BY 1, 2, 3, 4)"
            f" INSERT INTO stats_openrollup (node, {keys}, due_day, {q('count')})"
            f" SELECT {okeys}, leaf.due_day, SUM(leaf.n) {expand} GROUP BY {okeys}, leaf.due_day",
            [NO_DUE],
        )
        cursor.execute("DROP TABLE bench_dash_nodes, bench_dash_l1, bench_dash_l2,"
                       " bench_dash_l3, bench_dash_l4")  # fmt: skip
        for table in ("stats_rollup", "stats_openrollup"):
            restore_schema(cursor, table, say)
    say(f"  counters staged: {time.monotonic() - started:.0f} s")
