"""Random sequences of pauses, hand-offs, apologies and refused actions, played through the one
write path at chosen moments: neither clock ever moves earlier, a hand-off never touches
them, and a refused action changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from tests.fixtures.accounts import make_citizen, make_staff
from tests.fixtures.dossiers import dossier_in

from motcua.dossiers import processing, workflow
from motcua.dossiers.models import Dossier
from motcua.units.models import Agency

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")

ACTIONS = ("request_supplement", "receive_supplement", "hand_off", "hand_back", "apologise")


@pytest.fixture
def world():
    here, other = Agency.objects.filter(kind="commune_committee", code__endswith=".H36").order_by(
        "code"
    )[:2]
    return {
        "here": here,
        "other": other,
        "owner": make_citizen("Đỗ Thị Lan"),
        "admin": make_staff("system_admin", None),
        "specialist": make_staff("specialist", here.code),
    }


def _inputs(action: str, dossier: Dossier, world, days: int) -> dict:
    if action == "request_supplement":
        return {"missing": "Giấy xác nhận nơi cư trú"}
    if action == "hand_off":
        return {"agency": world["other"], "days": days}
    if action == "apologise":
        later = (dossier.appointment_at or dossier.submitted_at) + timedelta(days=days)
        return {"reasons": "Chờ kết quả xác minh", "new_date": later}
    return {}


def _clocks(dossier: Dossier) -> tuple:
    return (dossier.status, dossier.stage, dossier.due_at, dossier.appointment_at)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    received=st.datetimes(
        min_value=datetime(2025, 1, 2), max_value=datetime(2028, 11, 1), timezones=st.just(VN)
    ),
    steps=st.lists(
        st.tuples(
            st.sampled_from(ACTIONS),
            st.one_of(st.integers(0, 8 * 60), st.integers(0, 15 * 24 * 60)),
            st.integers(-3, 20),
        ),
        min_size=1,
        max_size=8,
    ),
)
@example(  # an apology during a supplement, then a restart: the apology's date stands
    received=datetime(2025, 1, 2, 0, 0, tzinfo=VN),
    steps=[("request_supplement", 0, 0), ("apologise", 0, 1), ("receive_supplement", 0, 0)],
)
def test_no_sequence_of_events_brings_a_date_earlier(world, received, steps):
    admin = world["admin"]
    filed = dossier_in(workflow.NEW, here=world["here"], owner=world["owner"])
    Dossier.objects.filter(pk=filed.pk).update(submitted_at=received - timedelta(hours=1))
    moment = received
    dossier = processing.accept(filed.public_id, actor=admin, now=moment)
    legal, committed = dossier.due_at, dossier.appointment_at
    assert committed <= legal
    dossier = processing.assign(
        filed.public_id, actor=admin, now=moment, assignee=world["specialist"]
    )
    for action, minutes, days in steps:
        moment += timedelta(minutes=minutes)
        before = _clocks(dossier)
        try:
            after = processing.perform(
                filed.public_id, action, actor=admin, now=moment,
                **_inputs(action, dossier, world, days),
            )  # fmt: skip
        except (processing.NotAllowed, processing.InvalidInput):
            event(f"{action} refused")
            dossier.refresh_from_db()
            assert _clocks(dossier) == before  # refused: nothing written
            continue
        event(f"{action} done")
        assert after.due_at >= before[2] >= legal
        assert after.appointment_at >= before[3] >= committed
        if action in ("hand_off", "hand_back"):
            assert (after.due_at, after.appointment_at) == before[2:]
        if after.apologised_at is None:
            assert after.appointment_at <= after.due_at
        dossier = after
