"""One dossier's figures for the indicators (``FactValues``), computed by a pure function.

``fact_for(dossier, related=…, procedure=…)`` reads only its arguments: the dossier (with its
clocks and status), ``Related`` (its documents, result, payments, sync, feedback flags) and
``ProcedureFacts`` (what the catalogue says of its procedure at its place). ``load_related``
and ``procedure_facts`` read those for a batch of dossiers, so that the subscriber (one
dossier) and the backfill (thousands) share the same rules. See docs/statistics.md for the
meaning of each field.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime, timedelta

from django.utils.timezone import localtime

from motcua.core.calendar import WorkingCalendar
from motcua.core.memo import held
from motcua.dossiers.models import Channel, Dossier, DossierDocument, Status

#: Statuses where processing has ended (DOMAIN.md §8): done, returned, stopped, refused.
ENDED = (Status.DONE, Status.RETURNED, Status.STOPPED, Status.REFUSED)
REUSED = (
    DossierDocument.Digitisation.REUSED_COMPONENT,
    DossierDocument.Digitisation.REUSED_RESULT,
)


@dataclass(frozen=True)
class ProcedureFacts:
    """What the catalogue says of a procedure at one province."""

    #: The legal processing time (value, unit), for dossiers without a due date.
    limit: tuple | None = None
    fee_procedure: bool = False
    #: The procedure's result is a document (a named result in the catalogue).
    result_required: bool = False
    #: Listed as fully online (toàn trình) in the dossier's province.
    full_online: bool = False


@dataclass(frozen=True)
class Related:
    """A dossier's related rows, as far as the indicators need them."""

    #: (digitisation, from_store) of each document not removed.
    documents: tuple[tuple[int, bool], ...] = ()
    result_file: bool = False
    result_in_store: bool = False
    paid_online: bool = False
    fee_amount: int = 0
    synced: bool = False
    not_satisfied: bool = False
    has_feedback: bool = False


@dataclass(frozen=True)
class FactValues:
    agency_path: str
    province_id: int | None
    procedure_id: int
    period_day: date
    status: int
    state: str
    finished: bool = False
    end_day: date | None = None
    due_day: date | None = None
    supplement_count: int = 0
    elapsed_seconds: int = 0
    online: bool = False
    fully_online: bool = False
    eligible_full_online: bool = False
    fee_procedure: bool = False
    fee_nonzero: bool = False
    paid_online: bool = False
    result_required: bool = False
    result_file: bool = False
    digitised: bool = False
    reused: bool = False
    store_linked: bool = False
    population_data: bool = False
    not_satisfied: bool = False
    has_feedback: bool = False
    unsatisfying: bool = False
    synced: bool = False
    extra: dict = field(default_factory=dict, compare=False, repr=False)

    def as_fields(self) -> dict:
        values = asdict(self)
        values.pop("extra")
        return values

    @classmethod
    def from_row(cls, row) -> FactValues:
        return cls(**{f.name: getattr(row, f.name) for f in fields(cls) if f.name != "extra"})


FACT_FIELDS = tuple(f.name for f in fields(FactValues) if f.name != "extra")


def _day(moment: datetime | None) -> date | None:
    return localtime(moment).date() if moment is not None else None


def end_of(dossier: Dossier) -> datetime | None:
    """The end of processing (DOMAIN.md §8): the first of processed > returned > stopped or
    refused > withdrawn; a dossier waiting after a single supplement request ends at the
    request."""
    if dossier.finished_at is not None:
        return dossier.finished_at
    if dossier.status == Status.WITHDRAWN and dossier.withdrawn_at and not dossier.stage:
        return dossier.withdrawn_at  # withdrawn before reception: final at once
    if dossier.status == Status.SUPPLEMENT and dossier.supplement_count == 1:
        return dossier.paused_at
    return None


def effective_due(dossier: Dossier, limit, calendar: WorkingCalendar) -> datetime | None:
    """The legal deadline; without one, the procedure's maximum time from the clock start,
    moved by the supplement time (so that end − received − supplement time is compared with
    the maximum time)."""
    if dossier.due_at is not None:
        return dossier.due_at
    if dossier.received_at is None or not limit:
        return None
    start = calendar.start_of_clock(dossier.received_at)
    value, unit = limit
    due = calendar.due(start, value, unit)
    if dossier.paused_seconds:
        due = calendar.add_working_time(due, timedelta(seconds=dossier.paused_seconds))
    return due


