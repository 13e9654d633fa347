"""Every change to a payment: start, confirm (only from a verified provider message or the
provider's answer to our QUERY), fail, refund. One transaction each, with its audit entry;
confirmations and refunds also write the outbox events ``payment.confirmed`` and
``payment.refunded`` with the dossier as aggregate, so their order is kept per dossier.

A fee is never charged twice: at most one payment per dossier and timing is pending or paid
(a database constraint), and a citizen who comes back while one is pending is shown it, not
offered a second one; a notice that arrives after the payment was confirmed changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import structlog
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.access import scope_of
from motcua.accounts.models import Permission
from motcua.core import audit, outbox
from motcua.dossiers import processing
from motcua.dossiers.models import Dossier, Status

from .fees import Fee, fee_for
from .models import MessageOutcome, Payment, PaymentStatus, ProviderMessage, ReceiptCounter, Timing
from .providers import base
from .providers.common import VIETNAM_TZ, stamp
from .providers.registry import enabled_ids, get_provider

log = structlog.get_logger(__name__)

#: Where a before-reception fee may still be paid: filed and not finished.
PAYABLE_BEFORE = (Status.SUBMITTED, Status.RECEIVED, Status.IN_PROGRESS, Status.SUPPLEMENT)
#: The one thing a verified payment may do to a dossier on its own.
PAYMENT_PLATFORM = processing.System("payment platform", frozenset({"confirm_payment"}))
MAX_RECEIPT_NUMBER = 99_999_999


class PaymentError(Exception):
    def __init__(self, code: str, message_vi: str):
        self.code = code
        self.message_vi = message_vi
        super().__init__(code)


# --- Reads used by the write path and the pages ----------------------------------------------


def live_payment(dossier, timing: str) -> Payment | None:
    """The pending or paid payment of this fee, if any."""
    return (
        Payment.objects.filter(dossier=dossier, timing=timing)
        .filter(status__in=(PaymentStatus.PENDING, PaymentStatus.PAID))
        .first()
    )


def due_fee(dossier) -> Fee | None:
    """The fee the dossier owes now (None: nothing to pay now, or already paid)."""
    fee = fee_for(dossier)
    if fee is None:
        return None
    if fee.timing == Timing.BEFORE_RECEPTION and dossier.status not in PAYABLE_BEFORE:
        return None
    if fee.timing == Timing.AFTER_APPROVAL and dossier.status != Status.PAYMENT:
        return None
    paid = Payment.objects.filter(dossier=dossier, timing=fee.timing, status=PaymentStatus.PAID)
    return None if paid.exists() else fee


# --- Start -----------------------------------------------------------------------------------


def start_payment(
    dossier: Dossier,
    *,
    actor,
    provider_id: str,
    return_url: str,
    notify_url: str,
    client_ip: str = "",
    request=None,
) -> tuple[Payment, str]:
    """Record a pending payment of the fee due and register it with the provider; returns the
    payment and the URL the citizen pays at."""
    if provider_id not in enabled_ids():
        raise PaymentError("provider", _("Hãy chọn một kênh thanh toán trong danh sách."))
    provider = get_provider(provider_id)
    payment = _create(dossier, actor=actor, provider_id=provider_id, request=request)
    try:
        start = provider.start(
            payment, return_url=return_url, notify_url=notify_url, client_ip=client_ip
        )
    except base.PaymentProviderError as error:
        _fail(payment.pk, f"start:{error.code}")
        log.warning("payments.start_failed", provider=provider_id, code=error.code)
        raise PaymentError(
            "unavailable",
            _("Kênh thanh toán đang không trả lời. Bạn chưa bị trừ tiền; hãy thử lại sau ít phút."),
        ) from None
    return payment, start.url


def _create(dossier, *, actor, provider_id, request) -> Payment:
    try:
        with transaction.atomic():
            locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
            fee = fee_for(locked)
            live = live_payment(locked, fee.timing) if fee else None
            if live is not None:
                raise _already(live)
            fee = due_fee(locked)
            if fee is None:
                raise PaymentError("nothing_due", _("Hồ sơ này hiện không có khoản phí cần nộp."))
            now = timezone.now()
            payment = Payment.objects.create(
                dossier=locked,
                payer=actor,
                timing=fee.timing,
                reference=reference_for(locked, now),
                amount=fee.amount,
                lines=list(fee.lines),
                provider=provider_id,
            )
            audit.record(
                "payment_started",
                actor=actor,
                obj=payment,
                request=request,
                code=locked.code,
                provider=provider_id,
                amount=fee.amount,
            )
            return payment
    except IntegrityError:  # another request started one at the same moment
        fee = fee_for(dossier)
        live = live_payment(dossier, fee.timing) if fee else None
        if live is not None:
            raise _already(live) from None
        raise PaymentError("busy", _("Hệ thống đang bận; hãy thử lại.")) from None


def reference_for(dossier, now) -> str:
    """Dossier code + ``yyyyMMddHHmmss`` and milliseconds: unique even when a citizen cancels
    and starts again within the same second."""
    return f"{dossier.code}-{stamp(now)}{now.microsecond // 1000:03d}"


def _already(payment: Payment) -> PaymentError:
    if payment.status == PaymentStatus.PAID:
        return PaymentError("paid", _("Khoản phí này đã được thanh toán."))
    return PaymentError(
        "pending",
        _(
            "Bạn đã thanh toán hoặc đang thanh toán khoản phí này; hệ thống đang chờ ngân hàng "
            "xác nhận. Không thanh toán lại để tránh bị trừ tiền hai lần."
        ),
    )


# --- Messages from providers ----------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    outcome: str  # MessageOutcome
    reason: str = ""
    payment: Payment | None = None


def receive_notification(provider_id: str, data, *, kind: str, remote_addr=None) -> Outcome:
    """A server-to-server notification: verified, then applied once. Forged or wrong ones are
    refused, logged and kept for administrators; a repeated one changes nothing."""
    provider = get_provider(provider_id)
    try:
        notice = provider.verify_notification(data)
    except base.Refused as refused:
        return _reject(provider_id, kind, refused.reason, refused.reference, data, remote_addr)
    return apply_notice(provider_id, notice, kind=kind, remote_addr=remote_addr)


def apply_notice(provider_id: str, notice: base.Notice, *, kind: str, remote_addr=None) -> Outcome:
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update()
            .filter(reference=notice.reference, provider=provider_id)
            .first()
        )
        problem = _problem(payment, notice)
        if problem:
            transaction.set_rollback(True)
        else:
            outcome = _apply(payment, notice, via=kind)
            _keep(
                provider_id,
                kind,
                outcome,
                "",
                notice.reference,
                notice.fields,
                remote_addr,
                payment,
            )
            return Outcome(outcome, "", payment)
    return _reject(
        provider_id, kind, problem, notice.reference, notice.fields, remote_addr, payment=payment
    )


def _problem(payment: Payment | None, notice: base.Notice) -> str:
    if payment is None:
        return "unknown_reference"
    if notice.status == base.PENDING:
        return ""
    if notice.amount != payment.amount:
        return "wrong_amount"
    if notice.currency != payment.currency:
        return "wrong_currency"
    return ""


def _apply(payment: Payment, notice: base.Notice, *, via: str) -> str:
    if (
        payment.status == PaymentStatus.FAILED
        and notice.status == base.PAID
        and live_payment(payment.dossier, payment.timing) is None
    ):  # given up on our side (cancelled, expired) but the bank took the money: keep it
        _confirm(payment, notice, via=via)
        return MessageOutcome.ACCEPTED
    if payment.status != PaymentStatus.PENDING:
        if (
            notice.status == base.PAID
            and payment.status == PaymentStatus.PAID
            and (notice.transaction_id != payment.transaction_id)
        ):  # the bank says paid twice: money to give back, for an administrator to see
            log.error(
                "payments.second_success", provider=payment.provider, reference=payment.reference
            )
        log.info(
            "payments.notice_duplicate",
            provider=payment.provider,
            via=via,
            reference=payment.reference,
        )
        return MessageOutcome.DUPLICATE
    if notice.status == base.PENDING:
        payment.last_queried_at = timezone.now()
        payment.save(update_fields=["last_queried_at", "updated_at"])
        return MessageOutcome.ACCEPTED
    if notice.status != base.PAID:
        _mark_failed(payment, f"{via}:declined")
        return MessageOutcome.ACCEPTED
    _confirm(payment, notice, via=via)
    return MessageOutcome.ACCEPTED


def _confirm(payment: Payment, notice: base.Notice, *, via: str) -> None:
    now = timezone.now()
    payment.status = PaymentStatus.PAID
    payment.transaction_id = notice.transaction_id[:64]
    payment.bank_code = notice.bank_code[:20]
    payment.paid_at = notice.paid_at or now
    payment.confirmed_by = via
    payment.receipt_year = now.astimezone(VIETNAM_TZ).year
    payment.receipt_number = take_receipt_number(payment.receipt_year)
    payment.save()
    dossier = payment.dossier
    audit.record(
        "payment_confirmed",
        obj=payment,
        code=dossier.code,
        provider=payment.provider,
        via=via,
        amount=payment.amount,
    )
    outbox.emit(
        "payment.confirmed",
        aggregate=dossier,
        code=dossier.code,
        payment=str(payment.public_id),
        reference=payment.reference,
        amount=payment.amount,
        currency=payment.currency,
        provider=payment.provider,
        timing=payment.timing,
        receipt_number=payment.receipt_label,
        paid_at=payment.paid_at.isoformat(),
    )
    log.info("payments.confirmed", provider=payment.provider, via=via, reference=payment.reference)
    if payment.timing == Timing.AFTER_APPROVAL and dossier.status == Status.PAYMENT:
        processing.perform(dossier.public_id, "confirm_payment", actor=PAYMENT_PLATFORM, now=now)


def take_receipt_number(year: int) -> int:
    """The next receipt number of ``year`` (1, 2, … restarting each 1 January), taken under
    the counter row's lock so that concurrent confirmations never share one."""
    ReceiptCounter.objects.get_or_create(year=year)
    ReceiptCounter.objects.filter(year=year).update(last=F("last") + 1)
    number = ReceiptCounter.objects.get(year=year).last
    if number > MAX_RECEIPT_NUMBER:
        raise PaymentError("receipts", "receipt numbers of the year are exhausted")
    return number


