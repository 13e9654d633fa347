"""Staff accounts and their roles, managed by agency administrators within their subtree (and
by system administrators everywhere). Every change is audited; nobody changes their own roles.
"""

from __future__ import annotations

from collections.abc import Sequence

import structlog
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.core import audit
from motcua.notifications.delivery import DeliveryError, send_email
from motcua.units.models import Agency

from ..access import forget_scope, scope_of
from ..models import AccountType, Permission, Role, RoleAssignment, User
from . import mfa

log = structlog.get_logger(__name__)


class StaffError(Exception):
    def __init__(self, code: str, message_vi: str, *, field: str | None = None):
        self.code = code
        self.message_vi = message_vi
        self.field = field
        super().__init__(code)


def manages(actor: User, staff: User) -> bool:
    """Whether ``actor`` may manage ``staff`` (their own agency is within reach)."""
    if actor.pk == staff.pk or not staff.is_staff_member:
        return False
    scope = scope_of(actor)
    if scope.is_system_admin:
        return True
    return staff.agency_id is not None and scope.allows(Permission.STAFF_MANAGE, staff.agency)


def _require_manager(actor: User, staff: User) -> None:
    if actor.pk == staff.pk:
        raise StaffError("self", _("Bạn không tự thay đổi tài khoản, vai trò của mình được."))
    if not manages(actor, staff):
        raise StaffError("forbidden", _("Cán bộ này không thuộc phạm vi bạn quản lý."))


def _check_grant(actor: User, role: str, agency: Agency | None) -> None:
    scope = scope_of(actor)
    if role not in Role.values:
        raise StaffError("role", _("Vai trò không hợp lệ."), field="role")
    if role == Role.SUPERVISOR and (
        agency is None or agency.kind not in (Agency.Kind.PROVINCE_COMMITTEE, Agency.Kind.MINISTRY)
    ):
        raise StaffError(
            "supervisor_agency",
            _("Vai trò giám sát chỉ gán tại UBND tỉnh, thành phố hoặc bộ, ngành."),
            field="agency",
        )
    if not scope.may_grant(role, agency):
        raise StaffError(
            "grant_forbidden",
            _("Bạn không được gán vai trò này tại cơ quan này."),
            field="role"
            if agency is None or scope.allows(Permission.STAFF_MANAGE, agency)
            else "agency",
        )


@transaction.atomic
def create_staff(
    *,
    actor: User,
    username: str,
    full_name: str,
    email: str,
    agency: Agency,
    role: str,
    position: str = "",
    phone: str = "",
    request=None,
) -> User:
    """A new staff account at ``agency`` with one role; an invitation to set the password is
    e-mailed (the second factor is set up at the first login)."""
    scope = scope_of(actor)
    if not scope.allows(Permission.STAFF_MANAGE, agency):
        raise StaffError(
            "agency", _("Cơ quan này không thuộc phạm vi bạn quản lý."), field="agency"
        )
    _check_grant(actor, role, None if role == Role.SYSTEM_ADMIN else agency)
    if User.objects.filter(username__iexact=username).exists():
        raise StaffError("username", _("Tên đăng nhập này đã có người dùng."), field="username")
    user = User(
        username=username,
        first_name=full_name[:150],
        email=email,
        phone=phone,
        position=position,
        account_type=AccountType.STAFF,
        agency=agency,
        is_superuser=role == Role.SYSTEM_ADMIN,
        is_staff=role == Role.SYSTEM_ADMIN,
    )
    user.set_unusable_password()
    user.save()
    audit.record("staff_created", actor=actor, obj=user, request=request, agency=agency.code)
    _assign(actor, user, role, None if role == Role.SYSTEM_ADMIN else agency, (), request)
    transaction.on_commit(lambda: send_invitation_email(user, request=request))
    return user


def _assign(actor, user, role, agency, procedures, request) -> RoleAssignment:
    if RoleAssignment.objects.active().filter(user=user, role=role, agency=agency).exists():
        raise StaffError("duplicate", _("Cán bộ đã có vai trò này tại cơ quan này."), field="role")
    assignment = RoleAssignment.objects.create(
        user=user, role=role, agency=agency, granted_by=actor
    )
    if procedures:
        assignment.procedures.set(procedures)
    if role == Role.SYSTEM_ADMIN and not (user.is_superuser and user.is_staff):
        user.is_superuser = user.is_staff = True
        user.save(update_fields=["is_superuser", "is_staff"])
    audit.record(
        "role_granted",
        actor=actor,
        obj=user,
        request=request,
        role=role,
        agency=agency.code if agency else "",
        assignment=assignment.pk,
        procedures=[p.code for p in procedures],
    )
    forget_scope(user)
    return assignment


