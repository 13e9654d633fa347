"""Synthetic citizens of the demo e-ID provider. Every record is FAKE (see ``citizens.py``)."""

from __future__ import annotations

from django.db import models

ACR_LEVEL1 = "urn:vneid:acr:level1"
ACR_LEVEL2 = "urn:vneid:acr:level2"


class Citizen(models.Model):
    class Gender(models.TextChoices):
        MALE = "male", "Nam"
        FEMALE = "female", "Nữ"

    class Level(models.IntegerChoices):
        LEVEL1 = 1, "Mức 1"
        LEVEL2 = 2, "Mức 2"

    sub = models.UUIDField(unique=True, help_text="Stable subject: UUID5 of the personal number")
    pid = models.CharField("số định danh cá nhân", max_length=12, unique=True)
    old_id = models.CharField("số CMND cũ", max_length=9, blank=True, default="")
    tax_code = models.CharField("mã số thuế", max_length=13)
    family_name = models.CharField(max_length=50)
    middle_name = models.CharField(max_length=50, blank=True, default="")
    given_name = models.CharField(max_length=50)
    full_name = models.CharField("họ và tên", max_length=150)
    gender = models.CharField(max_length=6, choices=Gender.choices)
    birthdate = models.DateField("ngày sinh")
    phone_number = models.CharField(max_length=10)
    address = models.CharField("địa chỉ thường trú", max_length=255)
    commune_code = models.CharField(max_length=5)
    commune_name = models.CharField(max_length=100)
    province_code = models.CharField(max_length=2)
    province_name = models.CharField(max_length=100)
    level = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.LEVEL2)

    class Meta:
        ordering = ("id",)
        verbose_name = "công dân (giả lập)"
        verbose_name_plural = "công dân (giả lập)"

    def __str__(self) -> str:
        return f"{self.full_name} ({self.masked_pid})"

    @property
    def masked_pid(self) -> str:
        return self.pid[:4] + "*" * 6 + self.pid[-2:]

    @property
    def acr(self) -> str:
        return ACR_LEVEL2 if self.level == 2 else ACR_LEVEL1

    @property
    def level_label(self) -> str:
        return f"Mức {self.level}"

    def claims(self) -> dict:
        """The identity claims released in the id_token and by the userinfo endpoint."""
        street = self.address.rsplit(", " + self.commune_name, 1)[0]
        return {
            "sub": str(self.sub),
            "acr": self.acr,
            "level": self.level,
            "account_type": "citizen",
            "name": self.full_name,
            "family_name": self.family_name,
            "middle_name": self.middle_name,
            "given_name": self.given_name,
            "birthdate": self.birthdate.isoformat(),
            "gender": self.gender,
            "pid": self.pid,
            "old_id": self.old_id or None,
            "tax_code": self.tax_code,
            "phone_number": self.phone_number,
            "address": {
                "formatted": self.address,
                "street_address": street,
                "commune_code": self.commune_code,
                "locality": self.commune_name,
                "province_code": self.province_code,
                "region": self.province_name,
                "country": "VN",
            },
        }
