"""User accounts. One model for citizens, business members and staff, so that identity, roles
and delegation attach to one thing; ``account_type`` keeps citizens and staff apart."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class AccountType(models.TextChoices):
    #: A citizen or a business member: logs in with the e-ID, or with a local account.
    CITIZEN = "citizen", _("Công dân, tổ chức")
    #: A civil servant: logs in at the staff page with a password and a one-time code (TOTP);
    #: rights come from role assignments scoped to agencies.
    STAFF = "staff", _("Cán bộ, công chức")


class MotcuaUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # A system administrator is a staff account: the second factor is mandatory for it.
        extra_fields.setdefault("account_type", AccountType.STAFF)
        return super().create_superuser(username, email, password, **extra_fields)

    def staff(self):
        return self.filter(account_type=AccountType.STAFF)

    def citizens(self):
        return self.filter(account_type=AccountType.CITIZEN)


class User(AbstractUser):
    """A login. ``email`` and ``phone`` are contacts: for a local citizen account they are the
    login name once verified (``*_verified_at``), and the address one-time codes are sent to."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account_type = models.CharField(
        _("loại tài khoản"),
        max_length=10,
        choices=AccountType.choices,
        default=AccountType.CITIZEN,
        db_index=True,
    )
    phone = models.CharField(_("số điện thoại di động"), max_length=10, blank=True)
    email_verified_at = models.DateTimeField(_("e-mail xác minh lúc"), null=True, blank=True)
    phone_verified_at = models.DateTimeField(_("số điện thoại xác minh lúc"), null=True, blank=True)
    position = models.CharField(
        _("chức vụ"), max_length=150, blank=True, help_text=_("Chỉ dùng cho cán bộ.")
    )
    #: A staff member's own agency (where they work); their roles are in ``role_assignments``.
    agency = models.ForeignKey(
        "units.Agency",
        verbose_name=_("cơ quan công tác"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )

    objects = MotcuaUserManager()

    class Meta:
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(account_type="staff") | models.Q(agency__isnull=True),
                name="only_staff_belong_to_an_agency",
            ),
            # A verified contact names one citizen account only (it is a login name).
            models.UniqueConstraint(
                Lower("email"),
                condition=models.Q(account_type="citizen", email_verified_at__isnull=False),
                name="unique_verified_citizen_email",
            ),
            models.UniqueConstraint(
                fields=["phone"],
                condition=models.Q(account_type="citizen", phone_verified_at__isnull=False),
                name="unique_verified_citizen_phone",
            ),
        )

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_staff_member(self) -> bool:
        return self.account_type == AccountType.STAFF

    @property
    def is_citizen(self) -> bool:
        return self.account_type == AccountType.CITIZEN
