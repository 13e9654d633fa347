"""Staff roles, each held at an agency of the units tree and reaching that agency's subtree."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel
from motcua.units.models import Agency


class Role(models.TextChoices):
    CLERK = "clerk", _("Cán bộ một cửa")
    SPECIALIST = "specialist", _("Chuyên viên xử lý")
    LEADER = "leader", _("Lãnh đạo phê duyệt")
    AGENCY_ADMIN = "agency_admin", _("Quản trị cơ quan")
    SUPERVISOR = "supervisor", _("Giám sát (chỉ xem)")
    SYSTEM_ADMIN = "system_admin", _("Quản trị hệ thống")


class Permission(models.TextChoices):
    """What a role allows, on the objects of its agency's subtree. Dossier permissions are
    used by the back office; they are named here so that roles are defined in one place."""

    DOSSIER_VIEW = "dossier.view", _("Xem hồ sơ")
    DOSSIER_RECEIVE = "dossier.receive", _("Tiếp nhận, từ chối, yêu cầu bổ sung hồ sơ")
    DOSSIER_FILE_ASSISTED = "dossier.file_assisted", _("Nộp hồ sơ thay người dân tại quầy")
    DOSSIER_RETURN = "dossier.return", _("Trả kết quả")
    DOSSIER_PROCESS = "dossier.process", _("Xử lý, thẩm định hồ sơ")
    DOSSIER_HAND_OFF = "dossier.hand_off", _("Chuyển hồ sơ liên thông")
    DOSSIER_ASSIGN = "dossier.assign", _("Phân công xử lý")
    DOSSIER_DECIDE = "dossier.decide", _("Phê duyệt, từ chối giải quyết, ký kết quả")
    STATS_VIEW = "stats.view", _("Xem chỉ số, thống kê")
    STAFF_VIEW = "staff.view", _("Xem danh sách cán bộ")
    STAFF_MANAGE = "staff.manage", _("Quản lý cán bộ và vai trò")
    AGENCY_CONFIGURE = "agency.configure", _("Cấu hình thủ tục, biểu mẫu, quy trình")


P = Permission
#: The permissions of each role. A supervisor only reads; a system administrator may do
#: everything everywhere (and is the only role that reaches Django's admin).
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.CLERK: frozenset(
        {P.DOSSIER_VIEW, P.DOSSIER_RECEIVE, P.DOSSIER_FILE_ASSISTED, P.DOSSIER_RETURN}
    ),
    Role.SPECIALIST: frozenset({P.DOSSIER_VIEW, P.DOSSIER_PROCESS, P.DOSSIER_HAND_OFF}),
    Role.LEADER: frozenset(
        {P.DOSSIER_VIEW, P.DOSSIER_ASSIGN, P.DOSSIER_DECIDE, P.STATS_VIEW, P.STAFF_VIEW}
    ),
    Role.AGENCY_ADMIN: frozenset({P.STAFF_VIEW, P.STAFF_MANAGE, P.AGENCY_CONFIGURE}),
    Role.SUPERVISOR: frozenset({P.DOSSIER_VIEW, P.STATS_VIEW, P.STAFF_VIEW}),
    Role.SYSTEM_ADMIN: frozenset(Permission.values),
}
del P

#: Roles an agency administrator may grant within its subtree; the others only a system
#: administrator grants.
ROLES_AGENCY_ADMINS_GRANT = (Role.CLERK, Role.SPECIALIST, Role.LEADER, Role.AGENCY_ADMIN)
#: A supervisor oversees a province or a ministry (and everything under it).
SUPERVISOR_AGENCY_KINDS = (Agency.Kind.PROVINCE_COMMITTEE, Agency.Kind.MINISTRY)


class RoleAssignmentQuerySet(models.QuerySet["RoleAssignment"]):
    def active(self) -> RoleAssignmentQuerySet:
        return self.filter(revoked_at__isnull=True)


class RoleAssignment(TimeStampedModel):
    """One role held by one staff member at one agency (and, through it, its subtree).

    ``procedures`` narrows the role to some procedures (empty: every procedure the subtree
    handles). A revoked assignment stays as history; only an active one is unique.
    A system administrator's role has no agency: it reaches everything.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
    )
    procedures = models.ManyToManyField(
        "catalog.Procedure",
        verbose_name=_("chỉ các thủ tục"),
        blank=True,
        related_name="+",
        help_text=_("Để trống: mọi thủ tục cơ quan giải quyết."),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cấp"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thu hồi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ("user", "role")
        verbose_name = _("vai trò của cán bộ")
        verbose_name_plural = _("vai trò của cán bộ")
        constraints = (
            models.UniqueConstraint(
                fields=["user", "role", "agency"],
                condition=models.Q(revoked_at__isnull=True),
                name="unique_active_role_assignment",
            ),
            models.CheckConstraint(
                condition=models.Q(role="system_admin", agency__isnull=True)
                | (~models.Q(role="system_admin") & models.Q(agency__isnull=False)),
                name="role_assignment_agency_unless_system_admin",
            ),
        )

    def __str__(self) -> str:
        where = self.agency.name if self.agency_id else _("toàn hệ thống")
        return f"{self.get_role_display()} – {where}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def permissions(self) -> frozenset[str]:
        return ROLE_PERMISSIONS.get(self.role, frozenset())
