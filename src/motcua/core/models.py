"""Base models shared by every app."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        abstract = True


class PublicIdModel(TimeStampedModel):
    """A model exposed outside the system by a random id, never by its sequence number."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class AppendOnlyError(Exception):
    """An attempt to change or remove an entry of the audit log."""


class AuditEntryQuerySet(models.QuerySet):
    """Bulk changes are refused: the audit log only grows."""

    def update(self, **kwargs):
        raise AppendOnlyError("the audit log is append-only: entries cannot be updated")

    def delete(self):
        raise AppendOnlyError("the audit log is append-only: entries cannot be deleted")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("the audit log is append-only: entries cannot be updated")

    update.queryset_only = True
    delete.queryset_only = True


class AuditEntry(models.Model):
    """One security-relevant event: who did what, to what, from where. Append-only.

    Written only through :func:`motcua.core.audit.record`. Rows are never updated nor deleted:
    the model and its queryset refuse, and a database trigger (migration 0002, PostgreSQL and
    SQLite) aborts any ``UPDATE`` or ``DELETE`` of the table, raw SQL included. On SQLite, a
    migration that rebuilds this table (most ``AlterField``) drops the triggers: such a migration
    must create them again (see ``0002_auditentry_append_only``).

    ``ip`` is the client address the request came from. It is personal data, kept on purpose:
    security review needs it (brute force, account takeover). ``details`` never holds personal
    data in clear: no password, no identity number, and a username only as a keyed hash
    (:func:`motcua.core.audit.username_hash`).
    """

    at = models.DateTimeField(_("lúc"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The person the actor acted for (delegation, arriving later).
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("thay mặt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.SlugField(_("hành động"), max_length=50, db_index=True)
    object_type = models.CharField(_("loại đối tượng"), max_length=100, blank=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    details = models.JSONField(_("chi tiết"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhật ký kiểm toán")
        verbose_name_plural = _("nhật ký kiểm toán")
        ordering = ("-at", "-id")
        indexes = (models.Index(fields=("object_type", "object_id"), name="core_audit_object_idx"),)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("the audit log is append-only: entries cannot be updated")
        kwargs["force_insert"] = True
        kwargs.pop("force_update", None)
        kwargs.pop("update_fields", None)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("the audit log is append-only: entries cannot be deleted")
