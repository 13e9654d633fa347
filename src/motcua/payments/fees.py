"""What a dossier owes, and when: the procedure's ``FeeSchedule`` read against the dossier's
answers, or, where the agency has set nothing, the catalogue's fee of the online channel."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from motcua.catalog.models import FeeKind as CatalogueFeeKind

from .models import FeeKind, FeeSchedule, Timing


@dataclass(frozen=True)
class Fee:
    amount: int
    timing: str
    #: ``[{"name": …, "amount": …}]``: the fee lines shown, sent and printed on the receipt.
    lines: tuple[dict, ...]
    source: str  # "schedule" or "catalogue"


def fee_for(dossier) -> Fee | None:
    """What ``dossier`` owes, or None when nothing is collected online (free, exempt, or the
    amount cannot be told from the data: the desk handles it)."""
    schedule = FeeSchedule.objects.filter(procedure_id=dossier.procedure_id).first()
    if schedule is not None:
        return _from_schedule(schedule, dossier.data or {})
    return _from_catalogue(dossier.procedure)


def _from_schedule(schedule: FeeSchedule, answers: dict) -> Fee | None:
    if schedule.kind == FeeKind.FREE or schedule.timing == Timing.EXEMPT:
        return None
    amount, label = schedule.amount, schedule.label
    if schedule.kind == FeeKind.BY_ANSWER:
        answer = answers.get(schedule.field)
        rule = schedule.rules.filter(answer=str(answer)).first() if answer is not None else None
        if rule is not None:
            amount, label = rule.amount, rule.label or schedule.label
    if not amount:
        return None
    return Fee(amount, schedule.timing, ({"name": label, "amount": amount},), "schedule")


def _from_catalogue(procedure) -> Fee | None:
    channels = sorted(procedure.channels.all(), key=lambda c: (c.channel != "online", c.position))
    for channel in channels:
        if channel.fee_kind == CatalogueFeeKind.AMOUNT and (channel.fee_amount or 0) > 0:
            items = channel.fee_items or []
            name = (items[0].get("label") if items and isinstance(items[0], dict) else "") or _(
                "Lệ phí"
            )
            amount = int(channel.fee_amount)
            return Fee(
                amount, Timing.BEFORE_RECEPTION, ({"name": name, "amount": amount},), "catalogue"
            )
        if channel.channel == "online":
            return None  # the online channel says free or unknown: nothing to collect online
    return None
