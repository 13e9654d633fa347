"""The payment panels of the dossier pages of the citizen and of the staff member:
``{% citizen_payment_panel dossier %}`` and ``{% staff_payment_panel dossier %}``."""

from __future__ import annotations

from django import template

from motcua.core.pdf import format_money

from .. import services
from ..fees import fee_for
from ..models import Payment, PaymentStatus, Timing
from ..views import provider_choices

register = template.Library()


@register.filter
def dong(amount) -> str:
    """1200000 → "1.200.000 đ"."""
    return format_money(int(amount or 0))


def _panel(dossier) -> dict:
    fee = fee_for(dossier) if not dossier.is_draft else None
    payments = list(Payment.objects.filter(dossier=dossier).order_by("-created_at"))
    pending = next((p for p in payments if p.status == PaymentStatus.PENDING), None)
    return {
        "dossier": dossier,
        "fee": fee,
        "due": services.due_fee(dossier) if fee else None,
        "pending": pending,
        "receipts": [p for p in payments if p.receipt_number],
        "before_reception": fee is not None and fee.timing == Timing.BEFORE_RECEPTION,
        "paid": any(p.status == PaymentStatus.PAID for p in payments),
        "timing_label": Timing(fee.timing).label if fee else "",
    }


@register.inclusion_tag("payments/_citizen_panel.html", takes_context=True)
def citizen_payment_panel(context, dossier) -> dict:
    return {**_panel(dossier), "request": context.get("request"), "providers": provider_choices()}


@register.inclusion_tag("payments/_staff_panel.html", takes_context=True)
def staff_payment_panel(context, dossier) -> dict:
    request = context.get("request")
    data = _panel(dossier)
    user = getattr(request, "user", None)
    data["may_refund"] = bool(
        user and data["receipts"] and services.may_refund(user, data["receipts"][0])
    )
    return {**data, "request": request}
