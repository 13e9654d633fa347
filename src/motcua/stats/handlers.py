"""Outbox subscriber ``stats.refresh``: every event of a dossier (its status, result, rating,
feedback) and every payment event brings that dossier's fact and counters up to date.

One subscriber for all these topics, so the outbox hands it a dossier's events in order.
Idempotent: the fact is recomputed from the dossier as it is now, and only the difference
with the stored fact is added to the counters.
"""

from __future__ import annotations

import uuid

from motcua.core.outbox import handler
from motcua.dossiers.models import Dossier

from . import services

SUBSCRIBER = "stats.refresh"


def _dossier_id(event) -> int | None:
    if event.aggregate_type == "payments.payment":
        from motcua.payments.models import Payment

        found = Payment.objects.filter(public_id=_uuid(event.aggregate_id)).values_list(
            "dossier_id", flat=True
        )
        return found.first() if _uuid(event.aggregate_id) else None
    if event.aggregate_type == Dossier._meta.label_lower and _uuid(event.aggregate_id):
        found = Dossier.objects.filter(public_id=event.aggregate_id).values_list("pk", flat=True)
        pk = found.first()
        if pk is not None:
            return pk
    code = (event.payload or {}).get("code")
    if code:
        return Dossier.objects.filter(code=code).values_list("pk", flat=True).first()
    return None


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def refresh_figures(event) -> None:
    pk = _dossier_id(event)
    if pk is not None:
        services.refresh([pk])


for _topic in ("dossier.*", "payment.*"):
    handler(_topic, name=SUBSCRIBER)(refresh_figures)
