"""The pure rules of one dossier's fact (DOMAIN.md §7, §8, §10, §11), on dossiers built in
memory: no database, the working calendar from the bundled holiday data."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from motcua.core.calendar import WorkingCalendar
from motcua.dossiers.models import Channel, Dossier, Stage, Status
from motcua.stats.facts import ProcedureFacts, Related, fact_for, state_of
from motcua.stats.rollups import contributions, delta, nodes_of

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CALENDAR = WorkingCalendar.from_file()
DAY = ProcedureFacts(limit=(1, "working_day"), result_required=True)


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=VN)  # 9 March 2026 is a Monday


def dossier(**fields) -> Dossier:
    values = {
        "procedure_id": 7, "status": Status.IN_PROGRESS, "channel": Channel.ONLINE,
        "agency_path": "000.00.00.H36/229.18.90.H36/", "province_id": 36,
        "submitted_at": at(9, 8), "received_at": at(9, 9), "due_at": at(10, 9),
    }  # fmt: skip
    values.update(fields)
    return Dossier(**values)


def fact(d: Dossier, related: Related | None = None, procedure: ProcedureFacts = DAY):
    return fact_for(d, related=related or Related(), procedure=procedure, calendar=CALENDAR)


@pytest.mark.parametrize(
    ("finished", "state"),
    [(at(9, 15), "early"), (at(10, 16), "on_time"), (at(11, 8), "late")],
)
def test_early_on_time_late_by_the_local_day_of_the_end(finished, state):
    done = dossier(status=Status.DONE, finished_at=finished)
    assert fact(done).state == state
    assert fact(done).end_day == finished.date()


def test_an_end_late_at_night_utc_is_the_next_local_day():
    # 17:30 UTC on the 10th is 00:30 on the 11th in Vietnam: late.
    end = datetime(2026, 3, 10, 17, 30, tzinfo=ZoneInfo("UTC"))
    assert state_of(end, at(10, 9), 0) == "late"


def test_more_than_one_supplement_request_is_late_even_when_early():
    assert (
        fact(dossier(status=Status.DONE, finished_at=at(9, 15), supplement_count=2)).state == "late"
    )
    assert fact(dossier(supplement_count=2)).state == "late"  # open, already late


def test_waiting_after_a_single_supplement_request_ends_at_the_request():
    waiting = dossier(status=Status.SUPPLEMENT, supplement_count=1, paused_at=at(11, 10))
    found = fact(waiting)
    assert (found.state, found.end_day, found.finished) == ("late", date(2026, 3, 11), False)


def test_without_a_due_date_the_maximum_time_less_the_supplement_time_is_compared():
    # Received Monday 09:00, 1 working day, 8 working hours waited: due Wednesday 09:00.
    late_ok = dossier(
        due_at=None, status=Status.DONE, finished_at=at(11, 8), paused_seconds=8 * 3600
    )
    assert fact(late_ok).due_day == date(2026, 3, 11)
    assert fact(late_ok).state == "on_time"
    assert fact(dossier(due_at=None, status=Status.DONE, finished_at=at(11, 8))).state == "late"
    unknown = ProcedureFacts(limit=None)
    assert (
        fact(dossier(due_at=None, status=Status.DONE, finished_at=at(20)), procedure=unknown).state
        == "on_time"
    )


def test_open_dossiers_are_open_and_carry_their_due_day():
    found = fact(dossier())
    assert (found.state, found.due_day, found.finished) == ("open", date(2026, 3, 10), False)


def test_a_dossier_enters_a_period_by_receipt_day_else_submission_day():
    assert fact(dossier(received_at=at(12, 16))).period_day == date(2026, 3, 12)
    refused = dossier(received_at=None, due_at=None, status=Status.REFUSED, finished_at=at(10))
    assert fact(refused).period_day == date(2026, 3, 9)
    assert fact(refused).state == "on_time"


def test_withdrawn_before_reception_ends_at_once():
    gone = dossier(status=Status.WITHDRAWN, stage=Stage.NONE, received_at=None, due_at=None,
                   withdrawn_at=at(9, 10))  # fmt: skip
    assert (fact(gone).state, fact(gone).finished) == ("on_time", True)
    asking = dossier(status=Status.WITHDRAWN, stage=Stage.WITHDRAWAL, withdrawn_at=at(9, 10))
    assert fact(asking).state == "open"


def test_elapsed_working_time_subtracts_the_supplement_time():
    done = dossier(status=Status.DONE, finished_at=at(10, 15), paused_seconds=3600)
    # Mon 09:00–17:00 is 6 h of sessions, Tue 07:00–15:00 another 6 h: 12 h − 1 h waited.
    assert fact(done).elapsed_seconds == 11 * 3600


def test_digitised_needs_every_live_document_digitised_and_the_result_when_done():
    files = Related(documents=((1, False), (2, False)))
    assert fact(dossier(), files).digitised
    assert fact(dossier(), files).reused
    assert not fact(dossier(), Related(documents=((1, False), (0, False)))).digitised
    assert not fact(dossier(), Related()).digitised  # nothing attached
    done = dossier(status=Status.DONE, finished_at=at(9, 15))
    assert not fact(done, files).digitised  # the result is a document: its file is missing
    assert fact(done, Related(documents=((1, False),), result_file=True)).digitised
    assert fact(done, Related(documents=((1, False),), result_file=True)).result_file


def test_store_link_and_online_flags():
    assert fact(dossier(), Related(documents=((1, True),))).store_linked
    assert fact(dossier(), Related(result_in_store=True)).store_linked
    full = ProcedureFacts(limit=(1, "working_day"), full_online=True)
    assert fact(dossier(), procedure=full).fully_online
    assert not fact(dossier(channel=Channel.DIRECT), procedure=full).fully_online
    assert fact(dossier(channel=Channel.DIRECT), procedure=full).eligible_full_online


def test_unsatisfying_once_for_late_not_satisfied_or_feedback():
    late = dossier(status=Status.DONE, finished_at=at(12))
    assert fact(late).unsatisfying
    assert fact(dossier(), Related(not_satisfied=True)).unsatisfying
    assert fact(dossier(), Related(has_feedback=True)).unsatisfying
    both = fact(late, Related(not_satisfied=True, has_feedback=True))
    assert contributions(both)[0][("", 0, "d", date(2026, 3, 9))][-2] == 1  # counted once
    assert not fact(dossier()).unsatisfying


def test_fee_dossiers_need_a_fee_procedure_and_a_non_zero_amount():
    fee = ProcedureFacts(limit=(1, "working_day"), fee_procedure=True)
    assert fact(dossier(), Related(fee_amount=50000), procedure=fee).fee_nonzero
    assert not fact(dossier(), Related(fee_amount=0), procedure=fee).fee_nonzero


def test_a_fact_counts_at_each_ancestor_and_the_nation_for_its_procedure_and_all():
    assert nodes_of("A/B/") == ["", "A/", "A/B/"]
    rows, opened = contributions(fact(dossier()))
    nodes = {key[0] for key in rows}
    assert nodes == {"", "000.00.00.H36/", "000.00.00.H36/229.18.90.H36/"}
    assert {key[1] for key in rows} == {0, 7}
    assert {(key[2], key[3]) for key in rows} == {("d", date(2026, 3, 9)), ("m", date(2026, 3, 1))}
    assert len(rows) == len(opened) == 12
    assert {key[4] for key in opened} == {date(2026, 3, 10)}


def test_the_difference_of_a_fact_with_itself_is_nothing():
    one = fact(dossier())
    assert delta(one, one) == ({}, {})
    done = fact(dossier(status=Status.DONE, finished_at=at(9, 15)))
    _rows, opened = delta(one, done)
    assert all(v == -1 for v in opened.values())
    assert len(opened) == 12
