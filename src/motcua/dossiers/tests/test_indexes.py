"""The keys most dossiers leave empty are indexed only where set, and still found by index."""

from __future__ import annotations

import pytest
from django.db import connection

from motcua.dossiers.models import SPARSE_KEYS, Dossier

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner"),
]


@pytest.mark.parametrize(("key", "name"), SPARSE_KEYS)
def test_a_sparse_key_is_found_through_its_partial_index(key, name):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is small enough to scan
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s", [f"dossier_{name}_idx"]
        )
        (definition,) = cursor.fetchone()
    assert "IS NOT NULL" in definition  # a dossier without it writes no entry
    plan = Dossier.objects.filter(**{f"{key}_id": 7}).explain()
    assert f"dossier_{name}_idx" in plan
