"""Processes as data: which steps a dossier goes through, and its passage through them.

A procedure's internal process (``Process`` with its ``ProcessStep`` rows) is chosen by
:func:`process_for`: the one for the procedure and the dossier's province, else the one for
the procedure everywhere, else the province's general one, else the national general one;
with none configured the default :data:`DEFAULT_STEPS` applies (reception 10 %, processing
60 %, approval 20 %, return 10 % of the legal time: the desk's share is the working time a
same-day hand-over and the return need, the specialist has most of it).

:func:`record` runs inside ``processing.perform``: the transitions move the dossier from
step to step and each passage is a ``DossierStep`` row. A step's due date is its cumulative
share of the legal working time from the clock start, so that the last step ends at the legal
deadline; a hand-off step is due when the other agency's own deadline says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from motcua.accounts.models import Role
from motcua.core import audit
from motcua.core.calendar import DAY, HOUR, WORKING_DAY, WorkingCalendar

from . import deadlines
from .models import Dossier, DossierStep, Process, ProcessStep, StepKind


@dataclass(frozen=True)
class Step:
    kind: str
    role: str
    share: int
    agency: object = None  # an Agency, or None: the receiving or resolving agency

    @property
    def label(self) -> str:
        return str(StepKind(self.kind).label)

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label) if self.role in Role.values else self.role

    def agency_of(self, dossier: Dossier):
        if self.agency is not None:
            return self.agency
        if self.kind in (StepKind.RECEPTION, StepKind.RETURN):
            return dossier.receiving_agency
        return dossier.resolving_agency


DEFAULT_STEPS: tuple[Step, ...] = (
    Step(StepKind.RECEPTION, Role.CLERK, 10),
    Step(StepKind.PROCESSING, Role.SPECIALIST, 60),
    Step(StepKind.APPROVAL, Role.LEADER, 20),
    Step(StepKind.RETURN, Role.CLERK, 10),
)


def configured(procedure, province) -> Process | None:
    """The configured process that applies (most specific first), or None."""
    candidates = Process.objects.filter(
        Q(procedure=procedure) | Q(procedure__isnull=True),
        Q(province=province) | Q(province__isnull=True),
    )

    def rank(process: Process) -> tuple[int, int]:
        return (process.procedure_id is None, process.province_id is None)

    found = sorted(candidates, key=rank)
    return found[0] if found else None


def steps_of(process: Process | None) -> tuple[Step, ...]:
    if process is None:
        return DEFAULT_STEPS
    rows = process.steps.select_related("agency").order_by("position")
    return tuple(Step(s.kind, s.role, s.share, s.agency) for s in rows) or DEFAULT_STEPS


def process_for(procedure, province) -> tuple[Step, ...]:
    """The steps of the process a dossier of ``procedure`` in ``province`` goes through."""
    return steps_of(configured(procedure, province))


def budget_days(steps, limit) -> list[Decimal | None]:
    """Each step's budget in working days for a legal limit (``deadlines.Limit``): None where
    the limit is not counted in days or hours."""
    unit = str(limit.unit or "") if limit is not None else ""
    if unit not in (WORKING_DAY, DAY, HOUR):
        return [None for _ in steps]
    value = Decimal(str(limit.value))
    if unit == HOUR:  # working hours, in working days of the office sessions
        day = WorkingCalendar.current().hours().day_length
        value = value * 3600 / Decimal(day.total_seconds())
    return [(value * step.share / 100).quantize(Decimal("0.1")) for step in steps]


# --- A dossier's passage ---------------------------------------------------------------------


def current_step(dossier: Dossier) -> DossierStep | None:
    return (
        dossier.steps.filter(finished_at__isnull=True)
        .select_related("agency", "officer")
        .order_by("-started_at", "-id")
        .first()
    )


def _due(dossier: Dossier, steps, kind: str) -> datetime | None:
    """The due date of the first step of ``kind``: its cumulative share of the legal time."""
    if dossier.clock_started_at is None or dossier.due_at is None:
        return None
    calendar = WorkingCalendar.current()
    total = calendar.working_time_between(dossier.clock_started_at, dossier.due_at)
    cumulative = 0
    for step in steps:
        cumulative += step.share
        if step.kind == kind:
            return calendar.add_working_time(dossier.clock_started_at, total * cumulative / 100)
    return None


def _finish(step: DossierStep | None, now: datetime) -> None:
    if step is None:
        return
    step.finished_at = now
    step.timing = deadlines.classify(now, step.due_at, 0) if step.due_at else ""
    step.save(update_fields=["finished_at", "timing"])


def _open(dossier, steps, kind, *, actor, now, agency=None, officer=None, due=None):
    spec = next((s for s in steps if s.kind == kind), None)
    if agency is None:
        agency = spec.agency_of(dossier) if spec else Step(kind, "", 0).agency_of(dossier)
    return DossierStep.objects.create(
        dossier=dossier,
        kind=kind,
        agency=agency,
        handed_by=actor,
        officer=officer,
        started_at=now,
        due_at=due if due is not None else _due(dossier, steps, kind),
    )


#: The step each transition moves the dossier into (None: the passage ends).
NEXT_KIND = {
    "accept": StepKind.PROCESSING,
    "propose": StepKind.APPROVAL,
    "send_back": StepKind.PROCESSING,
    "approve": StepKind.RETURN,
    "hand_off": StepKind.HAND_OFF,
    "hand_back": StepKind.PROCESSING,
    "return_result": None,
    "refuse": None,
    "stop": None,
    "confirm_withdrawal": None,
}


def record(dossier: Dossier, action: str, *, actor, now: datetime) -> None:
    """Move the dossier's step rows for ``action`` (called by ``processing.perform``)."""
    if action == "assign":
        step = current_step(dossier)
        if step is not None and step.officer_id is None:
            step.officer = dossier.assigned_to
            step.handed_by = actor
            step.save(update_fields=["officer", "handed_by"])
        elif step is not None:  # a new specialist: a hand-over within the step
            _finish(step, now)
            _open(dossier, _steps(dossier), step.kind, actor=actor, now=now,
                  agency=step.agency, officer=dossier.assigned_to, due=step.due_at)  # fmt: skip
        return
    if action not in NEXT_KIND:
        return
    steps = _steps(dossier)
    if action == "accept":
        _finish(
            _open(dossier, steps, StepKind.RECEPTION, actor=actor, now=dossier.submitted_at or now,
                  officer=actor),
            now,
        )  # fmt: skip
    previous = current_step(dossier)
    _finish(previous, now)
    kind = NEXT_KIND[action]
    if kind is None:
        return
    if kind == StepKind.HAND_OFF:
        _open(dossier, steps, kind, actor=actor, now=now, agency=dossier.holding_agency,
              due=dossier.holding_due_at)  # fmt: skip
        return
    officer = dossier.assigned_to if kind == StepKind.PROCESSING and action != "accept" else None
    _open(dossier, steps, kind, actor=actor, now=now, officer=officer)


