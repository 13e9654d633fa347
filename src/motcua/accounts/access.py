"""Who may do what, where. Staff rights are roles held at agencies; each reaches its agency's
subtree (``Agency.path`` prefix) and, when narrowed, only some procedures.

Use :func:`scope_of` in views and selectors. Querysets are filtered with
:meth:`StaffScope.filter`, so objects outside a user's reach are never loaded; single objects are
checked with :meth:`StaffScope.allows`.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from motcua.units.models import Agency

from .models import (
    ROLE_PERMISSIONS,
    ROLES_AGENCY_ADMINS_GRANT,
    SUPERVISOR_AGENCY_KINDS,
    Permission,
    Role,
    RoleAssignment,
    User,
)

_CACHE_ATTR = "_motcua_staff_scope"


@dataclass(frozen=True)
class Grant:
    """One active role assignment, as far as checks need it."""

    assignment_id: int
    role: str
    agency_id: int | None
    #: The agency's tree path; "" for a system administrator (reaches every agency).
    path: str
    #: None: every procedure of the subtree; otherwise only these procedure ids.
    procedure_ids: frozenset[int] | None

    @property
    def permissions(self) -> frozenset[str]:
        return ROLE_PERMISSIONS.get(self.role, frozenset())

    def reaches(self, path: str, procedure_id: int | None = None) -> bool:
        if not path.startswith(self.path):
            return False
        return (
            self.procedure_ids is None
            or procedure_id is None
            or (procedure_id in self.procedure_ids)
        )


class StaffScope:
    """The active grants of one staff member, loaded once per request."""

    def __init__(self, user: User | None):
        self.user = user
        self.grants: tuple[Grant, ...] = tuple(self._load(user))

    @staticmethod
    def _load(user: User | None) -> Iterable[Grant]:
        if user is None or not user.is_authenticated or not user.is_active:
            return
        if not user.is_staff_member:
            return
        # One statement: each active assignment with its agency's path, once per procedure
        # it is narrowed to (one row with None when it is not narrowed).
        rows = (
            RoleAssignment.objects.active()
            .filter(user=user)
            .order_by("pk")
            .values_list("pk", "role", "agency_id", "agency__path", "agency__is_active",
                         "procedures__id")
        )  # fmt: skip
        found: dict[int, tuple] = {}
        narrowed: dict[int, set[int]] = {}
        for pk, role, agency_id, path, agency_active, procedure_id in rows:
            if agency_id and not agency_active:
                continue
            found.setdefault(pk, (role, agency_id, path or ""))
            if procedure_id is not None:
                narrowed.setdefault(pk, set()).add(procedure_id)
        has_system_role = False
        for pk, (role, agency_id, path) in found.items():
            has_system_role |= role == Role.SYSTEM_ADMIN
            yield Grant(
                assignment_id=pk,
                role=role,
                agency_id=agency_id,
                path=path if agency_id else "",
                procedure_ids=frozenset(narrowed[pk]) if pk in narrowed else None,
            )
        if user.is_superuser and not has_system_role:
            # A superuser created from the command line is a system administrator.
            yield Grant(0, Role.SYSTEM_ADMIN, None, "", None)

    # --- Questions --------------------------------------------------------------------------

    @property
    def is_staff(self) -> bool:
        return bool(self.grants)

    @property
    def is_system_admin(self) -> bool:
        return any(g.role == Role.SYSTEM_ADMIN for g in self.grants)

    def roles(self) -> set[str]:
        return {g.role for g in self.grants}

    def has(self, permission: str) -> bool:
        """Whether the user holds ``permission`` anywhere (to show a menu entry)."""
        return any(permission in g.permissions for g in self.grants)

    def allows(
        self, permission: str, agency: Agency | None, *, procedure_id: int | None = None
    ) -> bool:
        """Whether the user holds ``permission`` over ``agency`` (and that procedure)."""
        if agency is None:
            return self.is_system_admin and permission in ROLE_PERMISSIONS[Role.SYSTEM_ADMIN]
        return any(
            permission in g.permissions and g.reaches(agency.path, procedure_id)
            for g in self.grants
        )

    def q(self, permission: str, path_field: str = "path") -> Q | None:
        """A filter on ``path_field`` (an agency path) for the objects ``permission`` reaches;
        None when nothing is reached. Procedure narrowing is checked per object."""
        grants = [g for g in self.grants if permission in g.permissions]
        if not grants:
            return None
        if any(g.path == "" for g in grants):
            return Q()
        condition = Q()
        for path in _outermost(g.path for g in grants):
            condition |= Q(**{f"{path_field}__startswith": path})
        return condition

    def filter(self, queryset: QuerySet, permission: str, path_field: str = "path") -> QuerySet:
        condition = self.q(permission, path_field)
        return queryset.none() if condition is None else queryset.filter(condition)

    def agencies(self, permission: str) -> QuerySet[Agency]:
        """The agencies ``permission`` reaches (every agency of each grant's subtree)."""
        return self.filter(Agency.objects.active(), permission)

    def top_agencies(self, permission: str) -> list[Agency]:
        """The agencies at which ``permission`` is held (the roots of the reach)."""
        ids = {g.agency_id for g in self.grants if permission in g.permissions and g.agency_id}
        return list(Agency.objects.filter(pk__in=ids).order_by("path"))

    def may_grant(self, role: str, agency: Agency | None) -> bool:
        """Whether the user may grant (or revoke) ``role`` at ``agency``."""
        if self.is_system_admin:
            if role == Role.SYSTEM_ADMIN:
                return agency is None
            if agency is None:
                return False
            return role != Role.SUPERVISOR or agency.kind in SUPERVISOR_AGENCY_KINDS
        if role not in ROLES_AGENCY_ADMINS_GRANT or agency is None:
            return False
        return self.allows(Permission.STAFF_MANAGE, agency)

    def grantable_roles(self) -> list[str]:
        if self.is_system_admin:
            return list(Role.values)
        if self.has(Permission.STAFF_MANAGE):
            return list(ROLES_AGENCY_ADMINS_GRANT)
        return []


def _outermost(paths: Iterable[str]) -> list[str]:
    """Paths not inside another one of the list (a smaller filter, the same rows)."""
    result: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(kept) for kept in result):
            result.append(path)
    return result


def scope_of(user) -> StaffScope:
    """The staff scope of ``user``, computed once per user object (so once per request)."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = StaffScope(user)
        if user is not None:
            with suppress(AttributeError):  # AnonymousUser and friends may refuse attributes
                setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_scope(user) -> None:
    """Drop a cached scope after the user's roles changed."""
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
