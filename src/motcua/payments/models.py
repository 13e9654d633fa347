"""Fees and their online payment: what a procedure charges (``FeeSchedule``, ``FeeRule``),
each attempt to pay (``Payment``), every message a provider sent us (``ProviderMessage``),
receipt numbers (``ReceiptCounter``), statement reconciliation (``ReconciliationRun``,
``Mismatch``), and the demo bank's own ledger (``DemoTransaction``).

Rows are written only by ``payments.services`` (and the demo bank by ``payments.demo``).
Amounts are whole đồng (VND has no minor unit).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.core.models import PublicIdModel, TimeStampedModel


class FeeKind(models.TextChoices):
    FIXED = "fixed", _("Một mức cố định")
    BY_ANSWER = "by_answer", _("Theo câu trả lời trong tờ khai")
    FREE = "free", _("Miễn phí")


class Timing(models.TextChoices):
    BEFORE_RECEPTION = "before_reception", _("Nộp khi nộp hồ sơ, trước khi tiếp nhận")
    AFTER_APPROVAL = "after_approval", _("Nộp khi cơ quan yêu cầu, trong quá trình giải quyết")
    EXEMPT = "exempt", _("Không thu")


class FeeSchedule(TimeStampedModel):
    """What one procedure charges and when (edited by agency administrators in the admin).

    Without a schedule the catalogue's fee of the online channel applies (``fees.fee_for``).
    """

    procedure = models.OneToOneField(
        "catalog.Procedure", on_delete=models.CASCADE, related_name="fee_schedule"
    )
    kind = models.CharField(_("cách tính"), max_length=10, choices=FeeKind.choices)
    timing = models.CharField(
        _("thời điểm thu"),
        max_length=20,
        choices=Timing.choices,
        default=Timing.BEFORE_RECEPTION,
    )
    label = models.CharField(_("tên khoản thu"), max_length=200, default="Lệ phí")
    amount = models.BigIntegerField(_("số tiền (đồng)"), null=True, blank=True)
    #: The e-form field whose answer chooses the amount (``FeeRule.answer``).
    field = models.CharField(_("trường trong tờ khai"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("phí, lệ phí của thủ tục")
        verbose_name_plural = _("phí, lệ phí của thủ tục")
        constraints = (
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="payments_fee_amount_not_negative",
            ),
        )

    def __str__(self) -> str:
        return f"{self.procedure_id}: {self.get_kind_display()}"


class FeeRule(models.Model):
    """One answer of ``FeeSchedule.field`` and the amount it costs."""

    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="rules")
    answer = models.CharField(_("câu trả lời"), max_length=200)
    amount = models.BigIntegerField(_("số tiền (đồng)"))
    label = models.CharField(_("tên khoản thu"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("mức thu theo câu trả lời")
        verbose_name_plural = _("mức thu theo câu trả lời")
        constraints = (
            models.UniqueConstraint(fields=("schedule", "answer"), name="payments_one_rule"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="payments_rule_not_negative"),
        )

    def __str__(self) -> str:
        return f"{self.answer}: {self.amount}"


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Đang chờ xác nhận")
    PAID = "paid", _("Đã thanh toán")
    FAILED = "failed", _("Không thành công")
    REFUNDED = "refunded", _("Đã hoàn tiền")


class Payment(PublicIdModel):
    """One attempt to pay a dossier's fee through one provider.

    Only a verified server-to-server message (or the provider's answer to our QUERY) moves it
    from pending to paid. At most one payment per dossier and timing is pending or paid at a
    time (a constraint, not only a check), so a fee is never charged twice.
    """

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="payments"
    )
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    timing = models.CharField(_("thời điểm thu"), max_length=20, choices=Timing.choices)
    #: Dossier code + ``yyyyMMddHHmmss``: what the provider knows the payment by.
    reference = models.CharField(_("mã tham chiếu"), max_length=64, unique=True)
    amount = models.BigIntegerField(_("số tiền (đồng)"))
    currency = models.CharField(_("loại tiền"), max_length=3, default="VND")
    lines = models.JSONField(_("các khoản thu"), default=list)
    provider = models.CharField(_("kênh thanh toán"), max_length=20)
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=PaymentStatus.choices,
        default=PaymentStatus.PENDING,
    )
    transaction_id = models.CharField(_("mã giao dịch"), max_length=64, blank=True)
    bank_code = models.CharField(_("ngân hàng"), max_length=20, blank=True)
    paid_at = models.DateTimeField(_("thanh toán lúc"), null=True, blank=True)
    confirmed_by = models.CharField(_("xác nhận qua"), max_length=20, blank=True)
    failed_reason = models.CharField(max_length=100, blank=True)
    last_queried_at = models.DateTimeField(null=True, blank=True)
    receipt_year = models.PositiveSmallIntegerField(null=True, blank=True)
    receipt_number = models.PositiveIntegerField(_("số biên lai"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("hoàn tiền lúc"), null=True, blank=True)
    refunded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    refund_reason = models.TextField(_("lý do hoàn tiền"), blank=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("khoản thanh toán")
        verbose_name_plural = _("khoản thanh toán")
        constraints = (
            models.UniqueConstraint(
                fields=("dossier", "timing"),
                condition=Q(status__in=("pending", "paid")),
                name="payments_one_live_payment_per_fee",
            ),
            models.UniqueConstraint(
                fields=("receipt_year", "receipt_number"), name="payments_receipt_number_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_amount_positive"),
            models.CheckConstraint(
                condition=Q(receipt_number__isnull=True) | Q(receipt_number__lte=99_999_999),
                name="payments_receipt_number_8_digits",
            ),
        )
        indexes = (
            models.Index(fields=("status", "created_at"), name="payments_status_idx"),
            models.Index(fields=("provider", "paid_at"), name="payments_provider_day_idx"),
        )

    def __str__(self) -> str:
        return self.reference

    @property
    def receipt_label(self) -> str:
        return f"{self.receipt_number:08d}" if self.receipt_number else ""


class ReceiptCounter(models.Model):
    """The last receipt number of one year (locked while a number is taken)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class MessageOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Đã ghi nhận")
    DUPLICATE = "duplicate", _("Đã xác nhận trước đó (gửi lại)")
    REJECTED = "rejected", _("Từ chối")


class ProviderMessage(models.Model):
    """A notification a provider (or someone pretending to be one) sent us, kept whatever we
    did with it, so administrators see forged and replayed messages. Only the protocol fields
    are kept: no payer name or card data."""

    provider = models.CharField(_("kênh thanh toán"), max_length=20)
    kind = models.CharField(_("loại"), max_length=10)  # callback, ipn, query
    received_at = models.DateTimeField(_("nhận lúc"), auto_now_add=True, db_index=True)
    reference = models.CharField(_("mã tham chiếu"), max_length=64, blank=True)
    outcome = models.CharField(_("kết quả"), max_length=10, choices=MessageOutcome.choices)
    reason = models.CharField(_("lý do"), max_length=40, blank=True)
    fields = models.JSONField(default=dict)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    payment = models.ForeignKey(
        Payment, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )

    class Meta:
        ordering = ("-received_at",)
        verbose_name = _("thông báo từ kênh thanh toán")
        verbose_name_plural = _("thông báo từ kênh thanh toán")

    def __str__(self) -> str:
        return f"{self.provider} {self.kind} {self.reference} {self.outcome}"


class ReconciliationRun(models.Model):
    """One comparison of a provider's daily statement with our records (đối soát)."""

    provider = models.CharField(_("kênh thanh toán"), max_length=20)
    day = models.DateField(_("ngày đối soát"))
    file_name = models.CharField(_("tệp sao kê"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("chạy lúc"), auto_now_add=True)
    lines = models.PositiveIntegerField(_("số dòng sao kê"), default=0)
    matched = models.PositiveIntegerField(_("khớp"), default=0)
    mismatches_count = models.PositiveIntegerField(_("chênh lệch"), default=0)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("lần đối soát")
        verbose_name_plural = _("lần đối soát")

    def __str__(self) -> str:
        return f"{self.provider} {self.day}"


class MismatchKind(models.TextChoices):
    MISSING_OURS = "missing_ours", _("Có trong sao kê, không có trong hệ thống")
    MISSING_THEIRS = "missing_theirs", _("Có trong hệ thống, không có trong sao kê")
    AMOUNT = "amount", _("Số tiền khác nhau")
    STATUS = "status", _("Trạng thái khác nhau")


class Mismatch(models.Model):
    run = models.ForeignKey(ReconciliationRun, on_delete=models.CASCADE, related_name="mismatches")
    kind = models.CharField(_("loại chênh lệch"), max_length=16, choices=MismatchKind.choices)
    reference = models.CharField(_("mã tham chiếu"), max_length=64)
    transaction_id = models.CharField(_("mã giao dịch"), max_length=64, blank=True)
    ours_amount = models.BigIntegerField(_("số tiền theo hệ thống"), null=True, blank=True)
    theirs_amount = models.BigIntegerField(_("số tiền theo sao kê"), null=True, blank=True)
    ours_status = models.CharField(_("trạng thái theo hệ thống"), max_length=10, blank=True)
    theirs_status = models.CharField(_("trạng thái theo sao kê"), max_length=10, blank=True)
    payment = models.ForeignKey(
        Payment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("run", "kind", "reference")
        verbose_name = _("chênh lệch đối soát")
        verbose_name_plural = _("chênh lệch đối soát")

    def __str__(self) -> str:
        return f"{self.kind} {self.reference}"


class DemoTransaction(models.Model):
    """The demo bank's own ledger (``MOTCUA_PAYMENT_DEMO`` only): what the bank side knows,
    apart from our ``Payment`` rows, so that QUERY and statements answer from the bank's view."""

    provider = models.CharField(max_length=20)
    reference = models.CharField(max_length=64)
    transaction_id = models.CharField(max_length=64, unique=True)
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3, default="VND")
    #: "paid", "cancelled" or "refunded".
    status = models.CharField(max_length=10)
    bank_code = models.CharField(max_length=20, default="NCB")
    at = models.DateTimeField()
    #: Where the bank sends its server-to-server notification, and the browser back.
    notify_url = models.CharField(max_length=500, blank=True)
    return_url = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ("at",)
        verbose_name = _("giao dịch ngân hàng thử nghiệm")
        verbose_name_plural = _("giao dịch ngân hàng thử nghiệm")
        constraints = (
            models.UniqueConstraint(fields=("provider", "reference"), name="payments_demo_once"),
        )

    def __str__(self) -> str:
        return f"{self.provider} {self.reference} {self.status}"