def _reject(provider_id, kind, reason, reference, fields, remote_addr, *, payment=None) -> Outcome:
    log.warning(
        "payments.notice_rejected",
        provider=provider_id,
        kind=kind,
        reason=reason,
        reference=str(reference)[:64],
    )
    with transaction.atomic():
        _keep(
            provider_id,
            kind,
            MessageOutcome.REJECTED,
            reason,
            reference,
            fields,
            remote_addr,
            payment,
        )
    return Outcome(MessageOutcome.REJECTED, reason, payment)


#: What a provider message record keeps: protocol fields only, never a payer's details.
KEPT_FIELDS = frozenset(
    {
        "partnerCode",
        "resultCode",
        "reference",
        "amount",
        "currency",
        "transactionId",
        "bankCode",
        "paidAt",
        "checksum",
        "status",
        "vnp_TmnCode",
        "vnp_Amount",
        "vnp_CurrCode",
        "vnp_TxnRef",
        "vnp_ResponseCode",
        "vnp_TransactionStatus",
        "vnp_TransactionNo",
        "vnp_BankCode",
        "vnp_PayDate",
        "vnp_SecureHash",
    }
)


def _keep(provider_id, kind, outcome, reason, reference, fields, remote_addr, payment) -> None:
    kept = {}
    if hasattr(fields, "items"):
        kept = {str(k): str(v)[:200] for k, v in fields.items() if k in KEPT_FIELDS}
    ProviderMessage.objects.create(
        provider=provider_id,
        kind=kind,
        outcome=outcome,
        reason=reason,
        reference=str(reference or "")[:64],
        fields=kept,
        remote_addr=remote_addr,
        payment=payment,
    )


