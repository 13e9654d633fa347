"""The two clocks: the legal deadline and the committed appointment, the pause or restart
for a supplement, and the classification of a finished dossier (DOMAIN.md §4, §8)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.catalog.models import Procedure
from motcua.core.calendar import WorkingCalendar
from motcua.dossiers import deadlines
from motcua.dossiers.models import Dossier, ProcessingCommitment, Timing
from motcua.units.models import Province

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _dossier(code: str = "1.001193") -> Dossier:
    return Dossier(procedure=Procedure.objects.get(code=code), province=_lam_dong())


def _lam_dong() -> Province:
    return Province.objects.get(qcvn_code="H36")


def test_acceptance_starts_both_clocks_from_the_first_working_moment():
    dossier = _dossier()  # 1 working day in the catalogue
    friday_evening = datetime(2026, 12, 4, 18, 0, tzinfo=VN)
    deadlines.start(dossier, friday_evening)
    assert dossier.clock_started_at == datetime(2026, 12, 7, 7, 0, tzinfo=VN)  # Monday 07:00
    assert dossier.due_at == datetime(2026, 12, 7, 17, 0, tzinfo=VN)
    assert dossier.appointment_at == dossier.due_at  # no commitment: the legal limit


def test_the_province_commitment_gives_the_appointment_the_law_the_deadline():
    procedure = Procedure.objects.filter(channels__time_value__gte=10).order_by("code").first()
    ProcessingCommitment.objects.create(
        procedure=procedure, province=_lam_dong(), time_value=Decimal(2), time_unit="working_day"
    )
    dossier = Dossier(procedure=procedure, province=_lam_dong())
    monday = datetime(2026, 12, 7, 9, 0, tzinfo=VN)
    deadlines.start(dossier, monday)
    assert dossier.appointment_at == datetime(2026, 12, 9, 9, 0, tzinfo=VN)
    assert dossier.due_at > dossier.appointment_at
    other = Dossier(procedure=procedure, province=Province.objects.exclude(qcvn_code="H36")[0])
    deadlines.start(other, monday)
    assert other.appointment_at == other.due_at  # the commitment is Lâm Đồng's


def test_a_commitment_never_exceeds_the_legal_limit():
    procedure = Procedure.objects.get(code="1.001193")
    ProcessingCommitment.objects.create(
        procedure=procedure, province=None, time_value=Decimal(5), time_unit="working_day"
    )
    dossier = _dossier()
    deadlines.start(dossier, datetime(2026, 12, 7, 9, 0, tzinfo=VN))
    assert dossier.appointment_at == dossier.due_at


def test_after_a_supplement_the_period_restarts_or_resumes_as_configured(settings):
    received = datetime(2026, 12, 7, 9, 0, tzinfo=VN)  # Monday
    asked, answered = received + timedelta(hours=2), datetime(2026, 12, 9, 9, 0, tzinfo=VN)
    settings.MOTCUA_SUPPLEMENT_CLOCK = "restart"
    restarted = _dossier()
    deadlines.start(restarted, received)
    deadlines.pause(restarted, asked)
    waited = deadlines.resume(restarted, answered)
    assert waited == timedelta(hours=14)  # Monday 11:00 → Wednesday 09:00, working time
    assert restarted.due_at == datetime(2026, 12, 10, 9, 0, tzinfo=VN)  # 1 day from Wednesday
    settings.MOTCUA_SUPPLEMENT_CLOCK_BY_PROVINCE = {"H36": "resume"}
    resumed = _dossier()
    deadlines.start(resumed, received)
    before = resumed.due_at
    deadlines.pause(resumed, asked)
    deadlines.resume(resumed, answered)
    assert resumed.due_at == WorkingCalendar.current().add_working_time(before, waited)
    assert resumed.paused_seconds == 14 * 3600


@pytest.mark.parametrize(
    ("end", "supplements", "expected"),
    [
        (datetime(2026, 12, 9, 16, 0, tzinfo=VN), 0, Timing.EARLY),  # the day before
        (datetime(2026, 12, 10, 8, 0, tzinfo=VN), 0, Timing.ON_TIME),  # the same day, before
        (datetime(2026, 12, 10, 16, 30, tzinfo=VN), 0, Timing.ON_TIME),  # same day, after
        (datetime(2026, 12, 11, 8, 0, tzinfo=VN), 0, Timing.LATE),  # the next day
        (datetime(2026, 12, 9, 16, 0, tzinfo=VN), 1, Timing.EARLY),  # one supplement is fine
        (datetime(2026, 12, 9, 16, 0, tzinfo=VN), 2, Timing.LATE),  # two make it late
    ],
)
def test_classification_of_a_finished_dossier(end, supplements, expected):
    deadline = datetime(2026, 12, 10, 9, 0, tzinfo=VN)
    assert deadlines.classify(end, deadline, supplements) == expected


moments = st.datetimes(
    min_value=datetime(2021, 1, 1), max_value=datetime(2029, 12, 1), timezones=st.just(VN)
)


@settings(max_examples=60, deadline=None)
@given(
    received=moments,
    waits=st.lists(
        st.tuples(st.integers(0, 20 * 24 * 60), st.integers(0, 30 * 24 * 60)), max_size=3
    ),
    mode=st.sampled_from(["restart", "resume"]),
)
def test_supplement_pauses_never_bring_a_due_date_earlier(received, waits, mode):
    from django.test import override_settings

    with override_settings(MOTCUA_SUPPLEMENT_CLOCK=mode, MOTCUA_SUPPLEMENT_CLOCK_BY_PROVINCE={}):
        dossier = _dossier()
        deadlines.start(dossier, received)
        moment = received
        for before_ask, waiting in waits:
            due, appointment = dossier.due_at, dossier.appointment_at
            asked = moment + timedelta(minutes=before_ask)
            answered = asked + timedelta(minutes=waiting)
            deadlines.pause(dossier, asked)
            deadlines.resume(dossier, answered)
            assert dossier.due_at >= due
            assert dossier.appointment_at >= appointment
            assert dossier.appointment_at <= dossier.due_at
            moment = answered
