"""What the sync keeps: each dossier's state at the national portal, and the nightly
reconciliation reports (both shown to system administrators in the admin)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DossierSync(models.Model):
    """The last successful push of one dossier. A push that fails leaves this row as it was:
    the failure is on the outbox delivery (``services.failing``), retried until it succeeds."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="portal_sync"
    )
    created_remotely_at = models.DateTimeField(_("tạo trên Cổng lúc"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("trạng thái đã gửi"), null=True, blank=True)
    last_pushed_at = models.DateTimeField(_("gửi gần nhất lúc"), null=True, blank=True)
    last_event_id = models.UUIDField(null=True, blank=True)
    last_topic = models.CharField(_("sự kiện gần nhất"), max_length=80, blank=True)
    pushes = models.PositiveIntegerField(_("số lần gửi"), default=0)
    #: What the last reconciliation found at the portal ("" when the portal had nothing).
    remote_status = models.CharField(_("trạng thái trên Cổng"), max_length=4, blank=True)
    checked_at = models.DateTimeField(_("đối soát lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("đồng bộ hồ sơ")
        verbose_name_plural = _("đồng bộ hồ sơ")

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.last_status}"


class Reconciliation(models.Model):
    """One run of the reconciliation: the dossiers changed since ``since`` looked up at the
    portal, and those it holds differently (``items``)."""

    started_at = models.DateTimeField(_("bắt đầu lúc"))
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    since = models.DateTimeField(_("hồ sơ thay đổi từ"))
    plugin = models.CharField(_("kết nối"), max_length=30)
    checked = models.PositiveIntegerField(_("số hồ sơ đối soát"), default=0)
    missing = models.PositiveIntegerField(_("không có trên Cổng"), default=0)
    differing = models.PositiveIntegerField(_("khác trạng thái"), default=0)
    error = models.CharField(_("lỗi"), max_length=500, blank=True)

    class Meta:
        ordering = ("-started_at",)
        verbose_name = _("đối soát với Cổng DVC quốc gia")
        verbose_name_plural = _("đối soát với Cổng DVC quốc gia")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} ({self.missing} + {self.differing})"


class ReconciliationItem(models.Model):
    class Kind(models.TextChoices):
        MISSING = "missing", _("Không có trên Cổng")
        DIFFERS = "differs", _("Khác trạng thái")

    report = models.ForeignKey(Reconciliation, on_delete=models.CASCADE, related_name="items")
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    code = models.CharField(_("mã hồ sơ"), max_length=40)
    kind = models.CharField(_("sai lệch"), max_length=10, choices=Kind.choices)
    local_status = models.PositiveSmallIntegerField(_("trạng thái tại hệ thống"))
    remote_status = models.CharField(_("trạng thái trên Cổng"), max_length=4, blank=True)
    #: A push of this dossier was still waiting in the outbox at the time of the check.
    push_pending = models.BooleanField(_("đang chờ gửi"), default=False)

    class Meta:
        ordering = ("report_id", "code")
        verbose_name = _("hồ sơ sai lệch")
        verbose_name_plural = _("hồ sơ sai lệch")

    def __str__(self) -> str:
        return f"{self.code} {self.kind}"
