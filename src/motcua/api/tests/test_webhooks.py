"""Webhook delivery to a real HTTP receiver in a thread: signed so that the receiver can
verify it, retried after the receiver fails, recorded attempt by attempt, never posted again
once delivered, and only to clients whose agencies the dossier belongs to."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone
from tests.fixtures.accounts import make_citizen
from tests.fixtures.dossiers import dossier_in

from motcua.api import services, webhooks
from motcua.api.models import WebhookAttempt, WebhookDelivery
from motcua.dossiers import services as dossier_services
from motcua.dossiers import workflow

from .conftest import make_client

pytestmark = pytest.mark.django_db


class Receiver:
    """A webhook receiver on a free local port: answers ``fail_first`` requests with 500,
    then 204; keeps every request it got (headers and body)."""

    def __init__(self, fail_first: int = 0, delay: float = 0.0):
        self.requests: list[dict] = []
        self.fail_first = fail_first
        self.delay = delay
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                receiver.requests.append(
                    {"headers": dict(self.headers), "body": self.rfile.read(length)}
                )
                failing = len(receiver.requests) <= receiver.fail_first
                if receiver.delay:
                    time.sleep(receiver.delay)
                self.send_response(500 if failing else 204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


@pytest.fixture
def filed(place):
    return dossier_in(workflow.NEW, here=place["here"], owner=make_citizen("Đỗ Thị Mai"))


def withdraw(dossier, captured):
    """A real change through the dossier's service, its outbox event dispatched after the
    commit (embedded: inline), the webhook posted after the fan-out commits."""
    with captured(execute=True):
        dossier_services.withdraw(dossier, actor=dossier.submitted_by, reason="Nộp nhầm")
    return outbox_event(dossier, "dossier.withdrawn")


def outbox_event(dossier, topic):
    from motcua.core.models import OutboxEvent

    return OutboxEvent.objects.get(topic=topic, aggregate_id=str(dossier.public_id))


def test_each_event_reaches_the_receiver_signed_so_that_it_can_verify_it(
    client_system, filed, receiver, django_capture_on_commit_callbacks, settings
):
    settings.MOTCUA_OUTBOX_INLINE = True
    subscription = services.subscribe(
        client_system, target_url=receiver.url, topics=["dossier.withdrawn"]
    )
    event = withdraw(filed, django_capture_on_commit_callbacks)

    assert len(receiver.requests) == 1
    got = receiver.requests[0]
    headers = {k.lower(): v for k, v in got["headers"].items()}
    assert headers["motcua-event-id"] == str(event.id)
    assert headers["motcua-event-topic"] == "dossier.withdrawn"
    # what a receiver does with its secret (docs/api.md)
    assert webhooks.verify(
        subscription.secret, headers["motcua-timestamp"], got["body"], headers["motcua-signature"]
    )
    assert not webhooks.verify(
        "whsec_other", headers["motcua-timestamp"], got["body"], headers["motcua-signature"]
    )
    tampered = got["body"].replace(b"dossier.withdrawn", b"dossier.submitted")
    assert not webhooks.verify(
        subscription.secret, headers["motcua-timestamp"], tampered, headers["motcua-signature"]
    )
    body = json.loads(got["body"])
    assert body["id"] == str(event.id)
    assert body["dossier"]["code"] == filed.code
    assert body["dossier"]["status"] == 7
    assert "Đỗ Thị Mai" not in got["body"].decode()
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == WebhookDelivery.State.DELIVERED


def test_a_receiver_failure_is_retried_later_and_every_attempt_is_recorded(
    api, client_system, filed
):
    with Receiver(fail_first=1) as receiver:
        subscription = services.subscribe(client_system, target_url=receiver.url, topics=["*"])
        with django_atomic():
            dossier_services.withdraw(filed, actor=filed.submitted_by)
        event = outbox_event(filed, "dossier.withdrawn")
        webhooks.fan_out(event)
        assert webhooks.deliver_due() == 1
        delivery = WebhookDelivery.objects.get()
        assert delivery.state == WebhookDelivery.State.PENDING
        assert delivery.next_attempt_at > timezone.now()
        # not due yet: nothing is posted
        assert webhooks.deliver_due() == 0
        assert webhooks.deliver_due(now=timezone.now() + timedelta(minutes=5)) == 1
        assert len(receiver.requests) == 2
    delivery.refresh_from_db()
    assert delivery.state == WebhookDelivery.State.DELIVERED
    assert list(WebhookAttempt.objects.values_list("status_code", flat=True)) == [500, 204]
    # the client sees the attempts too
    shown = api.get(f"/api/v1/webhooks/{subscription.public_id}/deliveries").json()
    assert shown[0]["state"] == "delivered"
    assert [a["status_code"] for a in shown[0]["attempt_log"]] == [500, 204]
    # both attempts carried the same event id and body
    assert receiver.requests[0]["body"] == receiver.requests[1]["body"]


def test_a_delivered_event_is_never_posted_again_even_when_the_outbox_repeats_it(
    client_system, filed, receiver
):
    services.subscribe(client_system, target_url=receiver.url, topics=["dossier.withdrawn"])
    with django_atomic():
        dossier_services.withdraw(filed, actor=filed.submitted_by)
    event = outbox_event(filed, "dossier.withdrawn")
    webhooks.fan_out(event)
    webhooks.deliver_due()
    webhooks.fan_out(event)  # the outbox delivers at least once
    later = timezone.now() + timedelta(days=1)
    assert webhooks.deliver_due(now=later) == 0
    assert len(receiver.requests) == 1
    assert WebhookDelivery.objects.count() == 1


def test_only_clients_reaching_the_dossiers_agency_and_wanting_the_topic_are_told(
    client_system, filed, place, receiver
):
    services.subscribe(client_system, target_url=receiver.url, topics=["dossier.withdrawn"])
    services.subscribe(client_system, target_url=receiver.url, topics=["dossier.submitted"])
    other = make_client(place["elsewhere"], name="Tỉnh khác")
    services.subscribe(other, target_url=receiver.url, topics=["*"])
    with django_atomic():
        dossier_services.withdraw(filed, actor=filed.submitted_by)
    webhooks.fan_out(outbox_event(filed, "dossier.withdrawn"))
    webhooks.deliver_due()
    assert len(receiver.requests) == 1
    assert WebhookDelivery.objects.get().subscription.client == client_system


def test_an_unreachable_receiver_is_given_up_then_retried_by_an_administrator(
    client_system, filed, settings
):
    settings.MOTCUA_WEBHOOK_MAX_ATTEMPTS = 2
    settings.MOTCUA_WEBHOOK_TIMEOUT = 2.0
    with Receiver() as gone:
        url = gone.url  # the port is closed when the receiver stops
    services.subscribe(client_system, target_url=url, topics=["*"])
    with django_atomic():
        dossier_services.withdraw(filed, actor=filed.submitted_by)
    webhooks.fan_out(outbox_event(filed, "dossier.withdrawn"))
    webhooks.deliver_due()
    webhooks.deliver_due(now=timezone.now() + timedelta(hours=1))
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == WebhookDelivery.State.FAILED
    assert delivery.attempts == 2
    assert all(a.error == "ConnectionError" for a in delivery.attempt_rows.all())
    assert webhooks.deliver_due(now=timezone.now() + timedelta(days=1)) == 0
    webhooks.retry(delivery)
    delivery.refresh_from_db()
    assert delivery.state == WebhookDelivery.State.PENDING


def test_a_receiver_slower_than_the_timeout_is_a_failed_attempt(client_system, filed, settings):
    settings.MOTCUA_WEBHOOK_TIMEOUT = 0.3
    with Receiver(delay=1.0) as slow:
        services.subscribe(client_system, target_url=slow.url, topics=["*"])
        with django_atomic():
            dossier_services.withdraw(filed, actor=filed.submitted_by)
        webhooks.fan_out(outbox_event(filed, "dossier.withdrawn"))
        webhooks.deliver_due()
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code is None
    assert attempt.error == "ReadTimeout"
    assert WebhookDelivery.objects.get().state == WebhookDelivery.State.PENDING


def test_in_production_only_public_https_receivers_are_posted_to(settings):
    settings.MOTCUA_WEBHOOK_ALLOW_PRIVATE = False
    assert webhooks.address_refusal("http://nhan.example.vn/") == "not_https"
    assert webhooks.address_refusal("https://127.0.0.1/") == "private_address"
    assert webhooks.address_refusal("https://10.0.0.5/") == "private_address"
    assert webhooks.address_refusal("ftp://x/") == "bad_url"


def django_atomic():
    from django.db import transaction

    return transaction.atomic()
