"""The subscribers of bench/outbox.py, loaded into its Celery workers: what real subscribers
do, without their lookups of dossiers the benchmark does not store.

- ``bench.inapp``: one in-app notification row per event (unique per event and account, as
  ``notifications`` writes it);
- ``bench.portal`` and ``bench.webhook``: one HTTP POST each to a local receiver
  (``BENCH_SINK_URL``), as the national-portal sync and webhooks post to remote systems.

The backlog's events (``bench.backlog``) go to ``bench.portal`` only: the backlog a long
outage of the national portal leaves behind.
"""

from __future__ import annotations

import os

import requests

from motcua.core.outbox import handler

_session = requests.Session()


def _post(event, kind: str) -> None:
    response = _session.post(
        f"{os.environ['BENCH_SINK_URL']}/{kind}",
        json={"kind": kind, "aggregate": event.aggregate_id, "topic": event.topic},
        headers={"Idempotency-Key": str(event.id)},
        timeout=10,
    )
    response.raise_for_status()


@handler("bench.change", name="bench.inapp")
def in_app(event) -> None:
    from motcua.accounts.models import User
    from motcua.notifications.models import Notification

    user = User.objects.only("pk").get(username="bench-citizen")
    Notification.objects.get_or_create(
        user=user, event_id=event.id, defaults={"title": "Hồ sơ đã được tiếp nhận"}
    )


@handler("bench.*", name="bench.portal")
def portal(event) -> None:
    _post(event, "portal")


@handler("bench.change", name="bench.webhook")
def webhook(event) -> None:
    _post(event, "webhook")
