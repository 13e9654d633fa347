"""The transactional outbox: events written with the change, delivered after it, at least once,
to each subscriber on its own.

``emit()`` inside a service's transaction writes an :class:`OutboxEvent`; nothing is sent if
the transaction rolls back. Each function decorated ``@handler(topic)`` is a *subscriber*
(named after its module and function). Delivery has two steps, both safe to run in any number
of workers at once:

1. ``relay()`` turns new events into one :class:`Delivery` row per subscriber of their topic
   (one relay at a time, under a PostgreSQL advisory lock; the unique ``(event, subscriber)``
   pair makes a repeated relay harmless).
2. ``deliver()`` claims ready deliveries (``FOR UPDATE SKIP LOCKED``), runs the subscriber
   inside a savepoint and marks the row delivered in the same transaction, so a subscriber's
   own database writes and its "delivered" mark commit together, and a worker killed half-way
   leaves the row pending for the next one. A subscriber that raises is tried again later
   (exponential back-off, at most ``MAX_BACKOFF`` apart; nothing is ever dropped).

Order: deliveries of one aggregate (a dossier) reach each subscriber in the order of the
events; a later one is not claimed while an earlier one is pending, even by another worker.
Subscribers are independent: the national-portal sync being down delays neither e-mail nor
webhooks. Handlers must be idempotent (an effect outside the database may happen again after
a crash); ``event.id`` is the key they give to remote systems.

A subscriber that fails ``PAUSE_AFTER`` times in a row is paused (``OutboxSubscriber``) with
growing pauses up to ``MAX_PAUSE``: during a remote outage one probe now and then, not a storm
of attempts; the first success resumes it and makes its backed-off deliveries ready at once,
so the backlog drains in order as soon as the remote system is back.

Embedded (``MOTCUA_OUTBOX_INLINE``), events are dispatched right after the transaction commits;
in production Celery beat runs :func:`motcua.core.tasks.dispatch_outbox` every second.
"""

from __future__ import annotations

import fnmatch
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import structlog
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from . import rows
from .models import Delivery, OutboxEvent, OutboxSubscriber

log = structlog.get_logger(__name__)

Handler = Callable[[OutboxEvent], None]

#: Longest wait between two attempts of one delivery, and longest pause of a subscriber.
MAX_BACKOFF = timedelta(minutes=10)
MAX_PAUSE = timedelta(minutes=10)
#: Failures in a row (across deliveries) after which a subscriber is paused.
PAUSE_AFTER = 5
#: Key of the advisory lock that keeps relaying to one worker at a time (PostgreSQL).
_RELAY_LOCK = 0x6D6F7463  # "motc"


@dataclass
class Subscriber:
    name: str
    function: Handler
    topics: set[str] = field(default_factory=set)

    def wants(self, topic: str) -> bool:
        return any(fnmatch.fnmatchcase(topic, pattern) for pattern in self.topics)


_SUBSCRIBERS: dict[str, Subscriber] = {}


def handler(topic: str, *, name: str | None = None) -> Callable[[Handler], Handler]:
    """Decorator: the function is a subscriber of ``topic`` (an exact topic, or a pattern such
    as ``"dossier.*"``); decorate it again for more topics."""

    def register(function: Handler) -> Handler:
        key = name or f"{function.__module__}.{function.__qualname__}"
        subscriber = _SUBSCRIBERS.setdefault(key, Subscriber(key, function))
        subscriber.function = function
        subscriber.topics.add(topic)
        return function

    return register


def subscribers() -> dict[str, Subscriber]:
    _load_handlers()
    return dict(_SUBSCRIBERS)


def emit(topic: str, *, aggregate: models.Model | None = None, **payload: Any) -> OutboxEvent:
    """Record an event in the current transaction (call it from a service)."""
    event = rows.insert(
        OutboxEvent(
            topic=topic,
            aggregate_type=aggregate._meta.label_lower if aggregate is not None else "",
            aggregate_id=str(getattr(aggregate, "public_id", None) or getattr(aggregate, "pk", "")),
            payload=payload,
        )
    )
    if getattr(settings, "MOTCUA_OUTBOX_INLINE", False):
        transaction.on_commit(dispatch_pending)
    return event


# --- step 1: relay events into deliveries ------------------------------------------------------


def relay(limit: int = 2000) -> int:
    """Write the deliveries of up to ``limit`` new events; returns how many events."""
    _load_handlers()
    with transaction.atomic():
        if not _relay_lock():
            return 0
        events = list(
            OutboxEvent.objects.filter(relayed_at__isnull=True)
            .order_by("created_at", "id")
            .only("id", "topic", "aggregate_type", "aggregate_id", "created_at")[:limit]
        )
        if not events:
            return 0
        now = timezone.now()
        deliveries = [
            Delivery(
                event_id=event.id,
                subscriber=s.name,
                aggregate=event.aggregate_key,
                created_at=now,
                available_at=now,
            )
            for event in events
            for s in _SUBSCRIBERS.values()
            if s.wants(event.topic)
        ]
        Delivery.objects.bulk_create(deliveries, batch_size=1000, ignore_conflicts=True)
        OutboxEvent.objects.filter(pk__in=[e.id for e in events]).update(relayed_at=now)
    return len(events)


def _relay_lock() -> bool:
    if connection.vendor != "postgresql":
        return True  # SQLite has one writer at a time; duplicates are ignored anyway
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_RELAY_LOCK])
        return bool(cursor.fetchone()[0])


# --- step 2: deliver ---------------------------------------------------------------------------


