"""Organisations (businesses, cooperatives, household businesses) keyed by tax code, and their
members. An organisation acts through its members; its legal representative is confirmed by
the national business registry when it is registered."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.vn import mst

from motcua.core.models import PublicIdModel
from motcua.units.models import Commune


def normalise_tax_code(value: str) -> str:
    """``0312 68 78 78 - 001`` → ``0312687878-001``; raises ValidationError in Vietnamese.

    A business's tax code (mã số thuế) has 10 digits, the last one a check digit; a branch adds
    ``-`` and 3 digits. Individuals use their personal identification number instead (since
    1 July 2025), which is not an organisation's code.
    """
    text = (value or "").strip()
    if not text:
        raise ValidationError(_("Hãy nhập mã số thuế."), code="required")
    try:
        compact = mst.validate(text)
    except InvalidChecksum:
        raise ValidationError(
            _("Mã số thuế không đúng (chữ số kiểm tra không khớp). Hãy xem lại từng chữ số."),
            code="checksum",
        ) from None
    except (InvalidLength, InvalidFormat, InvalidComponent):
        raise ValidationError(
            _(
                "Mã số thuế gồm 10 chữ số, hoặc 10 chữ số, dấu gạch ngang và 3 chữ số đối với "
                "chi nhánh (ví dụ 0312687878 hoặc 0312687878-001)."
            ),
            code="format",
        ) from None
    return mst.format(compact)


class Organisation(PublicIdModel):
    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Doanh nghiệp")
        BRANCH = "branch", _("Chi nhánh, văn phòng đại diện")
        COOPERATIVE = "cooperative", _("Hợp tác xã")
        HOUSEHOLD = "household", _("Hộ kinh doanh")
        OTHER = "other", _("Tổ chức khác")

    tax_code = models.CharField(_("mã số thuế"), max_length=14, unique=True)
    name = models.CharField(_("tên tổ chức"), max_length=255)
    kind = models.CharField(_("loại hình"), max_length=20, choices=Kind.choices)
    address = models.CharField(_("địa chỉ trụ sở"), max_length=255, blank=True)
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("xã, phường, đặc khu"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    registry_source = models.CharField(_("nguồn xác minh"), max_length=30, blank=True)
    verified_at = models.DateTimeField(_("xác minh lúc"), null=True, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        ordering = ("name",)
        verbose_name = _("tổ chức")
        verbose_name_plural = _("tổ chức")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            self.tax_code = normalise_tax_code(self.tax_code)
        except ValidationError as error:
            raise ValidationError({"tax_code": error}) from None


class MemberRole(models.TextChoices):
    REPRESENTATIVE = "representative", _("Người đại diện theo pháp luật")
    ADMIN = "admin", _("Quản lý tài khoản tổ chức")
    MEMBER = "member", _("Nộp và theo dõi hồ sơ")


#: Members who may add, change and remove members, and delegate on the organisation's behalf.
MANAGING_ROLES = (MemberRole.REPRESENTATIVE, MemberRole.ADMIN)


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(removed_at__isnull=True, organisation__is_active=True)


class Membership(PublicIdModel):
    """A person acting for an organisation. A removed membership stays as history."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    person = models.ForeignKey(
        "accounts.Person", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=MemberRole.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(_("thôi lúc"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ("organisation", "role", "created_at")
        verbose_name = _("thành viên tổ chức")
        verbose_name_plural = _("thành viên tổ chức")
        constraints = (
            models.UniqueConstraint(
                fields=["organisation", "person"],
                condition=models.Q(removed_at__isnull=True),
                name="unique_active_membership",
            ),
        )

    def __str__(self) -> str:
        return f"{self.person} – {self.get_role_display()} – {self.organisation}"

    @property
    def manages(self) -> bool:
        return self.role in MANAGING_ROLES
