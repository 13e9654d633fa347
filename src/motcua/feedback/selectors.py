"""Reads of feedback and ratings, filtered by who is asking (staff reach in the query)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from motcua.accounts.access import scope_of
from motcua.core.text import fold

from . import rules
from .models import OPEN_STATES, Feedback, FollowUp, State
from .services import FOLLOW_UP_CLOSE, HANDLE, INTAKE, PUBLISH, VIEW


def _reach(user, permissions, path_field: str = "agency_path") -> Q | None:
    scope = scope_of(user)
    condition = None
    for permission in permissions:
        q = scope.q(permission, path_field)
        if q is None:
            continue
        condition = q if condition is None else condition | q
    return condition


def staff_feedback(user) -> QuerySet[Feedback]:
    """Every feedback the staff member may see: of agencies within their reach."""
    condition = _reach(user, {*INTAKE, *HANDLE, *PUBLISH, *VIEW})
    if condition is None:
        return Feedback.objects.none()
    return Feedback.objects.filter(condition).select_related("agency")


def queue(user, *, show: str = "open") -> QuerySet[Feedback]:
    """The staff queue: open items first by their next deadline (none last)."""
    items = staff_feedback(user)
    if show == "open":
        items = items.filter(state__in=OPEN_STATES)
    elif show in State.values:
        items = items.filter(state=show)
    return items.order_by("due_at", "received_at")


def staff_item(user, public_id) -> Feedback | None:
    return (
        staff_feedback(user)
        .select_related("procedure", "subject_agency", "dossier", "transferred_from", "province")
        .filter(public_id=public_id)
        .first()
    )


def by_token(token: str) -> Feedback | None:
    """The feedback a follow-up link names, or None when the link is forged or too old."""
    public_id = rules.read_token(token, rules.FOLLOW_SALT, rules.follow_days())
    if public_id is None:
        return None
    return (
        Feedback.objects.select_related("agency", "procedure").filter(public_id=public_id).first()
    )


def published(*, q: str = "", agency_id=None, field_id=None) -> QuerySet[Feedback]:
    """Published answers; ``q`` matches every word with or without diacritics."""
    items = Feedback.objects.filter(state=State.PUBLISHED).select_related("agency", "field")
    for word in fold(q).split()[:10]:
        items = items.filter(search_text__contains=word)
    if agency_id:
        items = items.filter(agency_id=agency_id)
    if field_id:
        items = items.filter(field_id=field_id)
    return items.order_by("-published_at")


def published_item(code: str) -> Feedback | None:
    return (
        Feedback.objects.filter(state=State.PUBLISHED, code=code)
        .select_related("agency", "field")
        .first()
    )


def followups(user, *, closed: bool = False) -> QuerySet[FollowUp]:
    condition = _reach(user, {*VIEW, *FOLLOW_UP_CLOSE})
    if condition is None:
        return FollowUp.objects.none()
    items = FollowUp.objects.filter(condition, closed_at__isnull=not closed)
    return items.select_related("dossier", "dossier__procedure", "agency", "rating").order_by(
        "-created_at"
    )


def staff_followup(user, pk: int) -> FollowUp | None:
    condition = _reach(user, {*VIEW, *FOLLOW_UP_CLOSE})
    if condition is None:
        return None
    return (
        FollowUp.objects.filter(condition, pk=pk)
        .select_related("dossier", "dossier__procedure", "agency", "rating")
        .first()
    )
