"""Base models shared by every app."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
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


#: How the audit log's actions read in Vietnamese (an action without a label shows its code).
ACTION_LABELS = {
    "outbox_retry": _("Gửi lại sự kiện"),
    "outbox_resume": _("Tiếp tục gửi cho một nơi nhận"),
    "login": _("Đăng nhập"),
    "logout": _("Đăng xuất"),
    "login_failed": _("Đăng nhập không thành công"),
    "lockout": _("Tạm khóa đăng nhập vì sai nhiều lần"),
    "eid_login": _("Đăng nhập bằng VNeID"),
    "eid_login_failed": _("Đăng nhập VNeID không thành công"),
    "eid_linked": _("Liên kết với VNeID"),
    "otp_sent": _("Gửi mã xác minh"),
    "otp_failed": _("Nhập sai mã xác minh"),
    "otp_verified": _("Xác minh mã thành công"),
    "otp_rate_limited": _("Từ chối gửi mã vì vượt giới hạn"),
    "registration_started": _("Bắt đầu đăng ký tài khoản"),
    "account_registered": _("Tạo tài khoản"),
    "password_reset": _("Đặt lại mật khẩu"),
    "mfa_enrolled": _("Cài mã xác thực hai lớp"),
    "mfa_verified": _("Xác thực hai lớp thành công"),
    "mfa_failed": _("Nhập sai mã xác thực hai lớp"),
    "mfa_throttled": _("Tạm chặn xác thực hai lớp"),
    "mfa_locked": _("Hủy lượt đăng nhập vì sai mã nhiều lần"),
    "mfa_reset": _("Xóa mã xác thực hai lớp"),
    "mfa_recovery_codes_renewed": _("Cấp mã dự phòng mới"),
    "staff_created": _("Tạo tài khoản cán bộ"),
    "staff_invited": _("Gửi thư mời kích hoạt"),
    "staff_reinvited": _("Đặt lại và gửi lại thư mời"),
    "staff_password_set": _("Cán bộ đặt mật khẩu"),
    "staff_activated": _("Mở khóa tài khoản"),
    "staff_deactivated": _("Khóa tài khoản"),
    "role_granted": _("Gán vai trò"),
    "role_revoked": _("Thu hồi vai trò"),
    "organisation_registered": _("Đăng ký tài khoản tổ chức"),
    "member_added": _("Thêm thành viên tổ chức"),
    "member_role_changed": _("Đổi vai trò thành viên"),
    "member_removed": _("Bỏ thành viên khỏi tổ chức"),
    "delegation_created": _("Ủy quyền"),
    "delegation_revoked": _("Thu hồi ủy quyền"),
    "delegation_renounced": _("Từ chối nhận ủy quyền"),
    "acting_changed": _("Chọn làm việc thay mặt"),
    "file_uploaded": _("Tải tệp lên"),
    "file_refused": _("Từ chối tệp tải lên"),
    "file_downloaded": _("Tải tệp xuống"),
    "store_item_added": _("Thêm vào kho dữ liệu"),
    "store_item_removed": _("Xóa khỏi kho dữ liệu"),
    "dossier_draft_started": _("Bắt đầu khai hồ sơ"),
    "dossier_document_attached": _("Đính kèm giấy tờ"),
    "dossier_document_removed": _("Bỏ giấy tờ đính kèm"),
    "dossier_submitted": _("Nộp hồ sơ trực tuyến"),
    "dossier_filed_at_desk": _("Nộp hồ sơ tại quầy"),
    "dossier_withdrawn": _("Rút hồ sơ"),
    "dossier_lookup_failed": _("Tra cứu hồ sơ không khớp"),
    "form_published": _("Công bố biểu mẫu điện tử"),
}


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
    # The person the actor acted for (through a delegation).
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("thay mặt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The organisation the actor acted for (as its member or through its delegation).
    on_behalf_of_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("thay mặt tổ chức"),
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
        indexes = (
            models.Index(fields=("object_type", "object_id"), name="core_audit_object_idx"),
            models.Index(fields=("ip", "action", "at"), name="core_audit_ip_idx"),
        )

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

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))


class OutboxEvent(models.Model):
    """Something other parts must learn about, written in the same transaction as the change
    (the transactional outbox). ``core.outbox`` relays it to one :class:`Delivery` per
    subscriber, each delivered at least once; subscribers are idempotent (the event's ``id``
    is their key)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    topic = models.CharField(_("loại sự kiện"), max_length=80, db_index=True)
    #: The aggregate it is about ("dossiers.dossier", public id): delivery keeps its order.
    aggregate_type = models.CharField(max_length=60, blank=True)
    aggregate_id = models.CharField(max_length=64, blank=True)
    payload = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    #: When its deliveries were written (one per subscriber of its topic).
    relayed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created_at",)
        verbose_name = _("sự kiện")
        verbose_name_plural = _("sự kiện")
        indexes = (
            models.Index(
                fields=("created_at",),
                condition=models.Q(relayed_at__isnull=True),
                name="core_outbox_unrelayed_idx",
            ),
        )

    def __str__(self) -> str:
        return f"{self.topic} {self.aggregate_id}"

    @property
    def aggregate_key(self) -> str:
        return f"{self.aggregate_type}:{self.aggregate_id}" if self.aggregate_id else ""


