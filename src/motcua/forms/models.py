"""E-form definitions: one spec per procedure (and province, where it differs), versioned."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel

#: Parsed specs of published versions (they are immutable), by primary key and last change.
_PUBLISHED: dict = {}


class FormDefinition(TimeStampedModel):
    """One version of a procedure's e-form. A published version never changes: editing makes
    a new draft version, and a dossier keeps the version it was filed with.

    ``generated`` versions are made from the catalogue's document checklist for procedures
    nobody has built a form for; ``source_hash`` says from which checklist, so a changed
    checklist makes a new version.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        PUBLISHED = "published", _("Đang dùng")
        RETIRED = "retired", _("Ngừng dùng")

    procedure = models.ForeignKey(
        "catalog.Procedure", on_delete=models.PROTECT, related_name="form_definitions"
    )
    province = models.ForeignKey(
        "units.Province",
        verbose_name=_("chỉ dùng tại tỉnh"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("phiên bản"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices)
    title = models.CharField(_("tên biểu mẫu"), max_length=255)
    spec = models.JSONField(_("nội dung biểu mẫu"))
    generated = models.BooleanField(_("tạo tự động từ danh mục giấy tờ"), default=False)
    source_hash = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("procedure", "province", "-version")
        verbose_name = _("biểu mẫu điện tử")
        verbose_name_plural = _("biểu mẫu điện tử")
        constraints = (
            models.UniqueConstraint(
                fields=["procedure", "province", "version"], name="unique_form_version"
            ),
            models.UniqueConstraint(
                fields=["procedure", "version"],
                condition=models.Q(province__isnull=True),
                name="unique_form_version_everywhere",
            ),
        )

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.version}"

    @property
    def parsed(self):
        """The spec as a FormSpec. A published version never changes, so it is parsed once
        per process; a draft each time it is loaded."""
        from .spec import parse_spec

        cached = getattr(self, "_parsed", None)
        if cached is None:
            if self.status == self.Status.DRAFT or self.pk is None:
                cached = parse_spec(self.spec)
            else:
                key = (self.pk, self.updated_at)
                cached = _PUBLISHED.get(key)
                if cached is None:
                    cached = _PUBLISHED[key] = parse_spec(self.spec)
            self._parsed = cached
        return cached
