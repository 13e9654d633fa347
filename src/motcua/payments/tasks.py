"""Scheduled work of the payments app: plain functions, run by ``motcua payments query`` and by
Celery beat (task ``motcua.payments.query_pending``, every 5 minutes)."""

from __future__ import annotations

from datetime import timedelta

import structlog
from celery import shared_task
from django.conf import settings

from .providers.base import PaymentProviderError
from .services import pending_to_query, query_payment

log = structlog.get_logger(__name__)


def query_pending(now=None, *, limit: int = 200) -> dict[str, int]:
    """QUERY the providers about payments still pending after
    ``MOTCUA_PAYMENT_QUERY_AFTER_MINUTES``: a payment whose notification was delayed or lost
    is confirmed from the answer; one the provider never completed is closed as failed.
    Returns the count of each outcome."""
    minutes = float(getattr(settings, "MOTCUA_PAYMENT_QUERY_AFTER_MINUTES", 5))
    counts = {"paid": 0, "failed": 0, "pending": 0, "unreachable": 0}
    for payment in list(pending_to_query(now, older_than=timedelta(minutes=minutes))[:limit]):
        try:
            payment = query_payment(payment)
        except PaymentProviderError:
            counts["unreachable"] += 1
            continue
        counts[payment.status if payment.status in counts else "pending"] += 1
    log.info("payments.query_pending", **counts)
    return counts


@shared_task(name="motcua.payments.query_pending", ignore_result=True)
def query_pending_task(limit: int = 200) -> dict[str, int]:
    """Celery beat's entry (every 5 minutes): :func:`query_pending`."""
    return query_pending(limit=limit)
