"""Reads for the staff pages, always within the reader's scope."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet

from motcua.accounts.access import scope_of
from motcua.accounts.models import Permission, RoleAssignment, User
from motcua.core.models import AuditEntry

PAGE_SIZE = 50


def staff_visible_to(reader: User) -> QuerySet[User]:
    """Staff accounts whose own agency is within the reader's ``staff.view`` reach."""
    base = (
        User.objects.staff()
        .select_related("agency")
        .prefetch_related(
            Prefetch(
                "role_assignments",
                queryset=RoleAssignment.objects.active().select_related("agency"),
                to_attr="active_roles",
            )
        )
        .order_by("agency__path", "first_name", "username")
    )
    scope = scope_of(reader)
    if scope.is_system_admin:
        return base
    return scope.filter(base, Permission.STAFF_VIEW, "agency__path")


def staff_page(reader: User, *, q: str = "", role: str = "", page: int = 1) -> Page:
    queryset = staff_visible_to(reader)
    if q:
        queryset = queryset.filter(Q(first_name__icontains=q) | Q(username__icontains=q))
    if role:
        queryset = queryset.filter(
            role_assignments__role=role, role_assignments__revoked_at__isnull=True
        ).distinct()
    return Paginator(queryset, PAGE_SIZE).get_page(page)


def staff_member(reader: User, public_id) -> User | None:
    return staff_visible_to(reader).filter(public_id=public_id).first()


def role_history(user: User) -> QuerySet[RoleAssignment]:
    return (
        RoleAssignment.objects.filter(user=user)
        .select_related("agency", "granted_by", "revoked_by")
        .prefetch_related("procedures")
        .order_by("revoked_at", "-created_at")
    )


def audit_about(user: User, limit: int = 30) -> list[AuditEntry]:
    """The latest security events about a staff account (logins, roles, second factor)."""
    return list(
        AuditEntry.objects.filter(object_type="accounts.user", object_id=str(user.pk))
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )
