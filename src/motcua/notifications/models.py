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
