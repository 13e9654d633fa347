"""On PostgreSQL, parameters are bound by the server and what a connection repeats is prepared:
parsed and planned once, not on every request."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's binding"),
]

PROBE = "SELECT %s::int + 1 AS prepared_probe"


def _prepared_probes() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [text for (text,) in cursor.fetchall() if "prepared_probe" in text]


def _run_probe(times: int) -> None:
    with connection.cursor() as cursor:
        for value in range(times):
            cursor.execute(PROBE, [value])
            assert cursor.fetchone() == (value + 1,)


def test_a_statement_a_connection_repeats_is_prepared_once_on_the_server():
    _run_probe(1)
    assert _prepared_probes() == []  # run once: parsed and planned, not kept
    _run_probe(10)
    (statement,) = _prepared_probes()  # kept once, however often it runs
    assert "$1" in statement  # the value sent apart from the text, never quoted into it
