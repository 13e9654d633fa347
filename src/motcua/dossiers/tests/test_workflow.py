"""The lifecycle table, enumerated: every allowed transition works from each of its states,
every other pair of state and action is refused and changes nothing, and who may take each
one is checked against roles and agencies."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from tests.fixtures.accounts import make_citizen, make_staff
from tests.fixtures.dossiers import dossier_in as make_dossier

from motcua.core.models import AuditEntry, OutboxEvent
from motcua.dossiers import processing, workflow
from motcua.dossiers.models import Dossier, DossierEvent, Stage, Status
from motcua.units.models import Agency

VN = ZoneInfo("Asia/Ho_Chi_Minh")

pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    committees = Agency.objects.filter(kind="commune_committee", code__endswith=".H36")
    here, other = committees.order_by("code")[:2]
    return {"here": here, "other": other}


@pytest.fixture
def people(place):
    here = place["here"].code
    return {
        "owner": make_citizen("Lê Thị Hạnh"),
        "admin": make_staff("system_admin", None),
        "clerk": make_staff("clerk", here),
        "specialist": make_staff("specialist", here),
        "leader": make_staff("leader", here),
        "supervisor": make_staff("supervisor", None),
        "other_specialist": make_staff("specialist", place["other"].code),
        "other_clerk": make_staff("clerk", place["other"].code),
    }


def dossier_in(state, *, place, people) -> Dossier:
    return make_dossier(
        state,
        here=place["here"],
        owner=people["owner"],
        specialist=people["specialist"],
        elsewhere=place["other"],
    )


def inputs_for(action: str, *, place, people) -> dict:
    later = timezone.now() + timedelta(days=20)
    return {
        "request_fixes": {"missing": "Bản sao giấy chứng sinh rõ nét"},
        "refuse": {"reasons": "Không thuộc thẩm quyền"},
        "assign": {"assignee": people["specialist"]},
        "request_supplement": {"missing": "Giấy xác nhận nơi cư trú"},
        "hand_off": {"agency": place["other"], "days": 2},
        "send_back": {"reasons": "Cần kiểm tra lại ngày sinh"},
        "stop": {"reasons": "Người nộp không đủ điều kiện"},
        "apologise": {"reasons": "Chờ xác minh", "new_date": later},
    }.get(action, {})


def _expected(transition, dossier):
    if transition.target is not None:
        return transition.target
    if transition.action in ("receive_supplement", "answer_supplement"):
        return workflow.PROCESSING if dossier.assigned_to_id else workflow.RECEIVED
    return workflow.state_of(dossier)  # the apology keeps the dossier where it is


def actor_for(transition, people):
    return people["owner"] if transition.actor == workflow.APPLICANT else people["admin"]


@pytest.mark.parametrize("state", workflow.STATES, ids=lambda s: f"{s[0]}-{s[1] or 'none'}")
def test_every_pair_of_state_and_action_is_allowed_exactly_as_the_table_says(state, place, people):
    for transition in workflow.TRANSITIONS:
        dossier = dossier_in(state, place=place, people=people)
        events = DossierEvent.objects.filter(dossier=dossier).count()
        call = lambda t=transition, d=dossier: processing.perform(  # noqa: E731
            d.public_id,
            t.action,
            actor=actor_for(t, people),
            **inputs_for(t.action, place=place, people=people),
        )
        if state in transition.sources:
            done = call()
            assert workflow.state_of(done) == _expected(transition, dossier), transition.action
            assert DossierEvent.objects.filter(dossier=dossier, action=transition.action).exists()
            assert AuditEntry.objects.filter(action=f"dossier_{transition.action}").exists()
            assert OutboxEvent.objects.filter(
                topic="dossier.status_changed", aggregate_id=str(dossier.public_id)
            ).exists()
            if transition.finishes:
                assert done.finished_at is not None, transition.action
        else:
            with pytest.raises(processing.NotAllowed) as refused:
                call()
            assert refused.value.code == "wrong_state", transition.action
            assert "Không thể" in refused.value.message_vi
            dossier.refresh_from_db()
            assert workflow.state_of(dossier) == state
            assert DossierEvent.objects.filter(dossier=dossier).count() == events


def test_the_table_covers_every_state_and_leads_only_to_known_states():
    for transition in workflow.TRANSITIONS:
        assert transition.sources <= set(workflow.STATES), transition.action
        assert transition.target is None or transition.target in workflow.STATES
        assert transition.action in processing.EFFECTS
    terminal = {
        (Status.REFUSED, Stage.NONE),
        (Status.STOPPED, Stage.NONE),
        (Status.RETURNED, Stage.NONE),
        (Status.WITHDRAWN, Stage.NONE),
    }
    for state in workflow.STATES:
        assert bool(workflow.actions_from(state)) == (state not in terminal), state


ROLE_OF = {
    "request_fixes": "clerk",
    "accept": "clerk",
    "refuse": "clerk",
    "assign": "leader",
    "request_supplement": "specialist",
    "receive_supplement": "clerk",
    "request_payment": "specialist",
    "confirm_payment": "clerk",
    "hand_off": "specialist",
    "hand_back": "other_specialist",
    "propose": "specialist",
    "send_back": "leader",
    "approve": "leader",
    "stop": "leader",
    "apologise": "specialist",
    "confirm_withdrawal": "clerk",
    "return_result": "clerk",
    "answer_supplement": "owner",
    "submit_fixes": "owner",
    "request_withdrawal": "owner",
}


def refused_for(transition) -> list[str]:
    """Who must be refused, from the roles' definitions (accounts.ROLE_PERMISSIONS)."""
    from motcua.accounts.models import ROLE_PERMISSIONS

    if transition.actor == workflow.APPLICANT:
        return ["clerk", "leader", "admin", "stranger"]
    permissions = {transition.actor, *transition.also}
    names = ["supervisor", "other_clerk", "owner", "stranger"]
    names += [
        role
        for role in ("clerk", "specialist", "leader")
        if not ROLE_PERMISSIONS[role] & permissions
    ]
    if transition.over == workflow.HOLDING:
        names.append("specialist")  # at the resolving agency, not the one holding it
    else:
        names.append("other_specialist")
    return sorted(set(names))


