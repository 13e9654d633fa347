"""Outbox subscriber: every event that changes what the national portal must know pushes the
dossier, then the step the event reports.

One function for every topic, so one subscriber: the outbox hands it a dossier's events in
their order, whatever their topic, and retries a failed push (with back-off) before any later
one of the same dossier.
"""

from __future__ import annotations

from motcua.core.outbox import handler

from . import services

TOPICS = (
    "dossier.submitted",
    "dossier.status_changed",
    "dossier.result_issued",
    "dossier.withdrawn",
    "payment.confirmed",
    "payment.refunded",
    services.RESYNC_TOPIC,
)


def push_to_national_portal(event) -> None:
    """Raises when the push did not succeed (the outbox tries again later)."""
    services.push_event(event)


for _topic in TOPICS:
    handler(_topic)(push_to_national_portal)

#: The subscriber's name in the outbox (its deliveries, failures and pauses).
SUBSCRIBER = f"{__name__}.{push_to_national_portal.__qualname__}"
