"""The one write path of the statistics: a dossier's fact brought up to date with the
counters it feeds, in one transaction (the outbox subscriber, the backfill, the rebuild)."""

from __future__ import annotations

import structlog
from django.db import transaction

from motcua.core import audit
from motcua.dossiers.models import Dossier

from . import facts, rollups
from .facts import FactValues
from .models import DossierFact

log = structlog.get_logger(__name__)


@transaction.atomic
def refresh(dossier_ids: list[int]) -> int:
    """Recompute the facts of these dossiers, and apply to the counters the difference with
    the stored facts (locked first). A dossier whose figures did not change writes nothing,
    so a redelivered event changes nothing. Returns how many facts changed."""
    ids = sorted(set(dossier_ids))
    stored = {
        row.pk: FactValues.from_row(row)
        for row in DossierFact.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    }
    dossiers = list(facts.dossiers_for_facts().filter(pk__in=ids))
    computed = facts.compute(dossiers)
    changed = 0
    for pk in ids:
        old, new = stored.get(pk), computed.get(pk)
        if old == new:
            continue
        rows, opened = rollups.delta(old, new)
        rollups.apply(rows, opened)
        if new is None:
            DossierFact.objects.filter(pk=pk).delete()
        elif old is None:
            DossierFact.objects.create(dossier_id=pk, **new.as_fields())
        else:
            DossierFact.objects.filter(pk=pk).update(**new.as_fields())
        changed += 1
    return changed


def refresh_dossier(dossier: Dossier | int) -> int:
    return refresh([dossier if isinstance(dossier, int) else dossier.pk])


def backfill(*, batch: int = 1000, only_missing: bool = False, actor=None) -> int:
    """Bring every filed dossier's fact up to date (installation, or after a change of the
    rules), batch after batch, each batch one transaction. Returns how many facts changed."""
    query = Dossier.objects.filed().order_by("pk")
    if only_missing:
        query = query.filter(stat_fact__isnull=True)
    ids = list(query.values_list("pk", flat=True))
    changed = 0
    for at in range(0, len(ids), batch):
        changed += refresh(ids[at : at + batch])
    with transaction.atomic():
        audit.record("stats_facts_backfilled", actor=actor, dossiers=len(ids), changed=changed)
    log.info("stats.backfilled", dossiers=len(ids), changed=changed)
    return changed


def refresh_synced(*, batch: int = 1000) -> int:
    """Catch up the facts whose dossier has been pushed to the national portal since its last
    event (the push is a sibling subscriber of the same events, so the flag can lag one
    event behind). Run every few minutes (``motcua stats_backfill --sync``)."""
    from motcua.integrations.portal.models import DossierSync

    pushed = DossierSync.objects.filter(last_pushed_at__isnull=False).values("dossier_id")
    ids = list(DossierFact.objects.filter(synced=False, pk__in=pushed).values_list("pk", flat=True))
    return sum(refresh(ids[at : at + batch]) for at in range(0, len(ids), batch))


def rebuild(prefix: str = "", *, actor=None) -> None:
    """Recount the counter tables from the facts (set-based), audited."""
    rollups.rebuild(prefix)
    with transaction.atomic():
        audit.record("stats_rebuilt", actor=actor, node=prefix or "*")
    log.info("stats.rebuilt", node=prefix or "*")
