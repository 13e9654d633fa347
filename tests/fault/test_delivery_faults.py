"""Fault injection on delivery: workers killed mid-call, the broker restarted, both brokers.
Afterwards the receiver holds every event exactly once, in order per aggregate."""

from __future__ import annotations

import os
import signal
import time
import uuid

import pytest

AGGREGATES = ("dossier-a", "dossier-b", "dossier-c")


def _emit_rounds(site, first: int, last: int) -> None:
    for n in range(first, last + 1):
        for aggregate in AGGREGATES:
            site.emit("probe.changed", aggregate, n)


def _assert_exactly_once_in_order(probe, last: int) -> None:
    assert len(probe.kept) == last * len(AGGREGATES)
    for aggregate in AGGREGATES:
        assert probe.order(aggregate) == list(range(1, last + 1))


def test_a_worker_killed_in_the_middle_of_a_delivery_loses_and_doubles_nothing(fresh, redis, probe):
    probe.hold_at = 5  # the fifth call hangs: the worker is inside the subscriber
    queue = f"q-{uuid.uuid4().hex[:6]}"
    worker = fresh.start_worker(redis.url, probe, queue)
    _emit_rounds(fresh, 1, 10)

    assert probe.held.wait(60), "the worker never reached the receiver"
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    probe.release.set()
    calls_before = len(probe.arrivals)
    assert fresh.undelivered() > 0

    fresh.start_worker(redis.url, probe, queue)
    fresh.wait_delivered()

    _assert_exactly_once_in_order(probe, 10)
    # What the killed worker had sent but not recorded was sent again, and the receiver's
    # idempotency key made the second arrival harmless.
    assert len(probe.arrivals) > len(probe.kept)
    assert calls_before >= 5


def test_a_broker_restart_loses_no_event(fresh, redis, probe):
    fresh.start_worker(redis.url, probe, f"q-{uuid.uuid4().hex[:6]}")
    _emit_rounds(fresh, 1, 4)
    fresh.wait_delivered()

    redis.stop()
    _emit_rounds(fresh, 5, 8)  # changes go on while the broker is down
    time.sleep(3)
    assert fresh.undelivered() > 0
    redis.start()
    fresh.wait_delivered(timeout=120)

    _assert_exactly_once_in_order(probe, 8)
    assert len(probe.arrivals) == len(probe.kept)


@pytest.mark.parametrize(
    "broker",
    [
        pytest.param("redis", id="redis"),
        pytest.param(os.environ.get("MOTCUA_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//"),
                     id="rabbitmq"),
    ],
)  # fmt: skip
def test_two_workers_on_each_broker_deliver_in_order(fresh, redis, probe, broker):
    url = redis.url if broker == "redis" else broker
    queue = f"q-{uuid.uuid4().hex[:6]}"
    fresh.start_worker(url, probe, queue)
    fresh.start_worker(url, probe, queue)
    _emit_rounds(fresh, 1, 15)
    fresh.wait_delivered()

    _assert_exactly_once_in_order(probe, 15)
