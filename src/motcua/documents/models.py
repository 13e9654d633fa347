"""Stored files and the citizen's document store (kho dữ liệu, TT 01/2023/TT-VPCP Art. 24).

Rows are written only by ``documents.services``. The bytes live in the dedicated ``documents``
storage (never the site's default storage, never under a public URL) under a random name; the
name the citizen gave is kept for display only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import PublicIdModel

from .checks import KINDS, extension_of, format_size


class ScanStatus(models.TextChoices):
    PENDING = "pending", _("Chờ quét mã độc")
    CLEAN = "clean", _("Không có mã độc")
    INFECTED = "infected", _("Có mã độc")
    #: The scan could not run: the file is kept aside, unusable until a scan says clean.
    QUARANTINED = "quarantined", _("Chưa kiểm tra được, đang giữ riêng")


class StoredFile(PublicIdModel):
    """One file's bytes in the ``documents`` storage, and what is known of them."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stored_files",
        help_text=_("Trống với tệp do hệ thống tạo."),
    )
    storage_name = models.CharField(_("tên trong kho lưu trữ"), max_length=255, unique=True)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(_("loại nội dung"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    scan_status = models.CharField(
        _("kết quả quét mã độc"),
        max_length=12,
        choices=ScanStatus.choices,
        default=ScanStatus.PENDING,
        db_index=True,
    )
    scanned_at = models.DateTimeField(_("quét lúc"), null=True, blank=True)
    scanner = models.CharField(_("trình quét"), max_length=50, blank=True)
    threat = models.CharField(_("mã độc phát hiện"), max_length=200, blank=True)
    bytes_deleted_at = models.DateTimeField(_("xóa nội dung lúc"), null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("tệp đã lưu")
        verbose_name_plural = _("tệp đã lưu")

    def __str__(self) -> str:
        return self.original_name

    @property
    def size_display(self) -> str:
        """ "1,2 MB"."""
        return format_size(self.size)

    @property
    def has_bytes(self) -> bool:
        return self.bytes_deleted_at is None

    @property
    def is_servable(self) -> bool:
        """Only a clean file whose bytes are kept may be sent to anyone."""
        return self.scan_status == ScanStatus.CLEAN and self.has_bytes

    @property
    def kind_label(self) -> str:
        kind = next((k for k in KINDS.values() if k.mime == self.content_type), None)
        return kind.label if kind else self.content_type

    @property
    def download_name(self) -> str:
        """The original name, with the extension the content really has ("scan.jpg" holding a
        PDF downloads as "scan.pdf", so the phone opens it with the right application)."""
        kind = next((k for k in KINDS.values() if k.mime == self.content_type), None)
        if kind is None or extension_of(self.original_name) in kind.extensions:
            return self.original_name
        stem = self.original_name
        if extension_of(stem):
            stem = stem.rsplit(".", 1)[0]
        return f"{stem[:240]}.{kind.extensions[0]}"


class StoreItemKind(models.TextChoices):
    DOCUMENT = "document", _("Giấy tờ tải lên")
    RESULT = "result", _("Kết quả giải quyết thủ tục")


class StoreItemQuerySet(models.QuerySet["StoreItem"]):
    def present(self) -> StoreItemQuerySet:
        """Items the owner has not removed."""
        return self.filter(removed_at__isnull=True)


class StoreItem(PublicIdModel):
    """A file in the document store of one person or one organisation: what they uploaded to
    reuse, and the electronic results issued to them. Removing it hides it from the store; the
    file itself stays (a dossier may use it)."""

    owner_person = models.ForeignKey(
        "accounts.Person",
        verbose_name=_("của công dân"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="store_items",
    )
    owner_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("của tổ chức"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="store_items",
    )
    file = models.ForeignKey(
        StoredFile, verbose_name=_("tệp"), on_delete=models.PROTECT, related_name="store_items"
    )
    title = models.CharField(_("tên giấy tờ"), max_length=255)
    kind = models.CharField(
        _("loại"), max_length=10, choices=StoreItemKind.choices, default=StoreItemKind.DOCUMENT
    )
    source_dossier_code = models.CharField(_("từ hồ sơ"), max_length=64, blank=True)
    removed_at = models.DateTimeField(_("xóa khỏi kho lúc"), null=True, blank=True)

    objects = StoreItemQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("giấy tờ trong kho dữ liệu")
        verbose_name_plural = _("kho dữ liệu")
        constraints = (
            models.CheckConstraint(
                condition=(
                    models.Q(owner_person__isnull=False, owner_organisation__isnull=True)
                    | models.Q(owner_person__isnull=True, owner_organisation__isnull=False)
                ),
                name="documents_storeitem_one_owner",
            ),
        )
        indexes = (
            models.Index(fields=("owner_person", "removed_at"), name="documents_store_person_idx"),
            models.Index(
                fields=("owner_organisation", "removed_at"), name="documents_store_org_idx"
            ),
        )

    def __str__(self) -> str:
        return self.title
