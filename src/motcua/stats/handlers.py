"""Outbox subscriber ``stats.refresh``: every event of a dossier (its status, result, rating,
feedback) and every payment event brings that dossier's fact and counters up to date.

One subscriber for all these topics, so the outbox hands it a dossier's events in order.
Idempotent: the fact is recomputed from the dossier as it is now, and only the difference
with the stored fact is added to the counters.

``stats.feedback``: an event of a feedback item (PAKN) makes the remembered figures of its
agency (and of the agency it was transferred from) and their ancestors out of date (the counts
of feedback are read live).
"""

from __future__ import annotations

import uuid

from motcua.core.outbox import handler
from motcua.dossiers.models import Dossier

from . import figures, services
from .rollups import nodes_of

SUBSCRIBER = "stats.refresh"
FEEDBACK_SUBSCRIBER = "stats.feedback"


def _dossier_id(event) -> int | None:
    """The dossier an event is about: its aggregate, the dossier of a payment aggregate, or
    the dossier named by the event's ``code``."""
    public_id = _uuid(event.aggregate_id)
    if public_id is not None and event.aggregate_type == "payments.payment":
        from motcua.payments.models import Payment

        payment = Payment.objects.filter(public_id=public_id).values_list("dossier_id", flat=True)
        return payment.first()
    if public_id is not None and event.aggregate_type == Dossier._meta.label_lower:
        pk = Dossier.objects.filter(public_id=public_id).values_list("pk", flat=True).first()
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


@handler("feedback.*", name=FEEDBACK_SUBSCRIBER)
def feedback_changed(event) -> None:
    from motcua.feedback.models import Feedback

    payload = event.payload or {}
    found = Feedback.objects.filter(code=payload.get("code"))
    paths = list(found.values_list("agency_path", "transferred_from__path").first() or [""])
    # A transferred item is counted at its new agency and no longer at the one it left (the
    # event names it, in case the item has moved on again since).
    paths.append(payload.get("from_path"))
    figures.touch({node for path in paths for node in nodes_of(path or "")})
