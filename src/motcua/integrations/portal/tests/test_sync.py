"""Pushes to the demo national portal over real HTTP: created then updated at each step, the
token kept until it expires, every injected fault retried until the portal has each dossier
once with its steps in order, a day-long outage drained in order, repeated acknowledgements
harmless, failures visible to administrators."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from motcua.core.models import Delivery, OutboxEvent
from motcua.dossiers.models import Status
from motcua.integrations.portal import plugins, services
from motcua.integrations.portal.handlers import SUBSCRIBER
from motcua.integrations.portal.models import DossierSync

from .conftest import dispatch, drain, file_at_desk, make_due, pending_pushes, step

pytestmark = pytest.mark.django_db

JOURNEY = ("accept", "assign", "propose", "approve", "return_result")


def test_a_dossier_is_created_at_the_portal_then_updated_at_every_step(portal, office):
    dossier = file_at_desk(office)
    dispatch()
    held = portal.dossier(dossier.code)
    assert held["TrangThaiHoSo"] == "1"
    assert held["_version"] == 1
    assert portal.arrivals(dossier.code) == ["created"]
    for action in JOURNEY:
        step(office, dossier, action)
        dispatch()
    held = portal.dossier(dossier.code)
    assert held["TrangThaiHoSo"] == str(Status.RETURNED)
    assert held["NgayTra"]
    assert held["NgayTiepNhan"]
    assert held["DanhSachGiayToKetQua"][0]["MaGiayToKetQua"] == f"{dossier.code}/KQ"
    # One push per event (approve writes two: the result, then the decision).
    assert portal.arrivals(dossier.code) == ["created"] + ["updated"] * (len(JOURNEY) + 1)
    assert portal.progress(dossier.code) == ["1", "2", "4", "4", "9", "10"]
    state = DossierSync.objects.get(dossier=dossier)
    assert state.last_status == Status.RETURNED
    assert state.created_remotely_at is not None
    assert state.pushes == len(JOURNEY) + 2
    assert not pending_pushes()


def test_the_token_is_kept_until_it_expires_then_fetched_again(portal, office, monkeypatch):
    dossier = file_at_desk(office)
    dispatch()
    step(office, dossier, "accept")
    dispatch()
    assert portal.state()["tokens_issued"] == 1
    later = plugins._now() + 7200  # past the token's hour
    monkeypatch.setattr(plugins, "_now", lambda: later)
    step(office, dossier, "assign")
    dispatch()
    assert portal.state()["tokens_issued"] == 2
    # The portal forgets its tokens before their time: the sync asks for one again, once.
    portal.receiver.store.expire_tokens()
    step(office, dossier, "propose")
    dispatch()
    assert portal.state()["tokens_issued"] == 3
    assert portal.progress(dossier.code) == ["1", "2", "4", "4"]
    assert not pending_pushes()


FAULTS = {
    "error": {"count": 3, "status": 502},
    "timeout": {"count": 2, "delay": 1.5},
    "slow": {"count": 4, "delay": 0.2},
    "duplicate_ack": {"count": 3},
    "token_error": {"mode": "error", "count": 2, "services": "token"},
    "progress_timeout": {"mode": "timeout", "count": 1, "delay": 1.5,
                         "services": "CapNhatTienDoHoSoMC"},
}  # fmt: skip


@pytest.mark.parametrize("fault", FAULTS, ids=str)
def test_each_injected_fault_is_retried_until_the_portal_has_every_step_once_in_order(
    portal, office, fault
):
    options = dict(FAULTS[fault])
    portal.fail(options.pop("mode", fault), **options)
    dossier = file_at_desk(office)
    step(office, dossier, "accept")
    step(office, dossier, "assign")
    rounds = drain()
    assert (rounds > 1) == (fault not in ("slow", "duplicate_ack")), rounds
    held = portal.dossier(dossier.code)
    assert held["TrangThaiHoSo"] == str(Status.IN_PROGRESS)
    assert [o for o in portal.arrivals(dossier.code) if o == "created"] == ["created"]
    assert portal.progress(dossier.code) == ["1", "2", "4"]
    keys = [p["key"] for p in portal.state()["progress"]]
    assert len(keys) == len(set(keys)) == 3
    assert DossierSync.objects.get(dossier=dossier).last_status == Status.IN_PROGRESS


def test_an_outage_of_a_day_leaves_a_backlog_that_drains_in_order_when_the_portal_is_back(
    portal, office
):
    portal.fail("outage")
    dossiers = [file_at_desk(office) for _ in range(3)]
    for dossier in dossiers:
        step(office, dossier, "accept")
    step(office, dossiers[0], "assign")
    step(office, dossiers[2], "assign")
    step(office, dossiers[2], "request_supplement")
    # A day of attempts: each round, every delivery's back-off (or the pause) has run out.
    for _hour in range(24):
        make_due()
        dispatch()
    assert portal.state()["dossiers"] == {}
    assert pending_pushes() == 9
    attempts = Delivery.objects.filter(subscriber=SUBSCRIBER).order_by("id").first().attempts
    assert attempts >= 20
    failing = services.failing()
    assert {f["code"] for f in failing} == {d.code for d in dossiers}
    assert "server_error" in failing[0]["last_error"]
    portal.heal()
    make_due()
    dispatch()
    assert not pending_pushes()
    assert portal.progress(dossiers[0].code) == ["1", "2", "4"]
    assert portal.progress(dossiers[1].code) == ["1", "2"]
    assert portal.progress(dossiers[2].code) == ["1", "2", "4", "5"]
    for dossier in dossiers:
        dossier.refresh_from_db()
        assert portal.dossier(dossier.code)["TrangThaiHoSo"] == str(dossier.status)
        assert portal.arrivals(dossier.code)[0] == "created"
        assert portal.arrivals(dossier.code).count("created") == 1


def test_a_repeated_delivery_and_a_duplicate_acknowledgement_change_nothing(portal, office):
    dossier = file_at_desk(office)
    dispatch()
    event = OutboxEvent.objects.get(topic="dossier.submitted", aggregate_id=str(dossier.public_id))
    portal.fail("duplicate_ack")
    assert services.push_event(event) in ("created", "updated")
    assert services.push_event(event) in ("created", "updated")
    assert list(portal.state()["dossiers"]) == [dossier.code]
    assert portal.progress(dossier.code) == ["1"]
    assert portal.arrivals(dossier.code) == ["created", "replayed", "replayed"]
    step(office, dossier, "accept")
    dispatch()
    assert portal.progress(dossier.code) == ["1", "2"]
    assert portal.dossier(dossier.code)["TrangThaiHoSo"] == "2"


def test_a_dossier_the_portal_already_holds_is_updated_not_created_twice(portal, office):
    dossier = file_at_desk(office)
    portal.receiver.store.save_dossiers(
        [{"MaHoSo": dossier.code, "MaTTHC": "1.001193", "TrangThaiHoSo": "1"}], updating=False
    )
    dispatch()
    assert portal.arrivals(dossier.code) == ["refused", "updated"]
    assert portal.dossier(dossier.code)["_version"] == 2
    assert not pending_pushes()


def test_a_failing_push_is_shown_with_its_error_and_nothing_is_recorded_as_pushed(
    portal, office, capsys
):
    portal.fail("error", status=503)
    dossier = file_at_desk(office)
    dispatch()
    assert not DossierSync.objects.filter(dossier=dossier).exists()
    assert "server_error" in services.last_error_of(dossier)
    call_command("portal_sync", "status")
    out = capsys.readouterr().out
    assert dossier.code in out
    assert "đang lỗi: 1" in out
    portal.heal()
    make_due()
    dispatch()
    assert services.last_error_of(dossier) == ""
    assert DossierSync.objects.get(dossier=dossier).last_status == Status.SUBMITTED


def test_with_the_sync_disabled_nothing_is_pushed_and_nothing_waits(portal, office, settings):
    settings.MOTCUA_PORTAL_SYNC = "disabled"
    file_at_desk(office)
    dispatch()
    assert portal.state()["arrivals"] == []
    assert not pending_pushes()


def test_a_portal_that_refuses_our_credentials_is_retried_and_named(portal, office, settings):
    settings.MOTCUA_PORTAL_SYNC_CLIENT_SECRET = "wrong"
    dossier = file_at_desk(office)
    dispatch()
    assert "auth" in services.last_error_of(dossier)
    settings.MOTCUA_PORTAL_SYNC_CLIENT_SECRET = "motcua-demo-secret"
    drain()
    assert portal.dossier(dossier.code)["TrangThaiHoSo"] == "1"


def test_a_dossier_the_portal_keeps_refusing_holds_back_only_its_own_later_steps(portal, office):
    stuck, other = file_at_desk(office), file_at_desk(office)
    portal.fail("error", codes=stuck.code)
    for dossier in (stuck, other):
        step(office, dossier, "accept")
        step(office, dossier, "assign")
    for _round in range(3):
        dispatch()
        make_due()
    assert portal.progress(other.code) == ["1", "2", "4"]
    assert portal.dossier(stuck.code) is None
    waiting = Delivery.objects.filter(subscriber=SUBSCRIBER, delivered_at__isnull=True)
    assert waiting.count() == 3
    assert waiting.filter(attempts=0).count() == 2  # its later steps wait their turn
    portal.heal()
    drain()
    assert portal.progress(stuck.code) == ["1", "2", "4"]
