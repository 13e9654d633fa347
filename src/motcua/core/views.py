"""Health endpoint: which dependency is down.

``/healthz`` answers 200 when the database, the broker and the file storage answer, 503 naming
the one that does not (``{"status": "unavailable", "database": "ok", "broker": "down", …}``),
so that a load balancer drops a web process that cannot serve and an operator sees why. The
outbox backlog is reported too (``"outbox": "ok" | "late"``, late when the oldest waiting
delivery is older than ``MOTCUA_HEALTH_OUTBOX_LAG``): late is a warning, never a 503, as web
processes can serve while workers catch up. ``/healthz?live`` only says the process runs.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from motcua.core.logging import get_logger

log = get_logger(__name__)


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        log.warning("healthz.database_unavailable", error=type(exc).__name__)
        return "down"
    return "ok"


def _broker() -> str | None:
    if settings.CELERY_BROKER_URL.startswith("filesystem"):
        return None  # embedded: a folder, nothing to reach
    from motcua.celery import app

    try:
        with app.connection_for_read(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # kombu raises its own and the transports' errors
        log.warning("healthz.broker_unavailable", error=type(exc).__name__)
        return "down"
    return "ok"


def _storage() -> str:
    from django.core.files.storage import storages

    try:
        storages["documents"].exists("healthz")
    except Exception as exc:  # S3 client and file system errors alike
        log.warning("healthz.storage_unavailable", error=type(exc).__name__)
        return "down"
    return "ok"


def _outbox() -> str:
    from .models import Delivery

    limit = timedelta(seconds=settings.MOTCUA_HEALTH_OUTBOX_LAG)
    oldest = (
        Delivery.objects.filter(delivered_at__isnull=True)
        .order_by("id")
        .values_list("event__created_at", flat=True)
        .first()
    )
    return "late" if oldest and timezone.now() - oldest > limit else "ok"


@never_cache
@require_GET
def healthz(request):
    if "live" in request.GET:
        return JsonResponse({"status": "ok"})
    checks = {"database": _database()}
    broker = _broker()
    if broker:
        checks["broker"] = broker
    checks["storage"] = _storage()
    if checks["database"] == "ok":
        checks["outbox"] = _outbox()
    down = [name for name, state in checks.items() if state == "down"]
    status = "unavailable" if down else "ok"
    return JsonResponse({"status": status, **checks}, status=503 if down else 200)
