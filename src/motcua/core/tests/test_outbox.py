"""The outbox: one delivery per subscriber, independent retries, order kept per aggregate,
pauses during an outage, and many workers at once on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from motcua.core import outbox
from motcua.core.models import Delivery, OutboxEvent, OutboxSubscriber


class Recorder:
    """A subscriber that records what it receives and fails while told to."""

    def __init__(self, name: str, topic: str = "test.*"):
        self.name = name
        self.seen: list[tuple[str, str]] = []
        self.failing: set[str] = set()  # aggregate ids that make it fail
        self.down = False
        self.lock = threading.Lock()
        outbox.handler(topic, name=name)(self)

    def __call__(self, event):
        if self.down or event.aggregate_id in self.failing:
            raise ConnectionError("receiver unavailable")
        with self.lock:
            self.seen.append((event.aggregate_id, event.payload["n"]))


class Thing:
    """Stands for an aggregate (a dossier) in emit()."""

    class _meta:  # the shape emit() reads
        label_lower = "tests.thing"

    def __init__(self, public_id: str):
        self.public_id = public_id


@pytest.fixture
def subscribers(monkeypatch):
    monkeypatch.setattr(outbox, "_SUBSCRIBERS", {})
    monkeypatch.setattr(outbox, "_LOADED", True)
    return Recorder("test.mail"), Recorder("test.portal")


def _emit(aggregate: str, n: str, topic: str = "test.changed") -> OutboxEvent:
    return outbox.emit(topic, aggregate=Thing(aggregate), n=n)


def _later(minutes: int = 11) -> None:
    """Move every waiting delivery and pause into the past, as if time had passed."""
    past = timezone.now() - timedelta(seconds=1)
    Delivery.objects.filter(delivered_at__isnull=True).update(available_at=past)
    OutboxSubscriber.objects.update(paused_until=None)


@pytest.mark.django_db
def test_each_subscriber_gets_each_event_once(subscribers):
    mail, portal = subscribers
    _emit("A", "1")
    _emit("B", "1")

    assert outbox.dispatch_pending() == 4
    assert outbox.dispatch_pending() == 0

    assert sorted(mail.seen) == [("A", "1"), ("B", "1")]
    assert sorted(portal.seen) == [("A", "1"), ("B", "1")]
    assert Delivery.objects.filter(delivered_at__isnull=True).count() == 0
    assert not OutboxEvent.objects.filter(relayed_at__isnull=True).exists()


@pytest.mark.django_db
def test_a_failing_subscriber_is_retried_alone(subscribers):
    mail, portal = subscribers
    portal.down = True
    _emit("A", "1")

    outbox.dispatch_pending()
    assert mail.seen == [("A", "1")]
    assert portal.seen == []
    failing = Delivery.objects.get(subscriber="test.portal")
    assert failing.attempts == 1
    assert "ConnectionError" in failing.last_error
    assert failing.available_at > timezone.now()  # backed off

    portal.down = False
    outbox.dispatch_pending()
    assert portal.seen == []  # not before its time

    _later()
    outbox.dispatch_pending()
    assert portal.seen == [("A", "1")]
    assert mail.seen == [("A", "1")]  # the e-mail was not sent again


@pytest.mark.django_db
def test_a_later_event_of_the_same_aggregate_waits_for_the_earlier(subscribers):
    mail, _ = subscribers
    mail.failing = {"A"}
    _emit("A", "1")
    _emit("A", "2")
    _emit("B", "1")

    outbox.dispatch_pending()
    assert mail.seen == [("B", "1")]  # B is not held up by A
    assert Delivery.objects.get(subscriber="test.mail", event__payload__n="2").attempts == 0

    mail.failing = set()
    _later()
    outbox.dispatch_pending()
    assert mail.seen == [("B", "1"), ("A", "1"), ("A", "2")]


@pytest.mark.django_db
def test_a_rolled_back_change_sends_nothing(subscribers):
    mail, _ = subscribers

    def change():
        with transaction.atomic():
            _emit("A", "1")
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        change()

    assert outbox.dispatch_pending() == 0
    assert mail.seen == []


@pytest.mark.django_db
def test_relaying_twice_writes_each_delivery_once(subscribers):
    _emit("A", "1")
    outbox.relay()
    OutboxEvent.objects.update(relayed_at=None)  # as if the first relay's mark were lost
    outbox.relay()
    assert Delivery.objects.count() == 2


@pytest.mark.django_db
def test_topic_patterns_choose_the_subscribers(monkeypatch):
    monkeypatch.setattr(outbox, "_SUBSCRIBERS", {})
    monkeypatch.setattr(outbox, "_LOADED", True)
    dossiers = Recorder("test.dossiers", topic="dossier.*")
    payments = Recorder("test.payments", topic="payment.confirmed")
    outbox.emit("dossier.submitted", aggregate=Thing("A"), n="1")
    outbox.emit("payment.confirmed", aggregate=Thing("A"), n="2")
    outbox.emit("feedback.answered", n="3")

    outbox.dispatch_pending()
    assert dossiers.seen == [("A", "1")]
    assert payments.seen == [("A", "2")]
    assert OutboxEvent.objects.filter(relayed_at__isnull=True).count() == 0  # nobody wants 3


@pytest.mark.django_db
def test_an_outage_pauses_the_subscriber_and_the_first_success_drains_in_order(subscribers):
    mail, portal = subscribers
    portal.down = True
    for n in range(1, 4):
        for aggregate in "ABCDEFG":
            _emit(aggregate, str(n))

    outbox.dispatch_pending()
    state = OutboxSubscriber.objects.get(name="test.portal")
    assert state.consecutive_failures == outbox.PAUSE_AFTER
    assert state.paused_until > timezone.now()
    assert len(mail.seen) == 21

    # A day of attempts: the subscriber is probed now and then and stays down.
    for _ in range(5):
        _later()
        outbox.dispatch_pending()
    assert portal.seen == []
    waiting = Delivery.objects.filter(subscriber="test.portal", delivered_at__isnull=True)
    assert waiting.count() == 21

    portal.down = False
    _later()
    outbox.dispatch_pending()
    assert len(portal.seen) == 21
    for aggregate in "ABCDEFG":
        assert [n for a, n in portal.seen if a == aggregate] == ["1", "2", "3"]
    state.refresh_from_db()
    assert state.consecutive_failures == 0
    assert state.paused_until is None


@pytest.mark.django_db
def test_send_again_makes_failed_deliveries_ready_at_once(subscribers):
    _, portal = subscribers
    portal.down = True
    _emit("A", "1")
    outbox.dispatch_pending()
    portal.down = False

    assert outbox.retry_now(Delivery.objects.filter(subscriber="test.portal")) == 1
    outbox.dispatch_pending()
    assert portal.seen == [("A", "1")]


def _in_own_connection(function) -> None:
    """Run ``function`` in a thread of its own, so it commits outside the test's transaction."""
    errors: list[BaseException] = []

    def run():
        try:
            function()
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert not errors, errors


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
def test_many_workers_at_once_deliver_each_event_once_in_order(subscribers):
    mail, portal = subscribers
    aggregates = [f"concurrent-{i}" for i in range(12)]

    def emit_all():
        for n in range(1, 6):
            for aggregate in aggregates:
                _emit(aggregate, str(n))

    _in_own_connection(emit_all)
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def work():
        try:
            start.wait()
            for _ in range(40):
                outbox.relay()
                for name in ("test.mail", "test.portal"):
                    outbox.deliver(name, limit=7)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=work) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    def clean_up():
        OutboxEvent.objects.filter(aggregate_id__in=aggregates).delete()
        OutboxSubscriber.objects.filter(name__in=("test.mail", "test.portal")).delete()

    _in_own_connection(clean_up)
    assert errors == []
    for recorder in (mail, portal):
        assert len(recorder.seen) == 60  # each once
        for aggregate in aggregates:
            assert [n for a, n in recorder.seen if a == aggregate] == ["1", "2", "3", "4", "5"]