@transaction.atomic
def grant_role(
    *,
    actor: User,
    user: User,
    role: str,
    agency: Agency | None,
    procedures: Sequence[Procedure] = (),
    request=None,
) -> RoleAssignment:
    _require_manager(actor, user)
    _check_grant(actor, role, agency)
    return _assign(actor, user, role, agency, procedures, request)


@transaction.atomic
def revoke_role(*, actor: User, assignment: RoleAssignment, request=None) -> RoleAssignment:
    assignment = (
        RoleAssignment.objects.select_for_update(of=("self",))
        .select_related("user", "agency")
        .get(pk=assignment.pk)
    )
    _require_manager(actor, assignment.user)
    if not scope_of(actor).may_grant(assignment.role, assignment.agency):
        raise StaffError("grant_forbidden", _("Bạn không được thu hồi vai trò này."))
    if assignment.revoked_at:
        raise StaffError("revoked", _("Vai trò này đã được thu hồi."))
    assignment.revoked_at = timezone.now()
    assignment.revoked_by = actor
    assignment.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    user = assignment.user
    if assignment.role == Role.SYSTEM_ADMIN:
        user.is_superuser = user.is_staff = False
        user.save(update_fields=["is_superuser", "is_staff"])
    audit.record(
        "role_revoked",
        actor=actor,
        obj=user,
        request=request,
        role=assignment.role,
        agency=assignment.agency.code if assignment.agency_id else "",
        assignment=assignment.pk,
    )
    forget_scope(user)
    return assignment


@transaction.atomic
def set_active(*, actor: User, user: User, active: bool, request=None) -> User:
    """Lock or unlock a staff account. A locked account's sessions stop working at once."""
    _require_manager(actor, user)
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.record("staff_activated" if active else "staff_deactivated", obj=user, request=request)
    return user


@transaction.atomic
def reset_mfa(*, actor: User, user: User, request=None) -> None:
    """Remove the second factor (lost phone): the next login sets up a new one."""
    _require_manager(actor, user)
    mfa.remove_devices(user)
    audit.record("mfa_reset", obj=user, request=request)


@transaction.atomic
def reinvite(*, actor: User, user: User, request=None) -> None:
    """Reset the password and the second factor, and e-mail a new invitation."""
    _require_manager(actor, user)
    if not user.email:
        raise StaffError("no_email", _("Cán bộ chưa có địa chỉ e-mail để nhận thư mời."))
    user.set_unusable_password()
    user.save(update_fields=["password"])
    mfa.remove_devices(user)
    audit.record("staff_reinvited", obj=user, request=request)
    transaction.on_commit(lambda: send_invitation_email(user, request=request))


def invitation_path(user: User) -> str:
    return reverse(
        "backoffice:activate",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def send_invitation_email(user: User, *, request=None) -> bool:
    """E-mail the link that sets the password; False (logged, audited) when it cannot go."""
    if not user.email:
        return False
    base = request.build_absolute_uri("/")[:-1] if request is not None else ""
    link = base + invitation_path(user)
    body = _(
        "Chào %(name)s,\n\n"
        "Bạn được cấp tài khoản cán bộ trên hệ thống một cửa motcua, tên đăng nhập: %(username)s."
        "\n\nHãy mở đường dẫn sau để đặt mật khẩu (có hiệu lực 3 ngày, dùng một lần):\n%(link)s"
        "\n\nỞ lần đăng nhập đầu, hệ thống hướng dẫn cài mã xác thực hai lớp trên điện thoại.\n"
        "Nếu bạn không chờ thư này, hãy báo cho quản trị cơ quan."
    ) % {"name": user.get_full_name() or user.username, "username": user.username, "link": link}
    try:
        send_email(user.email, _("Kích hoạt tài khoản cán bộ motcua"), body)
    except DeliveryError:
        audit.record("staff_invitation_failed", obj=user, request=request)
        return False
    audit.record("staff_invited", obj=user, request=request)
    return True


@transaction.atomic
def activate(user: User, password: str, *, request=None) -> User:
    """The invited staff member sets a password (the invitation link stops working)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record("staff_password_set", actor=user, obj=user, request=request)
    return user
