"""Prometheus figures of the background work, read at scrape time from the database and the
broker (so every web process shows the same, whichever worker did the work):

- ``motcua_outbox_unrelayed_events``: events not yet turned into deliveries;
- ``motcua_outbox_pending_deliveries{subscriber}`` and ``…_failing_deliveries{subscriber}``;
- ``motcua_outbox_oldest_pending_seconds{subscriber}``: the delivery lag an alert watches;
- ``motcua_outbox_delivered_last_minute{subscriber}`` and
  ``motcua_outbox_lag_seconds_last_minute{subscriber,quantile}`` (p50, p95 of the last minute);
- ``motcua_outbox_subscriber_paused{subscriber}``: 1 while paused after failures;
- ``motcua_celery_queue_depth{queue}``: messages waiting in the broker.

Each query runs on a partial index of pending rows, or over the last minute only.
"""

from __future__ import annotations

from datetime import timedelta

import structlog
from django.db import DatabaseError
from django.db.models import Count, F, Min, Q
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY

log = structlog.get_logger(__name__)


class OutboxCollector:
    def describe(self):
        return []  # registering must not query the database (the app is not ready yet)

    def collect(self):
        from .models import Delivery, OutboxEvent, OutboxSubscriber

        now = timezone.now()
        unrelayed = GaugeMetricFamily(
            "motcua_outbox_unrelayed_events", "Events not yet relayed to their subscribers."
        )
        pending = GaugeMetricFamily(
            "motcua_outbox_pending_deliveries", "Deliveries waiting.", labels=["subscriber"]
        )
        failing = GaugeMetricFamily(
            "motcua_outbox_failing_deliveries",
            "Deliveries that failed at least once and wait for another attempt.",
            labels=["subscriber"],
        )
        oldest = GaugeMetricFamily(
            "motcua_outbox_oldest_pending_seconds",
            "Age of the oldest waiting delivery's event.",
            labels=["subscriber"],
        )
        recent = GaugeMetricFamily(
            "motcua_outbox_delivered_last_minute",
            "Deliveries made in the last minute.",
            labels=["subscriber"],
        )
        lag = GaugeMetricFamily(
            "motcua_outbox_lag_seconds_last_minute",
            "From the change to its delivery, over the deliveries of the last minute.",
            labels=["subscriber", "quantile"],
        )
        paused = GaugeMetricFamily(
            "motcua_outbox_subscriber_paused",
            "1 while a subscriber is paused after failures in a row.",
            labels=["subscriber"],
        )
        try:
            unrelayed.add_metric([], OutboxEvent.objects.filter(relayed_at__isnull=True).count())
            waiting = (
                Delivery.objects.filter(delivered_at__isnull=True)
                .values("subscriber")
                .annotate(n=Count("id"), failing=Count("id", filter=Q(attempts__gt=0)))
                .annotate(first=Min("event__created_at"))
            )
            for row in waiting:
                pending.add_metric([row["subscriber"]], row["n"])
                failing.add_metric([row["subscriber"]], row["failing"])
                oldest.add_metric([row["subscriber"]], (now - row["first"]).total_seconds())
            lags: dict[str, list[float]] = {}
            for subscriber, delivered_at, created_at in (
                Delivery.objects.filter(delivered_at__gte=now - timedelta(minutes=1))
                .annotate(created=F("event__created_at"))
                .values_list("subscriber", "delivered_at", "created")[:50000]
            ):
                lags.setdefault(subscriber, []).append((delivered_at - created_at).total_seconds())
            for subscriber, values in lags.items():
                values.sort()
                recent.add_metric([subscriber], len(values))
                for name, q in (("0.5", 0.5), ("0.95", 0.95)):
                    at = min(len(values) - 1, int(q * len(values)))
                    lag.add_metric([subscriber, name], values[at])
            for state in OutboxSubscriber.objects.all():
                paused.add_metric(
                    [state.name], int(bool(state.paused_until and state.paused_until > now))
                )
        except DatabaseError as error:
            log.warning("metrics.outbox_unavailable", error=type(error).__name__)
        yield from (unrelayed, pending, failing, oldest, recent, lag, paused)
        yield from _queue_depth()


def _queue_depth():
    depth = GaugeMetricFamily(
        "motcua_celery_queue_depth", "Tasks waiting in the broker.", labels=["queue"]
    )
    try:
        from motcua.celery import app

        with app.connection_for_read() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            queue = app.conf.task_default_queue
            declared = conn.default_channel.queue_declare(queue=queue, passive=True)
            depth.add_metric([queue], declared.message_count)
    except Exception as error:  # the broker is down: health checks say so, metrics go on
        log.warning("metrics.broker_unavailable", error=type(error).__name__)
    yield depth


_REGISTERED = False


def register() -> None:
    global _REGISTERED
    if not _REGISTERED:
        REGISTRY.register(OutboxCollector())
        _REGISTERED = True
