"""Administrative units in force since 1 July 2025, the pre-reform units, and agencies."""

from __future__ import annotations

from django.db import models, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel
from motcua.core.text import nfc, sort_key
from motcua.units.keys import name_key


class Province(models.Model):
    """A province or centrally-run city (tỉnh, thành phố trực thuộc trung ương)."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Tỉnh")
        CITY = "city", _("Thành phố trực thuộc trung ương")

    code = models.CharField(_("mã (TCTK)"), max_length=2, unique=True)
    name = models.CharField(_("tên"), max_length=100)
    short_name = models.CharField(_("tên ngắn"), max_length=100)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    qcvn_code = models.CharField(
        _("mã cấp 1 QCVN 102:2016"),
        max_length=3,
        unique=True,
        help_text=_("H + 2 chữ số, ví dụ H36 (Lâm Đồng)."),
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    sort_key = models.CharField(max_length=400, db_index=True, editable=False)

    class Meta:
        ordering = ("sort_key",)
        verbose_name = _("tỉnh, thành phố")
        verbose_name_plural = _("tỉnh, thành phố")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.normalise()
        super().save(*args, **kwargs)

    def normalise(self) -> None:
        """NFC names and the sort key (the importer calls this before bulk writes)."""
        self.name = nfc(self.name)
        self.short_name = nfc(self.short_name) or self.name
        self.sort_key = sort_key(self.short_name)


class Commune(models.Model):
    """A commune-level unit (xã, phường, đặc khu) directly under its province since 2025."""

    class Kind(models.TextChoices):
        COMMUNE = "xa", _("Xã")
        WARD = "phuong", _("Phường")
        SPECIAL_ZONE = "dac_khu", _("Đặc khu")

    code = models.CharField(_("mã (TCTK)"), max_length=5, unique=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="communes")
    name = models.CharField(_("tên"), max_length=100)
    short_name = models.CharField(_("tên ngắn"), max_length=100)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    area_km2 = models.FloatField(null=True, blank=True)
    sort_key = models.CharField(max_length=400, db_index=True, editable=False)

    class Meta:
        ordering = ("province__sort_key", "sort_key")
        verbose_name = _("xã, phường, đặc khu")
        verbose_name_plural = _("xã, phường, đặc khu")

    def __str__(self) -> str:
        return f"{self.name}, {self.province.short_name}"

    def save(self, *args, **kwargs) -> None:
        self.normalise()
        super().save(*args, **kwargs)

    def normalise(self) -> None:
        """NFC names and the sort key (the importer calls this before bulk writes)."""
        self.name = nfc(self.name)
        self.short_name = nfc(self.short_name) or self.name
        self.sort_key = sort_key(self.short_name)


class LegacyProvince(models.Model):
    """One of the 63 provinces before 1 July 2025, kept to map old addresses and records."""

    code = models.CharField(max_length=2, unique=True)
    name = models.CharField(max_length=100)
    successor = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="predecessors", null=True
    )
    qcvn_code = models.CharField(
        _("mã cấp 1 QCVN 102:2016"),
        max_length=3,
        blank=True,
        help_text=_("Mã H + 2 chữ số của tỉnh trước ngày 01/7/2025."),
    )

    class Meta:
        ordering = ("code",)

    def __str__(self) -> str:
        return self.name


class LegacyCommune(models.Model):
    """A commune before 1 July 2025 (three-level structure with districts)."""

    code = models.CharField(
        max_length=5,
        unique=True,
        help_text=_(
            "Mã xã của TCTK; các huyện đảo không có cấp xã mang mã D + mã huyện, ví dụ D318."
        ),
    )
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=30)
    district_code = models.CharField(max_length=3, db_index=True)
    district_name = models.CharField(max_length=100)
    district_kind = models.CharField(max_length=30)
    province = models.ForeignKey(LegacyProvince, on_delete=models.PROTECT, related_name="communes")
    successors = models.ManyToManyField(
        Commune, through="CommuneSuccession", related_name="predecessors"
    )

    class Meta:
        ordering = ("code",)

    def __str__(self) -> str:
        return f"{self.name}, {self.district_name}, {self.province.name}"


class CommuneSuccession(models.Model):
    """Which post-2025 commune(s) took over a pre-2025 commune.

    A pre-reform commune split across several new ones has several rows; ``is_default`` marks
    the one an old address maps to when nothing more precise is known.
    """

    legacy = models.ForeignKey(LegacyCommune, on_delete=models.CASCADE, related_name="successions")
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="successions")
    is_default = models.BooleanField(default=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["legacy", "commune"], name="unique_commune_succession"),
        )

    def __str__(self) -> str:
        return f"{self.legacy_id} → {self.commune_id}" + (" (mặc định)" if self.is_default else "")


class AgencyQuerySet(models.QuerySet["Agency"]):
    def active(self) -> AgencyQuerySet:
        return self.filter(is_active=True)

    def ministries(self) -> AgencyQuerySet:
        return self.filter(kind=Agency.Kind.MINISTRY)

    def by_name(self, name: str) -> AgencyQuerySet:
        """Agencies whose name matches ``name`` ignoring case, diacritics and punctuation."""
        return self.filter(name_key=name_key(name))


class Agency(TimeStampedModel):
    """An agency (cơ quan) in the tree: ministries and their units, provinces, communes.

    ``code`` is the QCVN 102:2016 identifier ``V1V2V3.Z1Z2.Y1Y2.MX1X2`` where one is known, or
    a documented local code otherwise (``data/agencies/SOURCE.md``). The parent is stored
    explicitly, never inferred from the code; ``path`` is the parent's path followed by the
    agency's own code and "/" (``000.00.00.H36/000.00.04.H36/``), so a subtree is
    ``path__startswith``. ``save()`` keeps ``path``, ``depth``, ``name_key`` and ``sort_key``
    up to date, including the paths of descendants when an agency moves.
    """

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Bộ, ngành trung ương")
        MINISTRY_UNIT = "ministry_unit", _("Đơn vị thuộc bộ, ngành")
        PROVINCE_COMMITTEE = "province_committee", _("UBND tỉnh, thành phố")
        DEPARTMENT = "department", _("Sở, ban, ngành tỉnh")
        PROVINCE_CENTRE = "province_centre", _("Trung tâm Phục vụ hành chính công tỉnh")
        COMMUNE_COMMITTEE = "commune_committee", _("UBND xã, phường, đặc khu")
        OTHER = "other", _("Cơ quan khác")

    code = models.CharField(_("mã định danh"), max_length=20, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    short_name = models.CharField(_("tên ngắn"), max_length=120, blank=True)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices, db_index=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, null=True, blank=True, related_name="agencies"
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="agencies"
    )
    is_active = models.BooleanField(default=True)
    sort_key = models.CharField(max_length=400, db_index=True, editable=False)
    name_key = models.CharField(
        _("khóa tìm theo tên"),
        max_length=255,
        db_index=True,
        editable=False,
        help_text=_("Tên không dấu, chữ thường, dùng để tra cứu."),
    )
    aliases = models.JSONField(
        _("tên gọi khác"),
        default=list,
        blank=True,
        help_text=_("Tên cũ, tên viết tắt, mã cũ dùng khi đối chiếu dữ liệu nhập."),
    )

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ("path",)
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.parent_id and self.pk and self.parent_id == self.pk:
            raise ValueError("An agency cannot be its own parent.")
        old_path = None
        if self.pk:
            old_path = Agency.objects.filter(pk=self.pk).values_list("path", flat=True).first()
        self.normalise()
        if old_path and self.path.startswith(old_path) and self.path != old_path:
            raise ValueError("An agency cannot be moved under one of its descendants.")
        with transaction.atomic():
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                depth_change = self.depth - (old_path.count("/") - 1)
                Agency.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(Value(self.path), Substr("path", len(old_path) + 1)),
                    depth=F("depth") + depth_change,
                )

    def subtree(self) -> models.QuerySet[Agency]:
        """This agency and all its descendants."""
        return Agency.objects.filter(path__startswith=self.path)

    def ancestors(self) -> models.QuerySet[Agency]:
        """The agencies above this one, from the root down (excluding itself)."""
        codes = [part for part in self.path.split("/") if part][:-1]
        return Agency.objects.filter(code__in=codes).order_by("depth")

    def normalise(self) -> None:
        """Derived fields: NFC names, name and sort keys, tree path and depth.

        The parent's ``path`` must already be known; the importer calls this before bulk
        writes, parents first.
        """
        self.code = nfc(self.code)
        self.name = nfc(self.name)
        self.short_name = nfc(self.short_name)
        self.name_key = name_key(self.name)
        self.sort_key = sort_key(self.name)
        parent = self.parent if self.parent_id else None
        self.path = (parent.path if parent else "") + self.code + "/"
        self.depth = parent.depth + 1 if parent else 0
