"""Reconciliation (đối soát): a provider's daily statement against our payments of that day.

Each line of the statement is matched by reference. A line we have no payment for is
``missing_ours``; a payment paid (or refunded) that day through the provider and absent from
the statement is ``missing_theirs``; a different amount is ``amount``; a different outcome
(paid at the bank, still pending or failed here; refunded at the bank, paid here) is ``status``.
The run and its mismatches are stored and shown in the admin.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import structlog
from django.db import transaction

from .models import Mismatch, MismatchKind, Payment, PaymentStatus, ReconciliationRun
from .providers.common import VIETNAM_TZ
from .providers.registry import get_provider

log = structlog.get_logger(__name__)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=VIETNAM_TZ)
    return start, start + timedelta(days=1)


@transaction.atomic
def reconcile(provider_id: str, day: date, text: str, *, file_name: str = "") -> ReconciliationRun:
    """Compare the statement ``text`` of ``provider_id`` for ``day``; raises ``ValueError``
    (naming the line) when the file cannot be read, and then stores nothing."""
    lines = get_provider(provider_id).parse_statement(text)
    run = ReconciliationRun.objects.create(
        provider=provider_id, day=day, file_name=file_name[:255], lines=len(lines)
    )
    start, end = day_bounds(day)
    ours = {
        p.reference: p
        for p in Payment.objects.filter(provider=provider_id).filter(
            paid_at__gte=start, paid_at__lt=end
        )
    }
    references = {line.reference for line in lines}
    ours.update(
        {
            p.reference: p
            for p in Payment.objects.filter(provider=provider_id, reference__in=references)
        }
    )
    mismatches = []
    matched = 0
    for line in lines:
        payment = ours.get(line.reference)
        if payment is None:
            mismatches.append(
                Mismatch(
                    run=run,
                    kind=MismatchKind.MISSING_OURS,
                    reference=line.reference,
                    transaction_id=line.transaction_id,
                    theirs_amount=line.amount,
                    theirs_status=line.status,
                )
            )
            continue
        found = False
        if line.amount != payment.amount:
            mismatches.append(_diff(run, MismatchKind.AMOUNT, payment, line))
            found = True
        if line.status != payment.status:
            mismatches.append(_diff(run, MismatchKind.STATUS, payment, line))
            found = True
        matched += not found
    for reference, payment in ours.items():
        if reference not in references and payment.status in (
            PaymentStatus.PAID,
            PaymentStatus.REFUNDED,
        ):
            mismatches.append(
                Mismatch(
                    run=run,
                    kind=MismatchKind.MISSING_THEIRS,
                    reference=reference,
                    transaction_id=payment.transaction_id,
                    ours_amount=payment.amount,
                    ours_status=payment.status,
                    payment=payment,
                )
            )
    Mismatch.objects.bulk_create(mismatches)
    run.matched = matched
    run.mismatches_count = len(mismatches)
    run.save(update_fields=["matched", "mismatches_count"])
    log.info(
        "payments.reconciled",
        provider=provider_id,
        day=day.isoformat(),
        lines=len(lines),
        mismatches=len(mismatches),
    )
    return run


def _diff(run, kind, payment, line) -> Mismatch:
    return Mismatch(
        run=run,
        kind=kind,
        reference=payment.reference,
        transaction_id=line.transaction_id,
        ours_amount=payment.amount,
        theirs_amount=line.amount,
        ours_status=payment.status,
        theirs_status=line.status,
        payment=payment,
    )
