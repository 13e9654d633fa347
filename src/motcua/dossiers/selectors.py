"""Reads of dossiers, always through who is asking (checked in the query, DESIGN.md).

A citizen sees a dossier they filed, one filed for them (as the applicant person), one of an
organisation they are an active member of, and — while a delegation is in force — the
principal's dossiers of the delegated procedures. Staff see the dossiers whose resolving agency
is within their ``dossier.view`` reach (``Dossier.agency_path``), or that their agency received.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Prefetch, Q, QuerySet

from motcua.accounts.access import scope_of
from motcua.accounts.models import Delegation, Membership, Permission, User

from .models import OPEN_STATUSES, Dossier, DossierDocument, DossierEvent, Status, Timing


def _citizen_reach(user) -> Q:
    memberships = Membership.objects.active().filter(person__user=user).values("organisation")
    condition = (
        Q(submitted_by=user)
        | Q(applicant_person__user=user)
        | Q(applicant_organisation__in=memberships)
    )
    for delegation in (
        Delegation.objects.in_force().filter(agent__user=user).prefetch_related("procedures")
    ):
        principal = (
            Q(applicant_person_id=delegation.principal_person_id)
            if delegation.principal_person_id
            else Q(applicant_organisation_id=delegation.principal_organisation_id)
        )
        condition |= principal & Q(procedure__in=[p.pk for p in delegation.procedures.all()])
    return condition


def citizen_dossiers(user) -> QuerySet[Dossier]:
    """Filed dossiers within the citizen's reach, and the drafts they started themselves (a
    draft is nobody else's business until it is filed)."""
    if not user.is_authenticated or not user.is_citizen:
        return Dossier.objects.none()
    reach = (_citizen_reach(user) & ~Q(status=Status.DRAFT)) | Q(submitted_by=user)
    return Dossier.objects.filter(reach).select_related(
        "procedure", "receiving_agency", "applicant_organisation"
    )


def dossiers_of(acting) -> QuerySet[Dossier]:
    """ "Hồ sơ của tôi" for the chosen context: the citizen's own, an organisation's, or the
    principal's (delegated procedures only)."""
    base = citizen_dossiers(acting.user)
    if acting.membership is not None:
        return base.filter(applicant_organisation=acting.organisation)
    if acting.delegation is not None:
        principal = (
            Q(applicant_person=acting.principal_person)
            if acting.principal_person is not None
            else Q(applicant_organisation=acting.organisation)
        )
        return base.filter(principal, procedure__in=acting.procedure_ids or [])
    return base.filter(
        Q(applicant_organisation__isnull=True)
        & (Q(applicant_person=acting.person) | Q(submitted_by=acting.user, delegation__isnull=True))
    )


def dossier_for_citizen(user, public_id) -> Dossier | None:
    return citizen_dossiers(user).filter(public_id=public_id).first()


def _reach(user) -> list[Q] | None:
    """The branches of a staff member's reach (resolved within it, received by an agency
    within it, held there): [] when nothing, None when everything (a system administrator).
    The agencies reached are ids read first from the small agency table, so that each branch
    uses its own index on the dossiers (a subquery would be hashed over a scan)."""
    from motcua.units.models import Agency

    scope = scope_of(user)
    condition = scope.q(Permission.DOSSIER_VIEW, "agency_path")
    if condition is None:
        return []
    if condition == Q():
        return None
    reached = list(
        Agency.objects.filter(scope.q(Permission.DOSSIER_VIEW)).values_list("pk", flat=True)
    )
    return [condition, Q(receiving_agency_id__in=reached), Q(holding_agency_id__in=reached)]


def _any_of(branches: list[Q]) -> Q:
    condition = branches[0]
    for branch in branches[1:]:
        condition |= branch
    return condition


def staff_dossiers(user) -> QuerySet[Dossier]:
    """Filed dossiers resolved within the staff member's reach, received by an agency within
    it, or held there for a hand-off."""
    branches = _reach(user)
    if branches is None:
        return Dossier.objects.filed()
    if not branches:
        return Dossier.objects.none()
    return Dossier.objects.filed().filter(_any_of(branches))


def _open_reach(user) -> QuerySet[Dossier]:
    """The open dossiers within reach, keeping only the branches that hold any: most desks
    have one (a centre receives, a department resolves), and a single branch lets the
    database walk its partial index in appointment order instead of sorting the whole set."""
    branches = _reach(user)
    open_ = Dossier.objects.filter(status__in=OPEN_STATUSES)
    if branches is None:
        return open_
    if not branches:
        return Dossier.objects.none()
    kept = [b for b in branches if open_.filter(b).exists()] or branches[:1]
    return open_.filter(_any_of(kept))


@dataclass(frozen=True)
class QueueFilters:
    status: int | None = None
    procedure: str = ""
    due: str = ""  # "soon" (within 24 hours), "overdue"
    mine: bool = False
    channel: int | None = None
    open_only: bool = True
    q: str = ""


#: What a queue row shows.
QUEUE_COLUMNS = (
    "id", "public_id", "code", "procedure", "status", "stage", "channel", "applicant_name",
    "assigned_to", "appointment_at", "due_at", "paused_at", "finished_at", "updated_at",
)  # fmt: skip


