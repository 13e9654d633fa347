"""Messages kept by the demo channels (the embedded installation has no mail or SMS server)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DemoMessage(models.Model):
    """An e-mail or SMS the demo channels "sent": shown in the demo mailbox, never in
    production (``MOTCUA_DEMO_MAILBOX`` is refused there)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    channel = models.CharField(max_length=5, choices=Channel.choices)
    recipient = models.CharField(max_length=254)
    subject = models.CharField(max_length=255, blank=True)
    body = models.TextField()
    #: The sender's request id (the demo SMS gateway answers a repeated one only once).
    reference = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("thư thử nghiệm")
        verbose_name_plural = _("thư thử nghiệm")

    def __str__(self) -> str:
        return f"{self.channel} {self.created_at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """An in-app message to one account ("Thông báo"), made from an outbox event (its id keeps
    a retried delivery from making a second one)."""

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="notifications"
    )
    event_id = models.UUIDField(null=True, blank=True)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        constraints = (
            models.UniqueConstraint(
                fields=["user", "event_id"], name="one_notification_per_event_and_user"
            ),
        )
        indexes = (models.Index(fields=("user", "read_at"), name="notification_unread_idx"),)

    def __str__(self) -> str:
        return self.title


class MessageTemplate(models.Model):
    """The wording of one kind of message, edited by administrators in the admin: the e-mail's
    subject and text, the SMS, and the in-app title and text. The texts name variables as
    ``{{ code }}`` (``rendering.VARIABLES``); built-in defaults come from ``defaults.py``."""

    key = models.CharField(_("loại thông báo"), max_length=40, unique=True)
    label = models.CharField(_("mô tả"), max_length=200)
    audience = models.CharField(
        _("gửi cho"),
        max_length=10,
        choices=(("citizen", _("người dân")), ("staff", _("cán bộ"))),
        default="citizen",
    )
    subject = models.CharField(_("tiêu đề e-mail"), max_length=200)
    email_body = models.TextField(_("nội dung e-mail"))
    sms_text = models.CharField(_("tin nhắn SMS"), max_length=320, blank=True)
    title = models.CharField(_("tiêu đề thông báo trên cổng"), max_length=200)
    body = models.TextField(_("nội dung thông báo trên cổng"), blank=True)
    essential = models.BooleanField(
        _("thiết yếu (mặc định gửi SMS)"),
        default=False,
        help_text=_("Khi người dùng chưa chọn, tin SMS chỉ gửi cho các loại thiết yếu."),
    )
    is_active = models.BooleanField(_("đang dùng"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("key",)
        verbose_name = _("mẫu thông báo")
        verbose_name_plural = _("mẫu thông báo")

    def __str__(self) -> str:
        return self.label


class Message(models.Model):
    """One message of one event to one account on one channel, and how its sending went.

    Unique per (event, user, channel): an event handled twice, or retried after one channel
    failed, finds the rows it already made and sends only those not yet sent."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")
        INAPP = "inapp", _("Trên cổng")

    class State(models.TextChoices):
        PENDING = "pending", _("chờ gửi")
        SENT = "sent", _("đã gửi")
        FAILED = "failed", _("lỗi")

    event_id = models.UUIDField(_("sự kiện"))
    kind = models.CharField(_("loại thông báo"), max_length=40)
    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="notification_messages"
    )
    channel = models.CharField(_("kênh"), max_length=5, choices=Channel.choices)
    address = models.CharField(_("địa chỉ nhận"), max_length=254, blank=True)
    subject = models.CharField(_("tiêu đề"), max_length=255, blank=True)
    body = models.TextField(_("nội dung"))
    url = models.CharField(max_length=300, blank=True)
    state = models.CharField(
        _("tình trạng"), max_length=7, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    last_error = models.CharField(_("lỗi gần nhất"), max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(_("gửi lại lúc"), null=True, blank=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    provider_ref = models.CharField(_("mã của nhà cung cấp"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("tin đã gửi")
        verbose_name_plural = _("tin đã gửi")
        constraints = (
            models.UniqueConstraint(
                fields=["event_id", "user", "channel"], name="one_message_per_event_user_channel"
            ),
        )
        indexes = (models.Index(fields=("state", "next_attempt_at"), name="message_retry_idx"),)

    def __str__(self) -> str:
        return f"{self.kind} {self.channel}"


class Preference(models.Model):
    """Which channels one account wants for one kind of message (in-app is always on). Without
    a row, the defaults apply (``preferences.defaults``)."""

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("loại thông báo"), max_length=40)
    email = models.BooleanField(_("e-mail"), default=True)
    sms = models.BooleanField(_("SMS"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lựa chọn nhận thông báo")
        verbose_name_plural = _("lựa chọn nhận thông báo")
        constraints = (
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind"),
        )

    def __str__(self) -> str:
        return self.kind
