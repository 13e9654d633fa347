"""Webhooks: each dossier event posted to every active subscription whose client reaches the
dossier's agency.

Two steps. The outbox handler :func:`fan_out` (after commit, at least once) writes one
:class:`WebhookDelivery` per matching subscription — idempotent on (subscription, event id)
— with the body fixed then. :func:`deliver_due` posts each due delivery in its own
transaction, the row locked so that two workers never post it at once, records the attempt
(:class:`WebhookAttempt`) and, on failure, sets the next attempt with exponential back-off, up
to ``MOTCUA_WEBHOOK_MAX_ATTEMPTS``; a system administrator can retry a failed delivery in the
admin. Keeping the attempts out of the outbox's transaction is what lets one slow receiver
neither hold the others back nor get an event twice: a delivery that succeeded is never
posted again. It runs right after the fan-out commits and from Celery beat
(``motcua.api.deliver_webhooks``) or ``motcua webhooks``.

The request: ``POST target_url`` with a JSON body ``{"id", "topic", "created_at", "dossier":
{"code", "status", ...}, "data": {...}}`` and the headers ``Motcua-Event-Id``,
``Motcua-Event-Topic``, ``Motcua-Timestamp`` (Unix seconds) and ``Motcua-Signature:
v1=<hex HMAC-SHA256 of "<timestamp>.<body>" with the subscription's secret>``. A 2xx answer
delivers it; anything else, or no answer within ``MOTCUA_WEBHOOK_TIMEOUT``, is a failure.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import socket
import time
from datetime import timedelta
from urllib.parse import urlsplit

import requests
import structlog
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from motcua.core.outbox import handler

from .models import WebhookAttempt, WebhookDelivery, WebhookSubscription

log = structlog.get_logger(__name__)

SIGNATURE_HEADER = "Motcua-Signature"
TIMESTAMP_HEADER = "Motcua-Timestamp"
EVENT_HEADER = "Motcua-Event-Id"
TOPIC_HEADER = "Motcua-Event-Topic"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, tolerance: int = 300):
    """What a receiver does (also documented in docs/api.md): the signature must match and
    the timestamp be recent, so that a captured request cannot be replayed later."""
    if abs(time.time() - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def _matches(subscription: WebhookSubscription, topic: str) -> bool:
    topics = subscription.topics or []
    return "*" in topics or topic in topics


def _subscriptions_for(dossier, topic: str) -> list[WebhookSubscription]:
    candidates = WebhookSubscription.objects.filter(
        is_active=True, client__is_active=True
    ).select_related("client")
    found = []
    for subscription in candidates:
        client = subscription.client
        if not _matches(subscription, topic):
            continue
        if client.reaches_agency(dossier.resolving_agency) or client.reaches_agency(
            dossier.receiving_agency
        ):
            found.append(subscription)
    return found


def body_for(event, dossier) -> bytes:
    from motcua.dossiers.models import Status

    payload = {
        "id": str(event.id),
        "topic": event.topic,
        "created_at": event.created_at.isoformat(),
        "dossier": {
            "code": dossier.code,
            "status": dossier.status,
            "status_name": str(Status(dossier.status).label),
            "procedure": dossier.procedure.code,
            "receiving_agency": dossier.receiving_agency.code if dossier.receiving_agency else None,
            "resolving_agency": dossier.resolving_agency.code if dossier.resolving_agency else None,
            "appointment_at": dossier.appointment_at.isoformat()
            if dossier.appointment_at
            else None,
        },
        "data": {k: v for k, v in (event.payload or {}).items() if k in _PUBLIC_PAYLOAD},
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


#: Event payload keys a receiver is told (no personal data is ever in an event anyway).
_PUBLIC_PAYLOAD = {"code", "status", "action", "stage", "appointment_at", "due_at", "channel"}


def fan_out(event) -> None:
    """One pending delivery per subscription that wants ``event`` (outbox handler)."""
    from motcua.dossiers.models import Dossier

    if event.aggregate_type != "dossiers.dossier":
        return
    dossier = (
        Dossier.objects.select_related("procedure", "receiving_agency", "resolving_agency")
        .filter(public_id=event.aggregate_id)
        .first()
    )
    if dossier is None or not dossier.code:
        return
    body = body_for(event, dossier).decode()
    ids = []
    for subscription in _subscriptions_for(dossier, event.topic):
        delivery, _created = WebhookDelivery.objects.get_or_create(
            subscription=subscription,
            event_id=event.id,
            defaults={"topic": event.topic, "body": body, "event_created_at": event.created_at},
        )
        ids.append(delivery.pk)
    if ids:
        transaction.on_commit(lambda: deliver_due(ids=ids))


def backoff(attempts: int) -> timedelta:
    """Wait before the next attempt: 30 s, 1 min, 2 min … at most 6 hours."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 6 * 3600))


