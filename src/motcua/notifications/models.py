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
