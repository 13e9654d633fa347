"""Candidate retrieval: the database finds procedures; Python ranks them (ranking.py).

PostgreSQL: a generated ``tsvector`` over ``unaccent`` text with a GIN index, and a trigram
index for misspelt words. SQLite: FTS5 tables holding the same folded text. Both return the
same kind of candidates so that ranking, done in Python, behaves the same on both.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from .query import Group

PG_FUNCTION = "motcua_unaccent"


@dataclass(slots=True)
class Candidate:
    procedure_id: int
    db_score: float
    source: str  # "all", "any" or "similar"


def _alternative_terms(group: Group) -> list[tuple[str, ...]]:
    return [alt for alt in group.alternatives if alt]


class PostgresBackend:
    vendor = "postgresql"

    def group_matches(self, groups: list[Group]) -> dict[int, list[int]]:
        """For each group (by index), the procedures it matches: one round trip."""
        parts, params = [], []
        for index, group in enumerate(groups):
            alts = [" & ".join(alt) for alt in _alternative_terms(group)]
            if not alts:
                continue
            parts.append(
                f"SELECT {index:d}, procedure_id FROM catalog_searchdocument "
                "WHERE search_vector @@ to_tsquery('simple', %s)"
            )
            params.append(" | ".join(f"({a})" for a in alts))
        return _collect(" UNION ALL ".join(parts), params)

    def similar(self, folded_text: str, limit: int) -> list[Candidate]:
        sql = (
            f"SELECT procedure_id, word_similarity(%s, {PG_FUNCTION}(name)) AS score "
            f"FROM catalog_searchdocument WHERE %s <%% {PG_FUNCTION}(name) "
            "ORDER BY score DESC, procedure_id LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [folded_text, folded_text, limit])
            return [Candidate(pid, float(score), "similar") for pid, score in cursor.fetchall()]

    def index(self, rows: list[tuple[int, str, str]]) -> None:
        """Nothing to do: the tsvector is a generated column of the document table."""

    def clear(self) -> None:
        """Nothing to do: deleting documents deletes their index entries."""


class SqliteBackend:
    vendor = "sqlite"
    FTS = "catalog_search_fts"
    TRIGRAM = "catalog_search_trigram"

    @staticmethod
    def _quote(token: str) -> str:
        return '"' + token.replace('"', "") + '"'

    def group_matches(self, groups: list[Group]) -> dict[int, list[int]]:
        parts, params = [], []
        for index, group in enumerate(groups):
            alts = [
                "(" + " AND ".join(self._quote(t) for t in alt) + ")"
                for alt in _alternative_terms(group)
            ]
            if not alts:
                continue
            parts.append(f"SELECT {index:d}, rowid FROM {self.FTS} WHERE {self.FTS} MATCH %s")
            params.append(" OR ".join(alts))
        return _collect(" UNION ALL ".join(parts), params)

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

    def index(self, rows: list[tuple[int, str, str, str]]) -> None:
        """(procedure_id, names_folded, keywords_folded, name_folded) rows, replacing old ones."""
        with connection.cursor() as cursor:
            ids = [(row[0],) for row in rows]
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

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.FTS}")
            cursor.execute(f"DELETE FROM {self.TRIGRAM}")


def _collect(sql: str, params: list[str]) -> dict[int, list[int]]:
    matches: dict[int, list[int]] = {}
    if not sql:
        return matches
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for index, procedure_id in cursor.fetchall():
            matches.setdefault(index, []).append(procedure_id)
    return matches


def get_backend() -> PostgresBackend | SqliteBackend:
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SqliteBackend()
    raise NotImplementedError(f"search is not available on {connection.vendor}")