class Delivery(models.Model):
    """One event for one subscriber (an e-mail sender, the national-portal sync, a webhook…).

    Pending until its subscriber has run without error; a failure is counted and tried again
    later with back-off, never dropped. Deliveries of one aggregate reach a subscriber in the
    order of their ids (the order of the events): a later one waits while an earlier one is
    pending. Administrators see the failing ones and can send them again at once.
    """

    id = models.BigAutoField(primary_key=True)
    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.CharField(_("nơi nhận"), max_length=150)
    #: ``aggregate_type:aggregate_id`` of the event, or "" when order does not matter.
    aggregate = models.CharField(max_length=130, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    available_at = models.DateTimeField(_("gửi từ"), default=timezone.now)
    delivered_at = models.DateTimeField(_("đã gửi lúc"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("số lần thử"), default=0)
    last_error = models.CharField(_("lỗi gần nhất"), max_length=500, blank=True)
    last_attempt_at = models.DateTimeField(_("lần thử gần nhất"), null=True, blank=True)

    class Meta:
        ordering = ("id",)
        verbose_name = _("lượt gửi sự kiện")
        verbose_name_plural = _("lượt gửi sự kiện")
        constraints = (
            models.UniqueConstraint(
                fields=("event", "subscriber"), name="core_one_delivery_per_subscriber"
            ),
        )
        indexes = (
            # The next ready deliveries, and "is an earlier one of this aggregate pending?".
            models.Index(
                fields=("subscriber", "id"),
                condition=models.Q(delivered_at__isnull=True),
                name="core_delivery_pending_idx",
            ),
            models.Index(
                fields=("subscriber", "aggregate", "id"),
                condition=models.Q(delivered_at__isnull=True),
                name="core_delivery_order_idx",
            ),
            models.Index(fields=("delivered_at",), name="core_delivery_done_idx"),
        )

    def __str__(self) -> str:
        return f"{self.subscriber} ← {self.event_id}"

    @property
    def failing(self) -> bool:
        return self.delivered_at is None and self.attempts > 0


class OutboxSubscriber(models.Model):
    """A subscriber's health, shared by every worker: after several failures in a row (the
    remote system is down, not one bad event) it is paused, with growing pauses, so that a long
    outage costs one probe now and then instead of a storm of attempts; the first success
    resumes it and makes its waiting deliveries ready at once."""

    name = models.CharField(_("nơi nhận"), max_length=150, primary_key=True)
    consecutive_failures = models.PositiveIntegerField(_("số lần lỗi liên tiếp"), default=0)
    paused_until = models.DateTimeField(_("tạm dừng đến"), null=True, blank=True)
    last_error = models.CharField(_("lỗi gần nhất"), max_length=500, blank=True)
    last_success_at = models.DateTimeField(_("gửi được lần cuối"), null=True, blank=True)

    class Meta:
        ordering = ("name",)
        verbose_name = _("nơi nhận sự kiện")
        verbose_name_plural = _("nơi nhận sự kiện")

    def __str__(self) -> str:
        return self.name


class CalendarDay(TimeStampedModel):
    """A date that breaks the Monday-to-Friday rule: a holiday, or a day worked to make up.

    A table, not a constant, because the government announces Tết breaks and day swaps each
    year, a few months ahead: administrators add them here (``source="admin"``) and the bundled
    file is imported again at every ``bootstrap`` (``source="data"``) without touching theirs.
    An administrator's change to a bundled day makes it theirs, so it survives the next import;
    to cancel a bundled holiday, they mark it a working day (a bundled row deleted would come back
    at the next import). Read by :class:`motcua.core.calendar.WorkingCalendar`.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Ngày nghỉ lễ, Tết")
        WORKDAY = "workday", _("Ngày làm việc (làm bù)")

    class Source(models.TextChoices):
        DATA = "data", _("Dữ liệu kèm theo hệ thống")
        ADMIN = "admin", _("Quản trị viên thêm")

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại ngày"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("tên ngày"), max_length=200)
    source = models.CharField(
        _("nguồn"), max_length=10, choices=Source.choices, default=Source.ADMIN, editable=False
    )

    class Meta:
        ordering = ("date",)
        verbose_name = _("ngày nghỉ, ngày làm bù")
        verbose_name_plural = _("lịch ngày nghỉ, ngày làm bù")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"
