"""The Celery application: workers run the outbox and the scheduled jobs (beat).

Production: ``celery -A motcua worker`` (as many as needed, on any machines) and exactly one
``celery -A motcua beat``, on Redis or RabbitMQ (``CELERY_BROKER_URL``). Embedded, ``make run``
starts one worker with beat inside it, on a folder broker (no server to install).
"""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

app = Celery("motcua")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def beat_schedule(settings) -> dict:
    """What beat runs, and when (Asia/Ho_Chi_Minh)."""
    nightly = settings.MOTCUA_NIGHTLY_HOUR
    every_second = float(settings.MOTCUA_OUTBOX_INTERVAL)
    return {
        # Stale ticks are dropped rather than piled up behind a busy worker.
        "outbox": {
            "task": "motcua.core.dispatch_outbox",
            "schedule": every_second,
            "options": {"expires": max(every_second * 5, 5)},
        },
        "deadlines": {"task": "motcua.dossiers.flag_deadlines", "schedule": crontab(minute="*/10")},
        # Webhook deliveries waiting for their next attempt (their own back-off).
        "webhooks": {
            "task": "motcua.api.deliver_webhooks",
            "schedule": 5.0,
            "options": {"expires": 25},
        },
        # Messages whose channel failed, sent again when their next attempt comes.
        "notifications": {
            "task": "motcua.notifications.resend_due",
            "schedule": 60.0,
            "options": {"expires": 120},
        },
        # Payments still pending: QUERY the provider (a delayed or lost notification).
        "payments": {
            "task": "motcua.payments.query_pending",
            "schedule": crontab(minute="*/5"),
            "options": {"expires": 240},
        },
        "quarantine": {
            "task": "motcua.documents.rescan_quarantined",
            "schedule": crontab(minute="*/10"),
        },
        "drafts": {
            "task": "motcua.dossiers.expire_drafts",
            "schedule": crontab(hour=nightly, minute=15),
        },
        "registrations": {
            "task": "motcua.accounts.purge_registrations",
            "schedule": crontab(hour=nightly, minute=30),
        },
        # The national-portal sync flag of the index (1.4), caught up after each push.
        "stats-sync": {
            "task": "motcua.stats.refresh_synced",
            "schedule": crontab(minute="*/5"),
            "options": {"expires": 240},
        },
        "monthly-report": {
            "task": "motcua.stats.send_monthly_reports",
            "schedule": crontab(day_of_month=1, hour=7, minute=0),
        },
        "portal-reconciliation": {
            "task": "motcua.integrations.portal.reconcile",
            "schedule": crontab(hour=nightly, minute=45),
        },
    }


@app.on_after_finalize.connect
def _schedule(sender, **kwargs) -> None:
    from django.conf import settings

    sender.conf.beat_schedule = beat_schedule(settings)
