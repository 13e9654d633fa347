"""Background tasks of the API: posting the webhook deliveries that are due."""

from __future__ import annotations

from celery import shared_task

from . import webhooks


@shared_task(name="motcua.api.deliver_webhooks", ignore_result=True)
def deliver_webhooks(limit: int = 200) -> int:
    """Post up to ``limit`` due deliveries; any number may run at once (rows are claimed with
    SKIP LOCKED, so two workers never post the same delivery)."""
    return webhooks.deliver_due(limit=limit)