def work_queue(user, filters: QueueFilters, now=None) -> QuerySet[Dossier]:
    """The staff member's queue, most urgent first: open dossiers by appointment (none last),
    then the rest by last change."""
    from django.db.models import F
    from django.utils import timezone

    from .services import lookup_hash

    now = now or timezone.now()
    # A page's rows are chosen on the dossier table alone (narrow rows to sort); who is
    # assigned is read after, for those rows only, and the procedure comes from memory.
    open_default = filters.status is None and filters.open_only
    dossiers = (
        (_open_reach(user) if open_default else staff_dossiers(user))
        .only(*QUEUE_COLUMNS)
        .prefetch_related(
            Prefetch(
                "assigned_to",
                queryset=User.objects.only("id", "first_name", "last_name", "username"),
            ),
        )
    )
    if filters.status is not None:
        dossiers = dossiers.filter(status=filters.status)
    if filters.procedure:
        dossiers = dossiers.filter(procedure__code=filters.procedure)
    if filters.channel:
        dossiers = dossiers.filter(channel=filters.channel)
    if filters.mine:
        dossiers = dossiers.filter(assigned_to=user)
    if filters.due == "soon":
        dossiers = dossiers.filter(
            appointment_at__gt=now, appointment_at__lte=now + timedelta(hours=24)
        )
    elif filters.due == "overdue":
        dossiers = dossiers.filter(appointment_at__lte=now, paused_at__isnull=True)
    text = filters.q.strip()
    if text:
        digits = "".join(ch for ch in text if ch.isdigit())
        found = Q(code__iexact=text) | Q(applicant_name__icontains=text)
        if len(digits) in (9, 10, 12) and digits == text:
            digest = lookup_hash(digits)
            found |= Q(applicant_pid_hash=digest) | Q(applicant_phone_hash=digest)
        dossiers = dossiers.filter(found)
    return dossiers.order_by(F("appointment_at").asc(nulls_last=True), "-updated_at", "-id")


def staff_dossier(user, public_id) -> Dossier | None:
    """One dossier within the staff member's reach, with the reference data its page shows
    attached from each process's memory (a many-table join costs more to plan than to run)."""
    dossier = staff_dossiers(user).filter(public_id=public_id).order_by().first()
    return attach_reference_data(dossier, agencies=True) if dossier is not None else None


def attach_reference_data(dossier: Dossier, *, agencies: bool = False) -> Dossier:
    """Attach the dossier's e-form version, procedure facts, province and commune (and its
    agencies) from the per-process caches (``core.memo``); shared objects, never modified."""
    from motcua.catalog.selectors import procedure_facts
    from motcua.forms.selectors import form_of
    from motcua.units import selectors as units

    dossier.form = form_of(dossier.form_id)
    dossier.procedure = procedure_facts(dossier.procedure_id)
    relations = [("province", units.province), ("commune", units.commune)]
    if agencies:
        relations += [
            (name, units.agency)
            for name in ("receiving_agency", "resolving_agency", "holding_agency")
        ]
    for name, read in relations:
        key = getattr(dossier, f"{name}_id")
        if key:
            setattr(dossier, name, read(key))
    return dossier


def attachments(dossier: Dossier) -> QuerySet[DossierDocument]:
    return dossier.documents.filter(removed_at__isnull=True).select_related("file")


def public_events(dossier: Dossier) -> QuerySet[DossierEvent]:
    return dossier.events.order_by("at", "id")


def find_by_code(code: str, second_factor: str) -> Dossier | None:
    """The public lookup: a filed dossier whose code and applicant number or phone match."""
    from .services import lookup_hash

    digest = lookup_hash(second_factor)
    if not code or not digest:
        return None
    return (
        Dossier.objects.filed()
        .filter(code=code.strip())
        .filter(Q(applicant_pid_hash=digest) | Q(applicant_phone_hash=digest))
        .select_related("procedure", "receiving_agency")
        .first()
    )


@dataclass(frozen=True)
class TimingRow:
    agency: str | None
    procedure_code: str
    procedure_name: str
    finished: int
    early_legal: int
    on_time_legal: int
    late_legal: int
    early_committed: int
    late_committed: int

    @staticmethod
    def share(part: int, whole: int) -> str:
        return f"{part * 100 / whole:.1f} %" if whole else "—"

    @property
    def early_legal_share(self) -> str:
        return self.share(self.early_legal, self.finished)

    @property
    def early_committed_share(self) -> str:
        return self.share(self.early_committed, self.finished)

    @property
    def late_legal_share(self) -> str:
        return self.share(self.late_legal, self.finished)


def timing_report(user, start, end) -> list[TimingRow]:
    """Per resolving agency and procedure, the dossiers finished between ``start`` and
    ``end`` (received ones only) and how many were early, on time or late against the legal
    deadline and against the committed time — within the staff member's reach."""
    from django.db.models import Count, F

    scope = scope_of(user)
    condition = scope.q(Permission.STATS_VIEW, "agency_path")
    if condition is None:
        return []
    finished = Dossier.objects.filter(
        condition,
        finished_at__gte=start,
        finished_at__lt=end,
        received_at__isnull=False,
    )
    rows = (
        finished.values(
            agency=F("resolving_agency__name"),
            procedure_code=F("procedure__code"),
            procedure_name=F("procedure__name"),
        )
        .annotate(
            finished=Count("id"),
            early_legal=Count("id", filter=Q(timing_legal=Timing.EARLY)),
            on_time_legal=Count("id", filter=Q(timing_legal=Timing.ON_TIME)),
            late_legal=Count("id", filter=Q(timing_legal=Timing.LATE)),
            early_committed=Count("id", filter=Q(timing_committed=Timing.EARLY)),
            late_committed=Count("id", filter=Q(timing_committed=Timing.LATE)),
        )
        .order_by("agency", "procedure_code")
    )
    return [TimingRow(**row) for row in rows[:500]]
