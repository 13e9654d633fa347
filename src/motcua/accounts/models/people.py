"""Citizens and their identity documents: what the e-ID vouches for, with its provenance."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel
from motcua.units.models import Commune

from .users import User

#: Provenance source of what a citizen typed in themself (a local account's name).
SOURCE_SELF = "self"
SOURCE_VNEID = "vneid"

PID_PATTERN = re.compile(r"[0-9]{12}")
OLD_ID_PATTERN = re.compile(r"[0-9]{9}")


def is_valid_pid(value: object) -> bool:
    """A personal identification number: exactly 12 ASCII digits, no checksum.

    The legacy structure (province, century and sex, birth year) is never used to refuse one.
    """
    return isinstance(value, str) and PID_PATTERN.fullmatch(value) is not None


def is_valid_old_id(value: object) -> bool:
    """The 9-digit identity card number (CMND) issued before the personal number."""
    return isinstance(value, str) and OLD_ID_PATTERN.fullmatch(value) is not None


def validate_pid(value: str) -> None:
    if not is_valid_pid(value):
        raise ValidationError(_("Số định danh cá nhân phải gồm đúng 12 chữ số."), code="pid")


def validate_old_id(value: str) -> None:
    if not is_valid_old_id(value):
        raise ValidationError(_("Số chứng minh nhân dân cũ phải gồm đúng 9 chữ số."), code="old_id")


class Sex(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class AssuranceLevel(models.IntegerChoices):
    LEVEL1 = 1, _("Mức 1")
    LEVEL2 = 2, _("Mức 2")


class Person(TimeStampedModel):
    """What the portal holds about one citizen, each verified item with where it came from.

    Attributes received from the e-ID are verified: the citizen cannot edit them here, only
    refresh them by logging in with the e-ID again (``services.refresh_verified_attributes``).
    ``provenance`` maps each attribute name to ``{"source": "vneid", "level": 2, "at": ISO}``.
    """

    #: The attributes an e-ID login verifies; nothing else from the token is kept.
    VERIFIED_FIELDS = (
        "full_name",
        "birth_date",
        "sex",
        "phone",
        "tax_code",
        "permanent_address",
        "commune",
    )

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="person")
    full_name = models.CharField(_("họ và tên"), max_length=150)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    sex = models.CharField(_("giới tính"), max_length=6, choices=Sex.choices, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    tax_code = models.CharField(_("mã số thuế"), max_length=14, blank=True)
    permanent_address = models.CharField(_("nơi thường trú"), max_length=255, blank=True)
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("xã, phường, đặc khu thường trú"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assurance_level = models.PositiveSmallIntegerField(
        _("mức định danh điện tử"),
        choices=AssuranceLevel.choices,
        null=True,
        blank=True,
        help_text=_("Mức của lần đăng nhập VNeID gần nhất."),
    )
    eid_subject = models.CharField(
        _("mã tài khoản định danh"),
        max_length=255,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Mã người dùng do hệ thống định danh điện tử cấp (sub)."),
    )
    verified_at = models.DateTimeField(_("xác thực lúc"), null=True, blank=True)
    provenance = models.JSONField(_("nguồn của thông tin"), default=dict, blank=True)

    class Meta:
        verbose_name = _("công dân")
        verbose_name_plural = _("công dân")

    def __str__(self) -> str:
        return self.full_name

    @property
    def active_pid(self) -> IdentityDocument | None:
        return self.documents.filter(kind=IdentityDocument.Kind.PID, is_active=True).first()

    @property
    def pid_number(self) -> str | None:
        """The active personal identification number (``active_pid_number`` when the person
        was read with it)."""
        if "active_pid_number" in self.__dict__:
            return self.active_pid_number
        document = self.active_pid
        return document.number if document is not None else None

    @property
    def active_old_id(self) -> IdentityDocument | None:
        return self.documents.filter(kind=IdentityDocument.Kind.OLD_ID, is_active=True).first()

    def is_verified(self, attribute: str) -> bool:
        """Whether a registry vouched for the attribute (not only the citizen's own word)."""
        entry = (self.provenance or {}).get(attribute) or {}
        return bool(entry) and entry.get("source") != SOURCE_SELF

    @property
    def is_eid_linked(self) -> bool:
        return bool(self.eid_subject)


class IdentityDocument(TimeStampedModel):
    """A personal identification number or an old identity card number held by a person.

    Numbers can be re-issued: a replaced number stays here, inactive, with ``valid_to`` set.
    Only an active number is unique.
    """

    class Kind(models.TextChoices):
        PID = "pid", _("Số định danh cá nhân")
        OLD_ID = "old_id", _("Số chứng minh nhân dân (9 số)")

    VALIDATORS: ClassVar[dict[str, Callable[[str], None]]] = {
        Kind.PID: validate_pid,
        Kind.OLD_ID: validate_old_id,
    }

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("loại"), max_length=8, choices=Kind.choices)
    number = models.CharField(_("số"), max_length=12)
    is_active = models.BooleanField(_("còn hiệu lực"), default=True)
    valid_from = models.DateTimeField(_("có hiệu lực từ"), default=timezone.now)
    valid_to = models.DateTimeField(_("hết hiệu lực từ"), null=True, blank=True)
    source = models.CharField(_("nguồn"), max_length=20, default="vneid")

    class Meta:
        ordering = ("person", "kind", "-is_active", "-valid_from")
        verbose_name = _("giấy tờ tùy thân")
        verbose_name_plural = _("giấy tờ tùy thân")
        constraints = (
            models.UniqueConstraint(
                fields=["kind", "number"],
                condition=models.Q(is_active=True),
                name="unique_active_identity_number",
            ),
            models.UniqueConstraint(
                fields=["person", "kind"],
                condition=models.Q(is_active=True),
                name="one_active_identity_number_per_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(is_active=True, valid_to__isnull=True)
                | models.Q(is_active=False, valid_to__isnull=False),
                name="identity_number_inactive_has_end",
            ),
        )

    def __str__(self) -> str:
        return f"{self.get_kind_display()} …{self.number[-4:]}"

    def clean(self) -> None:
        validator = self.VALIDATORS.get(self.kind)
        if validator:
            try:
                validator(self.number)
            except ValidationError as error:
                raise ValidationError({"number": error}) from None

    @property
    def masked(self) -> str:
        """Every digit hidden but the last four."""
        return "•" * (len(self.number) - 4) + self.number[-4:]