def state_of(end: datetime | None, due: datetime | None, supplements: int) -> str:
    """early | on_time | late | open: by the local day of the end against the due day; more
    than one supplement request is late; an end without any deadline counts as on time."""
    if supplements > 1:
        return "late"
    if end is None:
        return "open"
    if due is None:
        return "on_time"
    ended, due_day = _day(end), _day(due)
    if ended < due_day:
        return "early"
    return "on_time" if ended == due_day else "late"


def population_data(dossier: Dossier) -> bool:
    """Filed by the applicant themself after a level-2 VNeID login: the form was prefilled
    from (and the person authenticated against) the national population database."""
    person = dossier.applicant_person if dossier.applicant_person_id else None
    return (
        person is not None
        and bool(person.eid_subject)
        and (person.assurance_level or 0) >= 2
        and person.user_id == dossier.submitted_by_id
        and dossier.assisted_by_id is None
    )


def fact_for(
    dossier: Dossier,
    *,
    related: Related,
    procedure: ProcedureFacts,
    calendar: WorkingCalendar | None = None,
) -> FactValues:
    calendar = calendar or WorkingCalendar.current()
    end = end_of(dossier)
    due = effective_due(dossier, procedure.limit, calendar)
    state = state_of(end, due, dossier.supplement_count)
    finished = dossier.finished_at is not None or (
        dossier.status == Status.WITHDRAWN and end is not None
    )
    elapsed = 0
    if finished and dossier.received_at is not None:
        start = calendar.start_of_clock(dossier.received_at)
        worked = calendar.working_time_between(start, end) - timedelta(
            seconds=dossier.paused_seconds
        )
        elapsed = max(int(worked.total_seconds()), 0)
    documents = related.documents
    has_files = bool(documents) and all(d != 0 for d, _store in documents)
    needs_result = procedure.result_required and dossier.status in (Status.DONE, Status.RETURNED)
    online = dossier.channel == Channel.ONLINE
    fee_nonzero = procedure.fee_procedure and related.fee_amount > 0
    population = population_data(dossier)
    late = state == "late"
    return FactValues(
        agency_path=dossier.agency_path
        or (dossier.receiving_agency.path if dossier.receiving_agency_id else ""),
        province_id=dossier.province_id,
        procedure_id=dossier.procedure_id,
        period_day=_day(dossier.received_at or dossier.submitted_at),
        status=dossier.status,
        state=state,
        finished=finished,
        end_day=_day(end),
        due_day=_day(due),
        supplement_count=dossier.supplement_count,
        elapsed_seconds=elapsed,
        online=online,
        fully_online=online and procedure.full_online,
        eligible_full_online=procedure.full_online,
        fee_procedure=procedure.fee_procedure,
        fee_nonzero=fee_nonzero,
        paid_online=related.paid_online,
        result_required=procedure.result_required,
        result_file=procedure.result_required and related.result_file,
        digitised=has_files and (not needs_result or related.result_file),
        reused=any(d in REUSED for d, _store in documents),
        store_linked=any(store for _d, store in documents) or related.result_in_store,
        population_data=population,
        not_satisfied=related.not_satisfied,
        has_feedback=related.has_feedback,
        unsatisfying=late or related.not_satisfied or related.has_feedback,
        synced=related.synced,
    )


# --- Reading the related rows ------------------------------------------------------------------


def feedback_flags(ids: Iterable[int]) -> dict[int, tuple[bool, bool]]:
    """(not satisfied, has a PAKN) per dossier, from the feedback app when it is installed."""
    ids = list(ids)
    try:
        from motcua.feedback.stats import dossier_flags
    except ImportError:
        return dict.fromkeys(ids, (False, False))
    found = dossier_flags(ids)
    return {pk: tuple(found.get(pk, (False, False))) for pk in ids}