def deliver_due(*, ids: list[int] | None = None, limit: int = 100, now=None) -> int:
    """Post the deliveries that are due (``ids``: only these); returns how many were tried."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(
        state=WebhookDelivery.State.PENDING, next_attempt_at__lte=now
    )
    if ids is not None:
        due = due.filter(pk__in=ids)
    tried = 0
    for pk in list(due.order_by("event_created_at", "id").values_list("pk", flat=True)[:limit]):
        tried += attempt(pk)
    return tried


def attempt(pk: int) -> int:
    """One attempt of one delivery, if it is still pending and nobody else holds it."""
    with transaction.atomic():
        query = WebhookDelivery.objects.select_related("subscription")
        if connection.features.has_select_for_update_skip_locked:
            query = query.select_for_update(skip_locked=True, of=("self",))
        delivery = query.filter(pk=pk, state=WebhookDelivery.State.PENDING).first()
        if delivery is None:
            return 0
        subscription = delivery.subscription
        if not subscription.is_active:
            delivery.state = WebhookDelivery.State.FAILED
            delivery.save(update_fields=["state", "updated_at"])
            return 0
        status_code, error, duration = _post(subscription, delivery)
        WebhookAttempt.objects.create(
            delivery=delivery, status_code=status_code, error=error[:300], duration_ms=duration
        )
        delivery.attempts += 1
        now = timezone.now()
        if status_code is not None and 200 <= status_code < 300:
            delivery.state = WebhookDelivery.State.DELIVERED
            delivery.delivered_at = now
        elif delivery.attempts >= int(settings.MOTCUA_WEBHOOK_MAX_ATTEMPTS):
            delivery.state = WebhookDelivery.State.FAILED
        else:
            delivery.next_attempt_at = now + backoff(delivery.attempts)
        delivery.save(
            update_fields=["attempts", "state", "delivered_at", "next_attempt_at", "updated_at"]
        )
    log.info(
        "api.webhook_attempt",
        subscription=str(subscription.public_id),
        topic=delivery.topic,
        status=status_code,
        error=error,
        state=delivery.state,
    )
    return 1


@transaction.atomic
def retry(delivery: WebhookDelivery, *, actor=None) -> WebhookDelivery:
    """Try a failed (or waiting) delivery again now, with a fresh count of attempts."""
    from motcua.core import audit

    if delivery.state == WebhookDelivery.State.DELIVERED:
        return delivery
    delivery.state = WebhookDelivery.State.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["state", "attempts", "next_attempt_at", "updated_at"])
    audit.record("api_webhook_retried", actor=actor, obj=delivery.subscription)
    return delivery


def _post(subscription: WebhookSubscription, delivery: WebhookDelivery):
    """(status code or None, error name, milliseconds)."""
    refusal = address_refusal(subscription.target_url)
    if refusal:
        return None, refusal, 0
    body = delivery.body.encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "motcua-webhooks/1",
        EVENT_HEADER: str(delivery.event_id),
        TOPIC_HEADER: delivery.topic,
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(subscription.secret, timestamp, body),
    }
    started = time.monotonic()
    try:
        response = requests.post(
            subscription.target_url,
            data=body,
            headers=headers,
            timeout=float(settings.MOTCUA_WEBHOOK_TIMEOUT),
            allow_redirects=False,
        )
    except requests.RequestException as error:
        return None, type(error).__name__, int((time.monotonic() - started) * 1000)
    return response.status_code, "", int((time.monotonic() - started) * 1000)


def address_refusal(url: str) -> str:
    """Why a receiver URL may not be posted to ("" when it may): in production, only public
    addresses, so that a client cannot make the server call inside its own network."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "bad_url"
    if settings.MOTCUA_WEBHOOK_ALLOW_PRIVATE:
        return ""
    if parts.scheme != "https":
        return "not_https"
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError:
        return "dns_error"
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            return "private_address"
    return ""


for _topic in (
    "dossier.submitted",
    "dossier.status_changed",
    "dossier.withdrawn",
    "dossier.result_issued",
    "dossier.due_soon",
    "dossier.overdue",
):
    handler(_topic)(fan_out)
