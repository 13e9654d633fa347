"""Candidate retrieval: the database finds procedures; Python ranks them (ranking.py).

PostgreSQL: a generated ``tsvector`` over ``unaccent`` text with a GIN index, and a trigram
index for misspelt words. SQLite: FTS5 tables holding the same folded text. Both return the
same kind of candidates so that ranking, done in Python, behaves the same on both.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction

from .query import Group

PG_FUNCTION = "motcua_unaccent"


@dataclass(slots=True)
class Candidate:
    procedure_id: int
    db_score: float
    source: str  # "group" (shortlist) or "similar" (trigram fallback)


def _alternative_terms(group: Group) -> list[tuple[str, ...]]:
    return [alt for alt in group.alternatives if alt]


class PostgresBackend:
    vendor = "postgresql"

    def group_condition(self, alternatives: list[tuple[str, ...]]) -> tuple[str, str]:
        """SQL selecting the procedures that match any of ``alternatives``, and its parameter."""
        query = " | ".join("(" + " & ".join(alt) + ")" for alt in alternatives)
        return (
            "SELECT procedure_id AS pid FROM catalog_searchdocument "
            "WHERE search_vector @@ to_tsquery('simple', %s)",
            query,
        )

    def shortlist(self, groups, weights, informative, limit) -> list[tuple[int, float]]:
        # A few thousand rows: parallel workers cost more to start than they save.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            return _shortlist(self, groups, weights, informative, limit)

    def analyse(self) -> None:
        """Fresh planner statistics after a bulk load."""
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE catalog_searchdocument")
            cursor.execute("ANALYZE catalog_entry")

    def maintain(self) -> None:
        """Reclaim rows an import replaced; outside any transaction (VACUUM needs that)."""
        if connection.in_atomic_block:
            return
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE catalog_searchdocument")
            cursor.execute("VACUUM ANALYZE catalog_entry")

    def similar(self, folded_text: str, limit: int) -> list[Candidate]:
        sql = (
            f"SELECT procedure_id, word_similarity(%s, {PG_FUNCTION}(name)) AS score "
            f"FROM catalog_searchdocument WHERE %s <%% {PG_FUNCTION}(name) "
            "ORDER BY score DESC, procedure_id LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [folded_text, folded_text, limit])
            return [Candidate(pid, float(score), "similar") for pid, score in cursor.fetchall()]

    def index(self, rows: list[tuple[int, str, str, str]], removed: list[int]) -> None:
        """Nothing to do: the tsvector is a generated column of the document table."""


class SqliteBackend:
    vendor = "sqlite"
    FTS = "catalog_search_fts"
    TRIGRAM = "catalog_search_trigram"

    @staticmethod
    def _quote(token: str) -> str:
        return '"' + token.replace('"', "") + '"'

    def group_condition(self, alternatives: list[tuple[str, ...]]) -> tuple[str, str]:
        match = " OR ".join(
            "(" + " AND ".join(self._quote(t) for t in alt) + ")" for alt in alternatives
        )
        return f"SELECT rowid AS pid FROM {self.FTS} WHERE {self.FTS} MATCH %s", match

    def shortlist(self, groups, weights, informative, limit) -> list[tuple[int, float]]:
        return _shortlist(self, groups, weights, informative, limit)

    def analyse(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def maintain(self) -> None:
        """Nothing to reclaim: SQLite reuses freed pages."""

    def similar(self, folded_text: str, limit: int) -> list[Candidate]:
        grams = {
            folded_text[i : i + 3]
            for i in range(len(folded_text) - 2)
            if " " not in folded_text[i : i + 3]
        }
        if not grams:
            return []
        match = " OR ".join(self._quote(g) for g in sorted(grams))
        sql = (
            f"SELECT rowid, -bm25({self.TRIGRAM}) AS score FROM {self.TRIGRAM} "
            f"WHERE {self.TRIGRAM} MATCH %s ORDER BY score DESC, rowid LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [match, limit])
            return [Candidate(pid, float(score), "similar") for pid, score in cursor.fetchall()]

    def index(self, rows: list[tuple[int, str, str, str]], removed: list[int]) -> None:
        """(procedure_id, names_folded, keywords_folded, name_folded) rows, replacing old ones."""
        with connection.cursor() as cursor:
            ids = [(row[0],) for row in rows] + [(pid,) for pid in removed]
            cursor.executemany(f"DELETE FROM {self.FTS} WHERE rowid = %s", ids)
            cursor.executemany(f"DELETE FROM {self.TRIGRAM} WHERE rowid = %s", ids)
            cursor.executemany(
                f"INSERT INTO {self.FTS}(rowid, names, keywords) VALUES (%s, %s, %s)",
                [(pid, names, keywords) for pid, names, keywords, _ in rows],
            )
            cursor.executemany(
                f"INSERT INTO {self.TRIGRAM}(rowid, name) VALUES (%s, %s)",
                [(pid, name) for pid, _, _, name in rows],
            )


def _shortlist(
    backend, groups: list[Group], weights: list[float], informative: list[bool], limit: int
) -> list[tuple[int, float]]:
    """The ``limit`` procedures with the greatest total weight of matched groups, among those
    matching every group or at least one informative group; ties by id. Computed by the
    database in one statement from per-group matches, the same way on every engine."""
    parts, params = [], []
    for group, weight, useful in zip(groups, weights, informative, strict=True):
        alternatives = _alternative_terms(group)
        if not alternatives:
            continue
        condition, param = backend.group_condition(alternatives)
        parts.append(f"SELECT pid, CAST(%s AS NUMERIC) AS w, %s AS useful FROM ({condition}) g")
        params.extend([round(weight, 6), 1 if useful else 0, param])
    if not parts:
        return []
    sql = (
        "SELECT pid, ROUND(SUM(w), 6) AS total FROM ("
        + " UNION ALL ".join(parts)
        + ") m GROUP BY pid HAVING COUNT(*) = %s OR MAX(useful) = 1 "
        "ORDER BY total DESC, pid LIMIT %s"
    )
    params.extend([len(parts), limit])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(pid, float(total)) for pid, total in cursor.fetchall()]


def get_backend() -> PostgresBackend | SqliteBackend:
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SqliteBackend()
    raise NotImplementedError(f"search is not available on {connection.vendor}")