def deliver(subscriber: str, limit: int = 100) -> int:
    """Run ``subscriber`` on up to ``limit`` ready deliveries (at most one per aggregate, the
    earliest pending); returns how many were delivered."""
    target = _SUBSCRIBERS[subscriber]
    failures_in_a_row = (
        OutboxSubscriber.objects.filter(name=subscriber)
        .values_list("consecutive_failures", flat=True)
        .first()
        or 0
    )
    outcomes: list[str | None] = []  # None for a success, the error for a failure
    with transaction.atomic():
        claimed = _claim(subscriber, limit)
        if not claimed:
            return 0
        events = OutboxEvent.objects.in_bulk([d.event_id for d in claimed])
        done: list[int] = []
        for delivery in claimed:
            event = events[delivery.event_id]
            try:
                with transaction.atomic():
                    target.function(event)
            except Exception as error:  # the subscriber failed: try again later, never drop it
                outcomes.append(_failed(delivery, event, error))
                failures_in_a_row += 1
                if failures_in_a_row >= PAUSE_AFTER:
                    break  # the remote side is down, not one event: leave the rest for later
                continue
            outcomes.append(None)
            failures_in_a_row = 0
            done.append(delivery.pk)
        now = timezone.now()
        if done:
            Delivery.objects.filter(pk__in=done).update(
                delivered_at=now, last_attempt_at=now, attempts=models.F("attempts") + 1
            )
    _record_health(subscriber, outcomes, now)
    return len(done)


def _claim(subscriber: str, limit: int) -> list[Delivery]:
    now = timezone.now()
    earlier_pending = Delivery.objects.filter(
        subscriber=subscriber,
        aggregate=OuterRef("aggregate"),
        delivered_at__isnull=True,
        id__lt=OuterRef("id"),
    )
    query = (
        Delivery.objects.filter(subscriber=subscriber, delivered_at__isnull=True)
        .filter(available_at__lte=now)
        .filter(Q(aggregate="") | ~Exists(earlier_pending))
        .order_by("id")
    )
    if connection.features.has_select_for_update_skip_locked:
        query = query.select_for_update(skip_locked=True)
    return list(query[:limit])


def _failed(delivery: Delivery, event: OutboxEvent, error: Exception) -> str:
    """Count the failure on the delivery (its row is locked by this transaction) and set its
    next attempt; returns the error as stored."""
    now = timezone.now()
    message = f"{type(error).__name__}: {error}"[:500]
    attempts = delivery.attempts + 1
    Delivery.objects.filter(pk=delivery.pk).update(
        attempts=attempts,
        last_error=message,
        last_attempt_at=now,
        available_at=now + _backoff(attempts),
    )
    log.warning(
        "outbox.delivery_failed",
        subscriber=delivery.subscriber,
        topic=event.topic,
        attempts=attempts,
        error=type(error).__name__,
    )
    return message


def _record_health(subscriber: str, outcomes: list[str | None], now) -> None:
    """After the batch has committed: failures in a row pause the subscriber; a success after
    failures resumes it and makes what waited for it ready at once, still in order."""
    if not outcomes:
        return
    trailing = 0
    for outcome in reversed(outcomes):
        if outcome is None:
            break
        trailing += 1
    if trailing:
        OutboxSubscriber.objects.get_or_create(name=subscriber)
    states = OutboxSubscriber.objects.filter(name=subscriber)
    if trailing < len(outcomes):  # at least one success
        recovered = states.filter(consecutive_failures__gt=0).update(
            consecutive_failures=0, paused_until=None, last_success_at=now
        )
        if not recovered:
            states.update(last_success_at=now)
        else:
            Delivery.objects.filter(
                subscriber=subscriber, delivered_at__isnull=True, available_at__gt=now
            ).update(available_at=now)
            log.info("outbox.subscriber_recovered", subscriber=subscriber)
    if trailing:
        states.update(
            consecutive_failures=models.F("consecutive_failures") + trailing,
            last_error=str(outcomes[-1]),
        )
        state = states.first()
        if state is not None and state.consecutive_failures >= PAUSE_AFTER:
            states.update(paused_until=now + _pause(state.consecutive_failures))
            log.warning(
                "outbox.subscriber_paused", subscriber=subscriber,
                failures=state.consecutive_failures,
            )  # fmt: skip


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=5 * 2 ** min(attempts - 1, 20)), MAX_BACKOFF)


def _pause(failures: int) -> timedelta:
    return min(timedelta(seconds=5 * 2 ** min(failures - PAUSE_AFTER, 20)), MAX_PAUSE)


def active_subscribers() -> list[str]:
    """Subscribers not paused right now."""
    names = subscribers()
    paused = set(
        OutboxSubscriber.objects.filter(paused_until__gt=timezone.now()).values_list(
            "name", flat=True
        )
    )
    return [name for name in names if name not in paused]


def dispatch_pending(limit: int = 100, *, max_seconds: float = 30.0) -> int:
    """Relay new events and deliver what is ready, round after round, until nothing is ready
    or ``max_seconds`` have passed; returns how many deliveries were made."""
    started = time.monotonic()
    total = 0
    while True:
        relayed = relay()
        delivered = sum(deliver(name, limit) for name in active_subscribers())
        total += delivered
        if (not delivered and not relayed) or time.monotonic() - started > max_seconds:
            return total


def retry_now(deliveries) -> int:
    """Make the given pending deliveries ready at once and resume their subscribers (the
    administrators' "send again")."""
    pending = deliveries.filter(delivered_at__isnull=True)
    names = set(pending.values_list("subscriber", flat=True))
    OutboxSubscriber.objects.filter(name__in=names).update(paused_until=None)
    return pending.update(available_at=timezone.now())


_LOADED = False


def _load_handlers() -> None:
    """Import the modules that register handlers (once)."""
    global _LOADED
    if _LOADED:
        return
    import importlib

    for module in getattr(settings, "MOTCUA_OUTBOX_HANDLER_MODULES", ()):
        importlib.import_module(module)
    _LOADED = True
