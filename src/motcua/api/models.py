"""Client systems (hệ thống kết nối) and what they own: API keys, OAuth2 credentials,
idempotency records of their submissions, webhook subscriptions and their deliveries.

A client system is another information system an agency has authorised to use the API: a
provincial one-stop system, a sector's software, a postal service. It is limited twice: by
its scopes (what it may do) and by its agencies (whose dossiers it may see and file). Every
change goes through ``api.services`` with its audit entry; system administrators manage
clients in the Django admin.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.models import PublicIdModel, TimeStampedModel


class Scope(models.TextChoices):
    PROCEDURES_READ = "procedures:read", _("Đọc danh mục thủ tục")
    DOSSIERS_READ = "dossiers:read", _("Tra cứu tình trạng hồ sơ")
    DOSSIERS_WRITE = "dossiers:write", _("Nộp hồ sơ thay người dân")
    SUPPLEMENTS_WRITE = "supplements:write", _("Gửi giấy tờ bổ sung")
    WEBHOOKS_MANAGE = "webhooks:manage", _("Quản lý đăng ký nhận sự kiện (webhook)")


class ClientSystem(PublicIdModel):
    """An authorised client system. ``user`` is the account it files dossiers as (never logs
    in: no password); the dossiers it files are its own, as a citizen's are theirs."""

    name = models.CharField(_("tên hệ thống"), max_length=200)
    contact_name = models.CharField(_("người liên hệ"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-mail liên hệ"), blank=True)
    contact_phone = models.CharField(_("điện thoại liên hệ"), max_length=20, blank=True)
    scopes = models.JSONField(_("phạm vi quyền"), default=list, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="client_system",
        editable=False,
    )
    oauth_application = models.OneToOneField(
        "oauth2_provider.Application",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="client_system",
        editable=False,
    )
    #: Requests a minute; 0: the default (MOTCUA_API_RATE_PER_MINUTE).
    rate_per_minute = models.PositiveIntegerField(_("số yêu cầu mỗi phút"), default=0)

    class Meta:
        verbose_name = _("hệ thống kết nối")
        verbose_name_plural = _("hệ thống kết nối")

    def __str__(self) -> str:
        return self.name

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])

    def dossier_q(self) -> Q:
        """The dossiers within the client's agencies: resolved or received there (or below,
        for an agency granted with its sub-units)."""
        condition = Q(pk__in=[])
        for grant in self.agencies.select_related("agency"):
            agency = grant.agency
            if grant.include_subunits:
                condition |= Q(agency_path__startswith=agency.path)
                condition |= Q(receiving_agency__path__startswith=agency.path)
            else:
                condition |= Q(resolving_agency=agency) | Q(receiving_agency=agency)
        return condition

    def reaches_agency(self, agency) -> bool:
        if agency is None:
            return False
        for grant in self.agencies.select_related("agency"):
            if grant.agency_id == agency.pk:
                return True
            if grant.include_subunits and agency.path.startswith(grant.agency.path):
                return True
        return False


class ClientAgency(models.Model):
    """An agency whose dossiers a client system reaches, with or without its sub-units."""

    client = models.ForeignKey(ClientSystem, on_delete=models.CASCADE, related_name="agencies")
    agency = models.ForeignKey("units.Agency", on_delete=models.PROTECT, related_name="+")
    include_subunits = models.BooleanField(_("gồm cả đơn vị trực thuộc"), default=True)

    class Meta:
        verbose_name = _("cơ quan trong phạm vi")
        verbose_name_plural = _("cơ quan trong phạm vi")
        constraints = (
            models.UniqueConstraint(fields=["client", "agency"], name="client_agency_unique"),
        )

    def __str__(self) -> str:
        return str(self.agency)


class ApiKeyQuerySet(models.QuerySet["ApiKey"]):
    def usable(self) -> ApiKeyQuerySet:
        return self.filter(revoked_at__isnull=True, client__is_active=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
        )


class ApiKey(TimeStampedModel):
    """An API key: ``prefix`` finds it, ``digest`` (SHA-256 of the whole key) proves it. The
    key itself is shown once, when it is made, and never stored."""

    client = models.ForeignKey(ClientSystem, on_delete=models.CASCADE, related_name="keys")
    label = models.CharField(_("ghi chú"), max_length=100, blank=True)
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(_("hết hạn"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True, editable=False)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")

    def __str__(self) -> str:
        return f"{self.prefix}…"


class IdempotencyRecord(models.Model):
    """What a client's request with an ``Idempotency-Key`` gave: the same key and body give
    the same answer; the same key with another body is refused."""

    client = models.ForeignKey(ClientSystem, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    body_digest = models.CharField(max_length=64)
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["client", "key"], name="idempotency_key_unique"),
        )

    def __str__(self) -> str:
        return self.key


class WebhookSubscription(PublicIdModel):
    """A client's wish to be told of events: posted to ``target_url``, signed with
    ``secret`` (shown once when made)."""

    client = models.ForeignKey(ClientSystem, on_delete=models.CASCADE, related_name="subscriptions")
    target_url = models.URLField(_("địa chỉ nhận"), max_length=500)
    topics = models.JSONField(_("sự kiện"), default=list)
    secret = models.CharField(max_length=100, editable=False)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("đăng ký webhook")
        verbose_name_plural = _("đăng ký webhook")

    def __str__(self) -> str:
        return self.target_url


class WebhookDelivery(TimeStampedModel):
    """One event for one subscription: pending until a receiver answered 2xx (then never
    posted again), or given up after too many attempts."""

    class State(models.TextChoices):
        PENDING = "pending", _("Đang chờ gửi lại")
        DELIVERED = "delivered", _("Đã gửi")
        FAILED = "failed", _("Gửi không thành công")

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.UUIDField()
    topic = models.CharField(max_length=100)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    event_created_at = models.DateTimeField(default=timezone.now)
    #: The request body, fixed when the event was fanned out: every attempt sends the same.
    body = models.TextField(default="")

    class Meta:
        verbose_name = _("lượt gửi webhook")
        verbose_name_plural = _("lượt gửi webhook")
        constraints = (
            models.UniqueConstraint(
                fields=["subscription", "event_id"], name="webhook_delivery_unique"
            ),
        )
        indexes = (
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(state="pending"),
                name="webhook_delivery_due_idx",
            ),
        )


class WebhookAttempt(models.Model):
    """One POST to a receiver, with what came back (no body: only the status or the error)."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_rows"
    )
    at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("at", "id")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error}"