@pytest.mark.parametrize("transition", workflow.TRANSITIONS, ids=lambda t: t.action)
def test_each_transition_is_taken_by_its_role_at_its_agency_and_refused_to_others(
    transition, place, people
):
    people["stranger"] = make_citizen("Phạm Văn Khách")
    source = sorted(transition.sources)[0]
    inputs = inputs_for(transition.action, place=place, people=people)
    for name in refused_for(transition):
        dossier = dossier_in(source, place=place, people=people)
        assert transition not in processing.available(people[name], dossier), name
        with pytest.raises(processing.NotAllowed) as refused:
            processing.perform(dossier.public_id, transition.action, actor=people[name], **inputs)
        assert refused.value.code == "forbidden", (transition.action, name)
        assert "không có quyền" in refused.value.message_vi
    dossier = dossier_in(source, place=place, people=people)
    actor = people[ROLE_OF[transition.action]]
    assert transition in processing.available(actor, dossier)
    processing.perform(dossier.public_id, transition.action, actor=actor, **inputs)


def test_inputs_missing_are_all_listed_at_once_and_nothing_is_written(place, people):
    dossier = dossier_in(workflow.PROCESSING, place=place, people=people)
    with pytest.raises(processing.InvalidInput) as refused:
        processing.hand_off(dossier.public_id, actor=people["specialist"], agency=None, days="x")
    assert set(refused.value.problems) == {"agency", "days"}
    dossier.refresh_from_db()
    assert workflow.state_of(dossier) == workflow.PROCESSING
    assert not DossierEvent.objects.filter(dossier=dossier).exists()


def test_the_journey_of_a_dossier_through_the_desk_the_specialist_and_the_leader(place, people):
    clerk, specialist, leader = people["clerk"], people["specialist"], people["leader"]
    dossier = dossier_in(workflow.NEW, place=place, people=people)
    pid = dossier.public_id
    # Played on a Tuesday morning, one step a quarter of an hour, whatever the time the tests
    # run at: received within office hours, decided the same day, early on both clocks.
    moments = (
        datetime(2026, 12, 8, 9, 0, tzinfo=VN) + timedelta(minutes=15 * n) for n in range(20)
    )
    received = processing.accept(pid, actor=clerk, now=next(moments))
    assert received.status == Status.RECEIVED
    assert received.received_at is not None
    assert received.due_at is not None
    assert received.appointment_at <= received.due_at
    processing.assign(pid, actor=leader, assignee=specialist, now=next(moments))
    processing.request_supplement(
        pid, actor=specialist, missing="Giấy xác nhận cư trú", now=next(moments)
    )
    after = processing.answer_supplement(pid, actor=people["owner"], now=next(moments))
    assert workflow.state_of(after) == workflow.PROCESSING  # back to the assigned specialist
    processing.hand_off(pid, actor=specialist, agency=place["other"], days=2, now=next(moments))
    processing.hand_back(pid, actor=people["other_specialist"], now=next(moments))
    processing.propose(pid, actor=specialist, now=next(moments))
    processing.send_back(pid, actor=leader, reasons="Ghi thiếu quê quán", now=next(moments))
    processing.propose(pid, actor=specialist, now=next(moments))
    done = processing.approve(pid, actor=leader, now=next(moments))
    assert done.status == Status.DONE
    assert done.timing_legal == "early"
    assert done.timing_committed == "early"
    returned = processing.return_result(pid, actor=clerk, now=next(moments))
    assert returned.status == Status.RETURNED
    assert returned.returned_at is not None
    actions = list(
        DossierEvent.objects.filter(dossier=done)
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "accept", "assign", "request_supplement", "answer_supplement", "hand_off", "hand_back",
        "propose", "send_back", "propose", "approve", "return_result",
    ]  # fmt: skip