def _steps(dossier: Dossier) -> tuple[Step, ...]:
    return process_for(dossier.procedure, dossier.province)


# --- Editing (agency administrators) ---------------------------------------------------------


def problems_of(steps: list[Step]) -> list[str]:
    """What is wrong with a process as a whole (every problem at once, in Vietnamese)."""
    problems = []
    total = sum(step.share for step in steps)
    if total != 100:
        problems.append(
            _("Tổng tỷ lệ thời gian của các bước phải bằng 100%% (hiện là %(total)s%%).")
            % {"total": total}
        )
    kinds = {step.kind for step in steps}
    if StepKind.PROCESSING not in kinds:
        problems.append(_("Quy trình cần ít nhất một bước xử lý."))
    if StepKind.RETURN not in kinds:
        problems.append(_("Quy trình cần ít nhất một bước trả kết quả."))
    return problems


@transaction.atomic
def save_process(procedure, province, steps: list[Step], *, actor, request=None) -> Process:
    """Replace the steps of the process of ``procedure`` in ``province`` (None: everywhere),
    with its audit entry. Raises ``ValueError`` with the problems when the whole is wrong."""
    problems = problems_of(steps)
    if problems:
        raise ProcessProblems(problems)
    process, _created = Process.objects.select_for_update().get_or_create(
        procedure=procedure, province=province, defaults={"updated_by": actor}
    )
    before = [(s.kind, s.role, s.share, s.agency_id) for s in process.steps.all()]
    process.steps.all().delete()
    ProcessStep.objects.bulk_create(
        ProcessStep(
            process=process, position=i, kind=s.kind, role=s.role, share=s.share,
            agency=s.agency,
        )
        for i, s in enumerate(steps, start=1)
    )  # fmt: skip
    process.updated_by = actor
    process.save()
    audit.record(
        "process_changed",
        actor=actor,
        obj=process,
        request=request,
        procedure=procedure.code,
        province=getattr(province, "qcvn_code", None),
        before=before,
        after=[(s.kind, s.role, s.share, getattr(s.agency, "pk", None)) for s in steps],
    )
    return process


class ProcessProblems(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(" ".join(problems))
