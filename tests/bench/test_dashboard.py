"""The dashboard benchmark's shortcuts give what the engine gives: its generated dossiers are
valid filed dossiers, its set-based facts equal ``stats.facts.fact_for`` and its staged
counters equal ``stats.rollups.rebuild`` (PostgreSQL only: the statements are PostgreSQL's).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.db import connection

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import _dashboard_data
import _dashboard_stats

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the benchmark's statements are PostgreSQL's"
    ),
]

FIRST, COUNT = 50_000_001, 3000


@pytest.fixture
def generated():
    from motcua.accounts.models import User
    from motcua.catalog.models import Procedure
    from motcua.dossiers.models import Dossier
    from motcua.forms.selectors import form_for
    from motcua.units.models import Province

    owner = User.objects.create(username="bench-dash-owner")
    form = form_for(Procedure.objects.get(code="1.001193"), Province.objects.get(code="68"))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        _dashboard_data.build_reference(cursor, owner.pk, form.pk)
        cursor.execute("SELECT setseed(0.5)")
        cursor.execute(_dashboard_data.INSERT, {"first": FIRST, "last": FIRST + COUNT - 1})
        cursor.execute(_dashboard_stats.FACTS, {"first": FIRST, "last": FIRST + COUNT - 1})
    return Dossier.objects.filter(pk__gte=FIRST)


def test_generated_dossiers_are_filed_and_spread_like_the_population(generated):
    from django.db.models import Count

    from motcua.dossiers.models import OPEN_STATUSES

    assert generated.count() == COUNT
    assert not generated.filter(code__isnull=True).exists()
    assert not generated.filter(status=0).exists()
    by_province = dict(
        generated.values_list("province__code")
        .annotate(n=Count("id"))
        .values_list("province__code", "n")
    )
    # Hồ Chí Minh City (14 % of the people) files several times what Lai Châu (0.5 %) does.
    assert by_province["79"] > 5 * by_province.get("12", 0)
    assert by_province[None] > 0  # the ministries' units
    assert generated.filter(status__in=OPEN_STATUSES).exists()
    assert generated.filter(status=10, returned_at__isnull=False).exists()
    assert generated.filter(supplement_count__gt=1, timing_legal="late").exists()
    finished = generated.filter(finished_at__isnull=False)
    assert not finished.filter(timing_legal="").exists()
    assert not generated.filter(finished_at__isnull=True, status__in=(3, 8, 9, 10)).exists()


def test_set_based_facts_equal_the_engines(generated):
    from motcua.stats import facts
    from motcua.stats.models import DossierFact

    stored = {row.pk: row for row in DossierFact.objects.filter(pk__gte=FIRST)}
    computed = facts.compute(list(facts.dossiers_for_facts().filter(pk__gte=FIRST)))
    assert set(stored) == set(computed)
    differing = [
        (pk, name)
        for pk, expected in computed.items()
        for name in _dashboard_stats.COMPARED
        if getattr(stored[pk], name) != getattr(expected, name)
    ]
    assert differing == []


def test_staged_counters_equal_the_engines_rebuild(generated):
    from motcua.stats import rollups
    from motcua.stats.models import OpenRollup, Rollup

    rollups.rebuild("")
    expected = rollups.snapshot(Rollup), rollups.snapshot(OpenRollup)
    assert expected[0]
    assert expected[1]
    _dashboard_stats.rebuild_staged(say=lambda line: None, nice=False)
    assert (rollups.snapshot(Rollup), rollups.snapshot(OpenRollup)) == expected
    # The unique keys are back.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE conname IN"
            " ('stats_rollup_key', 'stats_open_rollup_key')"
        )
        assert cursor.fetchone()[0] == 2
