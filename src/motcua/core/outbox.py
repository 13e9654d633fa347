"""The transactional outbox: events written with the change, delivered after it, at least once.

``emit()`` inside the service's transaction writes an :class:`OutboxEvent`; nothing is sent
if the transaction rolls back. ``dispatch_pending()`` runs the handlers of each pending event,
oldest first and in order per aggregate, marks it delivered, or counts the failure and tries
again later (exponential back-off, at most an hour apart; an event is never dropped). Handlers
must be idempotent: an event may be handled twice after a crash; ``event.id`` is their key.

Embedded, events are dispatched right after the transaction commits (``MOTCUA_OUTBOX_INLINE``);
in production a worker runs ``motcua outbox`` (and later Celery) so requests never wait.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import structlog
from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from . import rows
from .models import OutboxEvent

log = structlog.get_logger(__name__)

Handler = Callable[[OutboxEvent], None]
_HANDLERS: dict[str, list[Handler]] = defaultdict(list)


def handler(topic: str) -> Callable[[Handler], Handler]:
    """Decorator: run the function for every event of ``topic``."""

    def register(function: Handler) -> Handler:
        if function not in _HANDLERS[topic]:
            _HANDLERS[topic].append(function)
        return function

    return register


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


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(2**attempts * 5, 3600))


def dispatch_pending(limit: int = 100) -> int:
    """Deliver up to ``limit`` pending events; returns how many were delivered."""
    _load_handlers()
    delivered = 0
    now = timezone.now()
    blocked: set[tuple[str, str]] = set()  # aggregates with an earlier event still failing
    pending = OutboxEvent.objects.filter(delivered_at__isnull=True).order_by("created_at")
    for event in list(pending[:limit]):
        key = (event.aggregate_type, event.aggregate_id)
        if key in blocked or event.available_at > now:
            if event.aggregate_id:
                blocked.add(key)
            continue
        if _deliver(event):
            delivered += 1
        elif event.aggregate_id:
            blocked.add(key)
    return delivered


def _deliver(event: OutboxEvent) -> bool:
    with transaction.atomic():
        locked = _lock(event.pk)
        if locked is None or locked.delivered_at is not None:
            return locked is not None
        try:
            with transaction.atomic():
                for function in _HANDLERS.get(locked.topic, ()):
                    function(locked)
        except Exception as error:  # a handler failed: try again later, never lose the event
            locked.attempts += 1
            locked.last_error = f"{type(error).__name__}: {error}"[:500]
            locked.available_at = timezone.now() + _backoff(locked.attempts)
            locked.save(update_fields=["attempts", "last_error", "available_at"])
            log.warning(
                "outbox.handler_failed",
                topic=locked.topic,
                attempts=locked.attempts,
                error=type(error).__name__,
            )
            return False
        locked.delivered_at = timezone.now()
        locked.attempts += 1
        locked.save(update_fields=["delivered_at", "attempts"])
        return True


def _lock(pk) -> OutboxEvent | None:
    query = OutboxEvent.objects.filter(pk=pk)
    if connection.features.has_select_for_update_skip_locked:
        query = query.select_for_update(skip_locked=True)
    return query.first()


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