# --- Pending payments: ask the provider ------------------------------------------------------


def query_payment(payment: Payment) -> Payment:
    """Ask the provider about a pending payment and apply its answer (a paid one is confirmed
    exactly as by its notification)."""
    if payment.status != PaymentStatus.PENDING:
        return payment
    try:
        notice = get_provider(payment.provider).query(payment)
    except base.PaymentProviderError as error:
        log.warning("payments.query_failed", provider=payment.provider, code=error.code)
        raise
    apply_notice(payment.provider, notice, kind="query")
    payment.refresh_from_db()
    expiry = timedelta(minutes=float(getattr(settings, "MOTCUA_PAYMENT_EXPIRE_MINUTES", 30)))
    if payment.status == PaymentStatus.PENDING and payment.created_at < timezone.now() - expiry:
        # Never completed at the provider: closed so the citizen may pay again. Should the
        # provider confirm it later after all, that confirmation is still recorded (_apply).
        _fail(payment.pk, "expired")
        payment.refresh_from_db()
    return payment


def pending_to_query(now=None, *, older_than: timedelta):
    now = now or timezone.now()
    return Payment.objects.filter(status=PaymentStatus.PENDING, created_at__lte=now - older_than)


# --- Failures and refunds --------------------------------------------------------------------


def _fail(pk, reason: str) -> None:
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=pk)
        if payment.status == PaymentStatus.PENDING:
            _mark_failed(payment, reason)