@held(60)
def procedure_facts(procedure_id: int, province_id: int | None) -> ProcedureFacts:
    from motcua.catalog.models import FeeKind as CatalogueFeeKind
    from motcua.catalog.models import Listing, OnlineLevel, Procedure, SubmissionChannel
    from motcua.dossiers.services import processing_time
    from motcua.payments.models import FeeKind, FeeSchedule, Timing

    procedure = Procedure.objects.filter(pk=procedure_id).only("version", "results").first()
    if procedure is None:
        return ProcedureFacts()
    value, unit = processing_time(procedure_id, procedure.version)
    schedule = FeeSchedule.objects.filter(procedure_id=procedure_id).first()
    if schedule is not None:
        fee = schedule.kind != FeeKind.FREE and schedule.timing != Timing.EXEMPT
    else:
        fee = SubmissionChannel.objects.filter(
            procedure_id=procedure_id, fee_kind=CatalogueFeeKind.AMOUNT
        ).exists()
    full = (
        province_id is not None
        and Listing.objects.filter(
            procedure_id=procedure_id, province_id=province_id, online_level=OnlineLevel.FULL
        ).exists()
    )
    return ProcedureFacts(
        limit=(value, unit) if value is not None else None,
        fee_procedure=fee,
        result_required=bool(procedure.results),
        full_online=full,
    )


def load_related(dossiers: list[Dossier]) -> dict[int, Related]:
    """The related rows of a batch of dossiers, a few statements for the whole batch."""
    from motcua.documents.models import StoreItem, StoreItemKind
    from motcua.integrations.portal.models import DossierSync
    from motcua.payments.fees import fee_for
    from motcua.payments.models import FeeKind, FeeSchedule, Payment, PaymentStatus
    from motcua.results.models import ResultDocument

    ids = [d.pk for d in dossiers]
    documents: dict[int, list[tuple[int, bool]]] = {pk: [] for pk in ids}
    for pk, digitisation, store in DossierDocument.objects.filter(
        dossier_id__in=ids, removed_at__isnull=True
    ).values_list("dossier_id", "digitisation", "from_store"):
        documents[pk].append((digitisation, store))
    results = set(
        ResultDocument.objects.filter(dossier_id__in=ids).values_list("dossier_id", flat=True)
    )
    codes = {d.code: d.pk for d in dossiers if d.code}
    in_store = {
        codes[c]
        for c in StoreItem.objects.filter(
            kind=StoreItemKind.RESULT, source_dossier_code__in=list(codes)
        ).values_list("source_dossier_code", flat=True)
        if c in codes
    }
    paid = set(
        Payment.objects.filter(dossier_id__in=ids, status=PaymentStatus.PAID).values_list(
            "dossier_id", flat=True
        )
    )
    synced = set(
        DossierSync.objects.filter(dossier_id__in=ids, last_pushed_at__isnull=False).values_list(
            "dossier_id", flat=True
        )
    )
    flags = feedback_flags(ids)
    by_answer = set(
        FeeSchedule.objects.filter(
            procedure_id__in={d.procedure_id for d in dossiers}, kind=FeeKind.BY_ANSWER
        ).values_list("procedure_id", flat=True)
    )
    fees: dict[int, object] = {}  # what a procedure's dossiers owe, unless it depends on answers
    related = {}
    for dossier in dossiers:
        if dossier.procedure_id in by_answer:
            fee = fee_for(dossier)
        else:
            if dossier.procedure_id not in fees:
                fees[dossier.procedure_id] = fee_for(dossier)
            fee = fees[dossier.procedure_id]
        not_satisfied, has_feedback = flags.get(dossier.pk, (False, False))
        related[dossier.pk] = Related(
            documents=tuple(documents[dossier.pk]),
            result_file=dossier.pk in results,
            result_in_store=dossier.pk in in_store,
            paid_online=dossier.pk in paid,
            fee_amount=fee.amount if fee is not None else 0,
            synced=dossier.pk in synced,
            not_satisfied=bool(not_satisfied),
            has_feedback=bool(has_feedback),
        )
    return related


def dossiers_for_facts():
    """Filed dossiers with what ``fact_for`` reads of them."""
    return Dossier.objects.filed().select_related(
        "receiving_agency", "applicant_person", "procedure"
    )


def compute(dossiers: list[Dossier]) -> dict[int, FactValues]:
    """The facts of a batch of dossiers."""
    calendar = WorkingCalendar.current()
    related = load_related(dossiers)
    return {
        d.pk: fact_for(
            d,
            related=related[d.pk],
            procedure=procedure_facts(d.procedure_id, d.province_id),
            calendar=calendar,
        )
        for d in dossiers
    }