def test_a_fixes_request_and_an_apology_are_allowed_once(place, people):
    dossier = dossier_in(workflow.NEW, place=place, people=people)
    processing.request_fixes(dossier.public_id, actor=people["clerk"], missing="Bản chụp rõ")
    processing.submit_fixes(dossier.public_id, actor=people["owner"])
    with pytest.raises(processing.NotAllowed) as refused:
        processing.request_fixes(dossier.public_id, actor=people["clerk"], missing="Lần nữa")
    assert "một lần" in refused.value.message_vi
    dossier = dossier_in(workflow.PROCESSING, place=place, people=people)
    new_date = dossier.appointment_at + timedelta(days=5)
    apologised = processing.apologise(
        dossier.public_id, actor=people["specialist"], reasons="Chờ xác minh", new_date=new_date
    )
    assert apologised.appointment_at == new_date
    with pytest.raises(processing.NotAllowed) as refused:
        processing.apologise(
            dossier.public_id,
            actor=people["specialist"],
            reasons="Lần nữa",
            new_date=new_date + timedelta(days=1),
        )
    assert "một lần" in refused.value.message_vi


def test_an_apology_comes_at_least_a_working_day_before_the_appointment(place, people):
    dossier = dossier_in(workflow.PROCESSING, place=place, people=people)
    Dossier.objects.filter(pk=dossier.pk).update(appointment_at=timezone.now() + timedelta(hours=1))
    with pytest.raises(processing.NotAllowed) as refused:
        processing.apologise(
            dossier.public_id,
            actor=people["specialist"],
            reasons="Chờ xác minh",
            new_date=timezone.now() + timedelta(days=5),
        )
    assert "1 ngày làm việc" in refused.value.message_vi


def test_a_supplement_is_asked_for_within_three_working_days_of_receipt(place, people):
    dossier = dossier_in(workflow.PROCESSING, place=place, people=people)
    Dossier.objects.filter(pk=dossier.pk).update(received_at=timezone.now() - timedelta(days=10))
    with pytest.raises(processing.NotAllowed) as refused:
        processing.request_supplement(dossier.public_id, actor=people["specialist"], missing="x")
    assert "3 ngày làm việc" in refused.value.message_vi


def test_the_deadline_job_warns_once_before_and_once_after_the_appointment(place, people):
    soon = dossier_in(workflow.PROCESSING, place=place, people=people)
    late = dossier_in(workflow.PROCESSING, place=place, people=people)
    paused = dossier_in(workflow.SUPPLEMENT, place=place, people=people)
    now = timezone.now()
    Dossier.objects.filter(pk=soon.pk).update(appointment_at=now + timedelta(hours=5))
    Dossier.objects.filter(pk__in=[late.pk, paused.pk]).update(
        appointment_at=now - timedelta(hours=1)
    )
    assert processing.flag_deadlines(now) == (1, 1)
    assert processing.flag_deadlines(now) == (0, 0)
    topics = set(OutboxEvent.objects.values_list("topic", "aggregate_id"))
    assert ("dossier.due_soon", str(soon.public_id)) in topics
    assert ("dossier.overdue", str(late.public_id)) in topics
    assert ("dossier.overdue", str(paused.public_id)) not in topics


def test_the_deadline_command_reports_what_it_flagged(place, people):
    from io import StringIO

    from django.core.management import call_command

    late = dossier_in(workflow.PROCESSING, place=place, people=people)
    Dossier.objects.filter(pk=late.pk).update(appointment_at=timezone.now() - timedelta(hours=1))
    out = StringIO()
    call_command("deadlines", stdout=out)
    assert "quá hạn: 1 hồ sơ" in out.getvalue()


def test_the_event_of_a_step_carries_what_the_applicant_is_told(place, people):
    dossier = dossier_in(workflow.PROCESSING, place=place, people=people)
    processing.request_supplement(
        dossier.public_id, actor=people["specialist"], missing="Bản sao giấy chứng sinh"
    )
    event = OutboxEvent.objects.filter(
        topic="dossier.status_changed", aggregate_id=str(dossier.public_id)
    ).latest("created_at")
    assert event.payload["action"] == "request_supplement"
    assert event.payload["missing"] == "Bản sao giấy chứng sinh"