def _mark_failed(payment: Payment, reason: str) -> None:
    payment.status = PaymentStatus.FAILED
    payment.failed_reason = reason[:100]
    payment.save(update_fields=["status", "failed_reason", "updated_at"])
    audit.record("payment_failed", obj=payment, code=payment.dossier.code, reason=reason)


def may_refund(actor, payment: Payment) -> bool:
    dossier = payment.dossier
    return scope_of(actor).allows(
        Permission.DOSSIER_RECEIVE, dossier.receiving_agency, procedure_id=dossier.procedure_id
    )


@transaction.atomic
def refund(payment_pk, *, actor, reason: str, request=None) -> Payment:
    """Record that a paid fee was given back (the money goes back through the provider's own
    channel; this is the record of it)."""
    payment = Payment.objects.select_for_update().select_related("dossier").get(pk=payment_pk)
    if not may_refund(actor, payment):
        raise PaymentError("forbidden", _("Bạn không có quyền hoàn tiền khoản thanh toán này."))
    if payment.status != PaymentStatus.PAID:
        raise PaymentError("not_paid", _("Chỉ hoàn tiền được khoản đã thanh toán."))
    reason = (reason or "").strip()
    if not reason:
        raise PaymentError("reason", _("Hãy ghi rõ lý do hoàn tiền."))
    payment.status = PaymentStatus.REFUNDED
    payment.refunded_at = timezone.now()
    payment.refunded_by = actor
    payment.refund_reason = reason[:2000]
    payment.save()
    dossier = payment.dossier
    audit.record(
        "payment_refunded",
        actor=actor,
        obj=payment,
        request=request,
        code=dossier.code,
        amount=payment.amount,
    )
    outbox.emit(
        "payment.refunded",
        aggregate=dossier,
        code=dossier.code,
        payment=str(payment.public_id),
        reference=payment.reference,
        amount=payment.amount,
        provider=payment.provider,
        refunded_at=payment.refunded_at.isoformat(),
    )
    return payment
