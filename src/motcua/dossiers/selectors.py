"""Reads of dossiers, always through who is asking (checked in the query, DESIGN.md).

A citizen sees a dossier they filed, one filed for them (as the applicant person), one of an
organisation they are an active member of, and — while a delegation is in force — the
principal's dossiers of the delegated procedures. Staff see the dossiers whose resolving agency
is within their ``dossier.view`` reach (``Dossier.agency_path``), or that their agency received.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q, QuerySet

from motcua.accounts.access import scope_of
from motcua.accounts.models import Delegation, Membership, Permission

from .models import Dossier, DossierDocument, DossierEvent, Status


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


def staff_dossiers(user) -> QuerySet[Dossier]:
    """Filed dossiers resolved within the staff member's reach, received by an agency within
    it, or held there for a hand-off."""
    scope = scope_of(user)
    condition = scope.q(Permission.DOSSIER_VIEW, "agency_path")
    if condition is None:
        return Dossier.objects.none()
    received_here = scope.q(Permission.DOSSIER_VIEW, "receiving_agency__path")
    held_here = scope.q(Permission.DOSSIER_VIEW, "holding_agency__path")
    return Dossier.objects.filed().filter(condition | received_here | held_here)


#: Statuses where the agency is working on the dossier (the clock may run).
OPEN_STATUSES = (
    Status.SUBMITTED, Status.RECEIVED, Status.IN_PROGRESS, Status.SUPPLEMENT, Status.PAYMENT,
    Status.WITHDRAWN,
)  # fmt: skip


@dataclass(frozen=True)
class QueueFilters:
    status: int | None = None
    procedure: str = ""
    due: str = ""  # "soon" (within 24 hours), "overdue"
    mine: bool = False
    channel: int | None = None
    open_only: bool = True
    q: str = ""


def work_queue(user, filters: QueueFilters, now=None) -> QuerySet[Dossier]:
    """The staff member's queue, most urgent first: open dossiers by appointment (none last),
    then the rest by last change."""
    from django.db.models import F
    from django.utils import timezone

    from .services import lookup_hash

    now = now or timezone.now()
    dossiers = staff_dossiers(user).select_related("procedure", "assigned_to", "holding_agency")
    if filters.status is not None:
        dossiers = dossiers.filter(status=filters.status)
    elif filters.open_only:
        dossiers = dossiers.filter(status__in=OPEN_STATUSES)
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


_PAGE_RELATIONS = (
    "procedure", "form", "receiving_agency", "resolving_agency", "holding_agency",
    "assigned_to", "province", "commune",
)  # fmt: skip


def staff_dossier(user, public_id) -> Dossier | None:
    return staff_dossiers(user).select_related(*_PAGE_RELATIONS).filter(public_id=public_id).first()


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
