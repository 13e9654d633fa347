"""The accounts app's models, one module per aggregate."""

from .codes import OneTimeCode
from .delegations import Delegation
from .organisations import (
    MANAGING_ROLES,
    MemberRole,
    Membership,
    Organisation,
    normalise_tax_code,
)
from .people import (
    AssuranceLevel,
    IdentityDocument,
    Person,
    Sex,
    is_valid_old_id,
    is_valid_pid,
    validate_old_id,
    validate_pid,
)
from .staff import (
    ROLE_PERMISSIONS,
    ROLES_AGENCY_ADMINS_GRANT,
    SUPERVISOR_AGENCY_KINDS,
    Permission,
    Role,
    RoleAssignment,
)
from .users import AccountType, User

__all__ = [
    "MANAGING_ROLES",
    "ROLES_AGENCY_ADMINS_GRANT",
    "ROLE_PERMISSIONS",
    "SUPERVISOR_AGENCY_KINDS",
    "AccountType",
    "AssuranceLevel",
    "Delegation",
    "IdentityDocument",
    "MemberRole",
    "Membership",
    "OneTimeCode",
    "Organisation",
    "Permission",
    "Person",
    "Role",
    "RoleAssignment",
    "Sex",
    "User",
    "is_valid_old_id",
    "is_valid_pid",
    "normalise_tax_code",
    "validate_old_id",
    "validate_pid",
]
