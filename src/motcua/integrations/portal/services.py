"""The sync's write paths: pushing a dossier for an outbox event, the nightly reconciliation,
asking for a dossier to be pushed again; and what administrators read of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import structlog
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from motcua.core import audit, outbox
from motcua.core.models import Delivery
from motcua.dossiers.models import Dossier

from . import payload
from .base import PortalSyncError
from .models import DossierSync, Reconciliation, ReconciliationItem
from .registry import get_sync

log = structlog.get_logger(__name__)

#: Emitted to push a dossier again (after a reconciliation found it different).
RESYNC_TOPIC = "portal.resync"
DOSSIER_TYPE = Dossier._meta.label_lower


def push_event(event) -> str:
    """Push the dossier of ``event`` and the step it reports; returns what happened
    ("created", "updated", "skipped", "disabled"). Raises :class:`PortalSyncError` when the
    portal did not take it: nothing is recorded then, and the outbox tries again."""
    sync = get_sync()
    if not sync.enabled:
        return "disabled"
    dossier = payload.load(event.aggregate_id) if event.aggregate_type == DOSSIER_TYPE else None
    if dossier is None:
        log.info("portal_sync.skipped", topic=event.topic, reason="no_dossier")
        return "skipped"
    state = DossierSync.objects.filter(dossier=dossier).first() or DossierSync(dossier=dossier)
    key = str(event.id)
    outcome = sync.push_dossier(
        payload.dossier_record(dossier), key=key, known=state.created_remotely_at is not None
    )
    entry = payload.progress_entry(dossier, event)
    if entry is not None:
        sync.push_progress(entry, key=key)
    now = timezone.now()
    state.created_remotely_at = state.created_remotely_at or now
    state.last_status = dossier.status
    state.last_pushed_at = now
    state.last_event_id = event.id
    state.last_topic = event.topic
    state.pushes += 1
    state.save()
    audit.record(
        "portal_sync_pushed", obj=dossier, code=dossier.code, topic=event.topic, sync=sync.id
    )
    log.info(
        "portal_sync.pushed",
        code=dossier.code,
        topic=event.topic,
        status=dossier.status,
        outcome=outcome,
    )
    return outcome


# --- What administrators read -----------------------------------------------------------------


def _subscriber() -> str:
    from .handlers import SUBSCRIBER

    return SUBSCRIBER


def pending_deliveries():
    """The sync's deliveries not yet made (failing ones have ``attempts`` > 0)."""
    return Delivery.objects.filter(subscriber=_subscriber(), delivered_at__isnull=True)


def failing(limit: int = 50) -> list[dict]:
    """The dossiers whose push keeps failing, with the last error, oldest first."""
    rows = (
        pending_deliveries()
        .filter(attempts__gt=0)
        .order_by("id")
        .values("aggregate", "attempts", "last_error", "last_attempt_at", "event__topic")[:limit]
    )
    failures = []
    for row in rows:
        public_id = row["aggregate"].partition(":")[2]
        code = Dossier.objects.filter(public_id=public_id).values_list("code", flat=True).first()
        failures.append({**row, "code": code or public_id})
    return failures


def last_error_of(dossier: Dossier) -> str:
    """The last error of a push of this dossier still waiting (or "")."""
    row = (
        pending_deliveries()
        .filter(aggregate=f"{DOSSIER_TYPE}:{dossier.public_id}", attempts__gt=0)
        .order_by("id")
        .values_list("last_error", flat=True)
        .first()
    )
    return row or ""


@dataclass(frozen=True)
class Summary:
    plugin: str
    label: str
    problems: list[str]
    synced: int
    pending: int
    failing: int
    last_report: Reconciliation | None


def summary() -> Summary:
    from .registry import check_config

    sync = get_sync()
    pending = pending_deliveries()
    return Summary(
        plugin=sync.id,
        label=sync.label,
        problems=check_config(),
        synced=DossierSync.objects.filter(last_pushed_at__isnull=False).count(),
        pending=pending.count(),
        failing=pending.filter(attempts__gt=0).count(),
        last_report=Reconciliation.objects.order_by("-started_at").first(),
    )


# --- Reconciliation --------------------------------------------------------------------------


def reconcile(*, days: float | None = None, now=None, resync: bool = False) -> Reconciliation:
    """Look up at the portal every filed dossier changed in the last ``days`` (default
    ``MOTCUA_PORTAL_SYNC_RECONCILE_DAYS``) and store a report of those it does not hold or
    holds with another status. ``resync``: push those again (through the outbox)."""
    sync = get_sync()
    now = now or timezone.now()
    days = float(days if days is not None else settings.MOTCUA_PORTAL_SYNC_RECONCILE_DAYS)
    report = Reconciliation.objects.create(
        started_at=now, since=now - timedelta(days=days), plugin=sync.id
    )
    if not sync.enabled:
        report.error = "Đồng bộ Cổng DVC quốc gia đang tắt (MOTCUA_PORTAL_SYNC=disabled)."
        report.finished_at = timezone.now()
        report.save()
        return report
    dossiers = list(
        Dossier.objects.filed()
        .filter(updated_at__gte=report.since, code__isnull=False)
        .only("pk", "public_id", "code", "status")
        .order_by("code")
    )
    try:
        remote = sync.look_up([d.code for d in dossiers])
    except PortalSyncError as error:
        report.error = f"{error.reason_vi} ({error})"[:500]
        report.finished_at = timezone.now()
        report.save()
        log.warning("portal_sync.reconcile_failed", code=error.code)
        return report
    waiting = set(pending_deliveries().values_list("aggregate", flat=True))
    items = []
    Kind = ReconciliationItem.Kind
    for dossier in dossiers:
        held = remote.get(dossier.code)
        remote_status = str(held.get("TrangThaiHoSo", "")) if held else ""
        DossierSync.objects.update_or_create(
            dossier=dossier, defaults={"remote_status": remote_status, "checked_at": now}
        )
        if held is not None and remote_status == str(dossier.status):
            continue
        items.append(
            ReconciliationItem(
                report=report,
                dossier=dossier,
                code=dossier.code,
                kind=Kind.MISSING if held is None else Kind.DIFFERS,
                local_status=dossier.status,
                remote_status=remote_status,
                push_pending=f"{DOSSIER_TYPE}:{dossier.public_id}" in waiting,
            )
        )
    ReconciliationItem.objects.bulk_create(items)
    report.checked = len(dossiers)
    report.missing = sum(1 for i in items if i.kind == ReconciliationItem.Kind.MISSING)
    report.differing = len(items) - report.missing
    report.finished_at = timezone.now()
    report.save()
    audit.record(
        "portal_sync_reconciled",
        obj=report,
        checked=report.checked,
        missing=report.missing,
        differing=report.differing,
    )
    log.info(
        "portal_sync.reconciled",
        checked=report.checked,
        missing=report.missing,
        differing=report.differing,
    )
    if resync:
        request_resync([i.dossier for i in items if not i.push_pending], reason="reconciliation")
    return report


@transaction.atomic
def request_resync(dossiers, *, actor=None, reason: str = "admin") -> int:
    """Push these dossiers again as they are now (one outbox event each)."""
    count = 0
    for dossier in dossiers:
        if dossier is None or not dossier.code:
            continue
        audit.record("portal_sync_resync", actor=actor, obj=dossier, code=dossier.code, why=reason)
        outbox.emit(RESYNC_TOPIC, aggregate=dossier, code=dossier.code, reason=reason)
        count += 1
    return count
