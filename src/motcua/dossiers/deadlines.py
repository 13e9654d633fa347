"""A dossier's two clocks (DOMAIN.md §4, §8), on the shared working-day calendar.

- The **legal deadline** (``due_at``): the procedure's processing time from the catalogue,
  the hard limit the law and the national index use.
- The **committed appointment** (``appointment_at``): the province's committed time
  (``ProcessingCommitment``), which may be shorter; the citizen is given this date.

Both run from the clock start (the first working moment at or after acceptance). While the
citizen is asked for a supplement the clock is paused; when the complete supplement arrives
the processing period either **restarts** from that moment (the legal rule) or **resumes**,
both dates moved by the working time spent waiting (the national index's way), as
``MOTCUA_SUPPLEMENT_CLOCK`` says (``restart`` or ``resume``), per province where
``MOTCUA_SUPPLEMENT_CLOCK_BY_PROVINCE`` names one (``{"H36": "resume"}``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils.timezone import localtime

from motcua.core.calendar import WorkingCalendar

from .models import Dossier, ProcessingCommitment, Timing

RESTART, RESUME = "restart", "resume"


@dataclass(frozen=True)
class Limit:
    value: object
    unit: str


def legal_limit(procedure) -> Limit | None:
    from .services import processing_time

    value, unit = processing_time(procedure.pk, procedure.version)
    return Limit(value, unit) if value is not None else None


def committed_limit(procedure, province) -> Limit | None:
    """The province's commitment for the procedure (or one for every province), else the
    legal limit."""
    commitments = ProcessingCommitment.objects.filter(procedure=procedure)
    mine = None
    for commitment in commitments:
        if province is not None and commitment.province_id == province.pk:
            mine = commitment
            break
        if commitment.province_id is None:
            mine = commitment
    if mine is not None:
        return Limit(mine.time_value, mine.time_unit)
    return legal_limit(procedure)


def supplement_clock(province) -> str:
    by_province = getattr(settings, "MOTCUA_SUPPLEMENT_CLOCK_BY_PROVINCE", {}) or {}
    code = getattr(province, "qcvn_code", None)
    return by_province.get(code) or getattr(settings, "MOTCUA_SUPPLEMENT_CLOCK", RESTART)


def start(dossier: Dossier, received: datetime) -> None:
    """Acceptance: the clock starts, both dates are set."""
    calendar = WorkingCalendar.current()
    dossier.clock_started_at = calendar.start_of_clock(received)
    _set_dates(dossier, dossier.clock_started_at)


def _set_dates(dossier: Dossier, clock: datetime) -> None:
    calendar = WorkingCalendar.current()
    legal = legal_limit(dossier.procedure)
    committed = committed_limit(dossier.procedure, dossier.province)
    dossier.due_at = calendar.due(clock, legal.value, legal.unit) if legal else None
    appointment = calendar.due(clock, committed.value, committed.unit) if committed else None
    if appointment is not None and dossier.due_at is not None:
        appointment = min(appointment, dossier.due_at)  # a commitment never exceeds the law
    dossier.appointment_at = appointment


def pause(dossier: Dossier, at: datetime) -> None:
    if dossier.paused_at is None:
        dossier.paused_at = at


def resume(dossier: Dossier, at: datetime) -> timedelta:
    """The complete supplement arrived at ``at``: the clock runs again. Returns the working
    time spent waiting."""
    calendar = WorkingCalendar.current()
    if dossier.paused_at is None:
        return timedelta()
    waited = max(calendar.working_time_between(dossier.paused_at, at), timedelta())
    dossier.paused_seconds += int(waited.total_seconds())
    dossier.paused_at = None
    if supplement_clock(dossier.province) == RESTART:
        before = dossier.due_at, dossier.appointment_at
        dossier.clock_started_at = calendar.start_of_clock(at)
        _set_dates(dossier, dossier.clock_started_at)
        # A restart never takes back a later date already given (an apology's new date).
        dossier.due_at = _latest(dossier.due_at, before[0])
        dossier.appointment_at = _latest(dossier.appointment_at, before[1])
    else:
        if dossier.due_at is not None:
            dossier.due_at = calendar.add_working_time(dossier.due_at, waited)
        if dossier.appointment_at is not None:
            dossier.appointment_at = calendar.add_working_time(dossier.appointment_at, waited)
    return waited


def _latest(*moments: datetime | None) -> datetime | None:
    present = [m for m in moments if m is not None]
    return max(present) if present else None


def classify(end: datetime, deadline: datetime | None, supplements: int) -> str:
    """Early, on time or late (DOMAIN.md §8): by the local date of the end against the
    deadline's; more than one supplement request makes a dossier late."""
    if supplements > 1:
        return Timing.LATE
    if deadline is None:
        return ""
    ended, due = localtime(end).date(), localtime(deadline).date()
    if ended < due:
        return Timing.EARLY
    return Timing.ON_TIME if ended == due else Timing.LATE


def finish(dossier: Dossier, at: datetime) -> None:
    """End of processing: the moment and both classifications."""
    dossier.finished_at = at
    if dossier.received_at is None:
        return
    dossier.timing_legal = classify(at, dossier.due_at, dossier.supplement_count)
    dossier.timing_committed = classify(at, dossier.appointment_at, dossier.supplement_count)


def working_days_since(moment: datetime, now: datetime) -> float:
    return WorkingCalendar.current().working_days_between(moment, now)


def at_least_one_working_day_before(now: datetime, deadline: datetime) -> bool:
    """Whether ``now`` is at least one working day before ``deadline`` (the apology rule)."""
    return WorkingCalendar.current().working_days_between(now, deadline) >= 1
