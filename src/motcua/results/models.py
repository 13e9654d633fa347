"""Electronic results (kết quả điện tử): the signed document a dossier ends with, the templates
it is drawn from, and the demo key store.

Rows are written only by ``results.services`` (issuing) and ``results.keys`` (demo keys).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import PublicIdModel, TimeStampedModel


def new_verification_code() -> str:
    """The code printed under the QR code and typed on the verification page: 16 characters
    from an alphabet without look-alikes (no 0/O, 1/I/L), 80 bits of chance."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(16))


class KeyKind(models.TextChoices):
    AUTHORITY = "authority", _("Tổ chức cấp chứng thư thử nghiệm")
    AGENCY = "agency", _("Chứng thư số của cơ quan")


class DemoKey(TimeStampedModel):
    """A key and certificate of the demo key store (``MOTCUA_SIGNING_KEYS=demo``): one demo
    certificate authority, and one certificate per agency it issued, made on first use. The
    private key is kept encrypted with a key derived from the site's secret. For the embedded
    installation and tests only: these certificates have no legal value."""

    kind = models.CharField(max_length=10, choices=KeyKind.choices)
    agency = models.OneToOneField(
        "units.Agency", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(_("chủ thể"), max_length=255)
    serial = models.CharField(_("số hiệu chứng thư"), max_length=64)
    fingerprint = models.CharField(_("dấu vân tay SHA-256"), max_length=64, unique=True)
    not_after = models.DateTimeField(_("hết hạn"))
    certificate_pem = models.TextField()
    encrypted_key_pem = models.BinaryField()

    class Meta:
        verbose_name = _("khóa ký số thử nghiệm")
        verbose_name_plural = _("khóa ký số thử nghiệm")
        constraints = (
            models.UniqueConstraint(
                fields=("kind",),
                condition=models.Q(kind="authority"),
                name="results_one_demo_authority",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="authority", agency__isnull=True)
                | models.Q(kind="agency", agency__isnull=False),
                name="results_demokey_agency_iff_agency_kind",
            ),
        )

    def __str__(self) -> str:
        return self.subject


class ResultTemplate(TimeStampedModel):
    """The wording of the result document of a procedure (``procedure`` empty: every procedure
    without its own). A changed wording is a new version; the newest active one is used, and
    each issued result keeps the version it was drawn from.

    ``body`` is Django template text over: ``applicant`` (the applicant's name), ``code``,
    ``procedure``, ``agency``, ``province``, ``received``, ``decided`` (dates), ``answers``
    (the e-form's answers by field name) and ``answer_lines`` (label: value, in form order).
    """

    procedure = models.ForeignKey(
        "catalog.Procedure",
        verbose_name=_("thủ tục"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="result_templates",
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    title = models.CharField(
        _("tên kết quả"),
        max_length=255,
        blank=True,
        help_text=_("Trống: tên kết quả trong Cơ sở dữ liệu quốc gia về thủ tục hành chính."),
    )
    body = models.TextField(_("nội dung"))
    signer_title = models.CharField(
        _("chức danh người ký"), max_length=120, default="THỦ TRƯỞNG CƠ QUAN"
    )
    is_active = models.BooleanField(_("đang dùng"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("procedure_id", "-version")
        verbose_name = _("mẫu kết quả")
        verbose_name_plural = _("mẫu kết quả")
        constraints = (
            models.UniqueConstraint(
                fields=("procedure", "version"), name="results_template_version_unique"
            ),
        )

    def __str__(self) -> str:
        return f"{self.procedure or _('Mọi thủ tục')} v{self.version}"


class ResultDocument(PublicIdModel):
    """The signed electronic result of one dossier, as issued. The bytes are the stored file
    (in the applicant's document store too); ``sha256`` identifies this exact file on the
    public verification page, ``verification_code`` is what its QR code carries."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="result"
    )
    file = models.ForeignKey("documents.StoredFile", on_delete=models.PROTECT, related_name="+")
    verification_code = models.CharField(
        _("mã xác thực"), max_length=16, unique=True, default=new_verification_code
    )
    number = models.CharField(_("số kết quả"), max_length=64)
    title = models.CharField(_("tên kết quả"), max_length=255)
    agency = models.ForeignKey(
        "units.Agency", verbose_name=_("cơ quan ký"), on_delete=models.PROTECT, related_name="+"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người phê duyệt"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    signer_subject = models.CharField(_("chủ thể chứng thư ký"), max_length=255)
    certificate_serial = models.CharField(_("số hiệu chứng thư"), max_length=64)
    certificate_fingerprint = models.CharField(_("dấu vân tay chứng thư"), max_length=64)
    signed_at = models.DateTimeField(_("ký lúc"))
    sha256 = models.CharField(_("SHA-256 của tệp"), max_length=64, unique=True)
    template = models.ForeignKey(
        ResultTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    template_version = models.PositiveIntegerField(_("phiên bản mẫu"), default=0)
    key_store = models.CharField(_("kho khóa"), max_length=20)

    class Meta:
        verbose_name = _("kết quả điện tử")
        verbose_name_plural = _("kết quả điện tử")

    def __str__(self) -> str:
        return f"{self.number} ({self.dossier_id})"
