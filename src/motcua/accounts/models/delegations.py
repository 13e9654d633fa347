"""Delegation (ủy quyền): a person or an organisation lets another person act for it, for
chosen procedures, until an expiry date, unless revoked (by the principal) or renounced (by the
agent) earlier."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.models import PublicIdModel


def today() -> date:
    return timezone.localdate()


class DelegationQuerySet(models.QuerySet["Delegation"]):
    def in_force(self, on: date | None = None) -> DelegationQuerySet:
        """Delegations that let the agent act today (or on ``on``)."""
        on = on or today()
        return self.filter(
            revoked_at__isnull=True,
            renounced_at__isnull=True,
            valid_from__lte=on,
            valid_until__gte=on,
        )


class Delegation(PublicIdModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Đang hiệu lực")
        PENDING = "pending", _("Chưa đến ngày hiệu lực")
        EXPIRED = "expired", _("Đã hết hạn")
        REVOKED = "revoked", _("Đã thu hồi")
        RENOUNCED = "renounced", _("Người được ủy quyền đã từ chối")

    principal_person = models.ForeignKey(
        "accounts.Person",
        verbose_name=_("người ủy quyền"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="delegations_given",
    )
    principal_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("tổ chức ủy quyền"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="delegations_given",
    )
    agent = models.ForeignKey(
        "accounts.Person",
        verbose_name=_("người được ủy quyền"),
        on_delete=models.CASCADE,
        related_name="delegations_received",
    )
    procedures = models.ManyToManyField(
        "catalog.Procedure", verbose_name=_("thủ tục được ủy quyền"), related_name="+"
    )
    valid_from = models.DateField(_("hiệu lực từ ngày"), default=today)
    valid_until = models.DateField(_("hết hạn sau ngày"))
    note = models.CharField(_("nội dung ủy quyền"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    renounced_at = models.DateTimeField(_("từ chối lúc"), null=True, blank=True)

    objects = DelegationQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("ủy quyền")
        verbose_name_plural = _("ủy quyền")
        constraints = (
            models.CheckConstraint(
                condition=Q(principal_person__isnull=False, principal_organisation__isnull=True)
                | Q(principal_person__isnull=True, principal_organisation__isnull=False),
                name="delegation_has_one_principal",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="delegation_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=~Q(principal_person=models.F("agent")),
                name="delegation_not_to_oneself",
            ),
        )

    def __str__(self) -> str:
        return f"{self.principal} → {self.agent}"

    @property
    def principal(self):
        return self.principal_person or self.principal_organisation

    def status(self, on: date | None = None) -> str:
        on = on or today()
        if self.revoked_at:
            return self.Status.REVOKED
        if self.renounced_at:
            return self.Status.RENOUNCED
        if on < self.valid_from:
            return self.Status.PENDING
        if on > self.valid_until:
            return self.Status.EXPIRED
        return self.Status.ACTIVE

    def get_status_display(self) -> str:
        return str(self.Status(self.status()).label)

    @property
    def in_force(self) -> bool:
        return self.status() == self.Status.ACTIVE

    @property
    def is_ended(self) -> bool:
        """Revoked, renounced or expired: nothing more can be done with it."""
        return self.status() in (self.Status.REVOKED, self.Status.RENOUNCED, self.Status.EXPIRED)
