"""One-time codes sent to a local account's phone or e-mail address. Stored hashed only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OneTimeCode(models.Model):
    """One code, for one purpose, sent to one contact of one account.

    ``code_hash`` is an HMAC of the code keyed with SECRET_KEY and bound to the row, so a code
    read from a database copy cannot be replayed and one row's hash says nothing of another's.
    A code is good once, until ``expires_at``, and for ``settings.MOTCUA_OTP_MAX_ATTEMPTS``
    wrong guesses; the rules are in ``accounts.services.codes``.
    """

    class Purpose(models.TextChoices):
        REGISTER = "register", _("Xác minh khi đăng ký")
        LOGIN = "login", _("Đăng nhập")
        RESET = "reset", _("Đặt lại mật khẩu")

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("Tin nhắn SMS")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="one_time_codes"
    )
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    channel = models.CharField(max_length=5, choices=Channel.choices)
    code_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    #: Where the request came from, to limit how many codes one address can have sent.
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = (models.Index(fields=("ip", "created_at"), name="accounts_code_ip_idx"),)

    def __str__(self) -> str:
        return f"{self.purpose} {self.channel} {self.created_at:%Y-%m-%d %H:%M}"
