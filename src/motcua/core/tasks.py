"""Background tasks of ``core``: dispatching the outbox (beat runs it every second)."""

from __future__ import annotations

from celery import shared_task

from . import outbox


@shared_task(name="motcua.core.dispatch_outbox", ignore_result=True)
def dispatch_outbox(max_seconds: float = 20.0) -> int:
    """Relay new events and deliver what is ready, for up to ``max_seconds``. Any number of
    these may run at once, on any workers: claims skip each other's rows."""
    return outbox.dispatch_pending(max_seconds=max_seconds)
