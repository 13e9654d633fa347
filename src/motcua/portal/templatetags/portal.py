"""Vietnamese display of numbers, money and dates, and small helpers for the portal pages."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import FeeKind, Level

register = template.Library()

_BULLET = re.compile(r"^\s*(?:[-–•+*]\s*)+")


@register.filter
def vn_number(value) -> str:
    """1234.5 → "1.234,5"; Decimal("15.00") → "15"; Decimal("0.50") → "0,5"."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not number.is_finite():
        return str(value)
    text = format(number.normalize(), "f")
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = sign + ".".join(groups)
    return f"{result},{fraction}" if fraction else result


@register.filter
def vnd(value) -> str:
    """An amount in đồng: 1200000 → "1.200.000 đ"."""
    text = vn_number(value)
    return f"{text} đ" if text else ""


def _amount(value: str, currency: str) -> str:
    if currency in ("VND", ""):
        return vnd(value)
    return f"{vn_number(value)} {currency}"


@register.filter
def fee_lines(channel) -> list[str]:
    """What a submission channel costs, as numbers: ["1.200.000 đ"], ["Phí: 0,5 USD", …]."""
    if channel.fee_kind == FeeKind.FREE:
        return [_("Miễn phí")]
    if channel.fee_kind != FeeKind.AMOUNT:
        return [_("Chưa có thông tin")]
    items = [i for i in channel.fee_items or [] if str(i.get("amount", "")).strip()]
    if len(items) == 1 and items[0].get("currency", "VND") in ("VND", "") and channel.fee_amount:
        items = [{**items[0], "amount": channel.fee_amount}]
    if not items:
        return [vnd(channel.fee_amount)] if channel.fee_amount else [_("Có phí, lệ phí")]
    lines = []
    for item in items:
        label = (item.get("label") or "").strip()
        amount = _amount(item["amount"], item.get("currency") or "VND")
        lines.append(f"{label}: {amount}" if label else amount)
    return lines


@register.filter
def vn_date(value) -> str:
    """A date as dd/mm/yyyy (date-times in the local time zone)."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return ""


@register.filter
def level_labels(levels: str) -> list[str]:
    """ "province,commune" → ["Cấp tỉnh", "Cấp xã"]."""
    labels = dict(Level.choices)
    return [str(labels[level]) for level in (levels or "").split(",") if level in labels]


@register.filter
def strip_bullet(text: str) -> str:
    """A list item's text without the dash or bullet the source typed before it."""
    return _BULLET.sub("", text or "")


@register.filter
def group_title(text: str) -> str:
    """A checklist group heading without its bullet or trailing colon."""
    return strip_bullet(text).strip().rstrip(":").strip()


@register.filter
def copy_counts(document) -> str:
    """ "Bản chính: 1 · Bản sao: 2", or "" when the source gives no number of copies."""
    original, copies = document.original_count, document.copy_count
    if not (original or copies):
        return ""
    parts = []
    if original is not None:
        parts.append(_("Bản chính: %(n)s") % {"n": original})
    if copies is not None:
        parts.append(_("Bản sao: %(n)s") % {"n": copies})
    return " · ".join(parts)


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip().casefold()


def _time_forms(channel) -> set[str]:
    """Ways of writing the channel's time that say nothing more than the number and unit."""
    if channel.time_value is None:
        return set()
    numbers = {vn_number(channel.time_value), format(channel.time_value.normalize(), "f")}
    unit = str(channel.get_time_unit_display()) if channel.time_unit else ""
    return {_plain(f"{n} {unit}") for n in numbers} | {_plain(n) for n in numbers}


@register.filter
def original_notes(channel) -> list[tuple[str, str]]:
    """The source's own wording for time, fee and notes, where it says more than the numbers."""
    notes = []
    time_text = (channel.time_text or "").strip()
    if time_text and _plain(time_text) not in _time_forms(channel):
        notes.append((_("Thời hạn"), time_text))
    fee_text = (channel.fee_text or "").strip()
    if fee_text and _plain(fee_text) not in {_plain(line) for line in fee_lines(channel)}:
        notes.append((_("Phí, lệ phí"), fee_text))
    if (channel.description or "").strip():
        notes.append((_("Ghi chú"), channel.description.strip()))
    return notes


@register.simple_tag
def page_url(params, number: int) -> str:
    """The results URL for page ``number`` of the current search."""
    return "?" + params.querystring(page=number if number > 1 else None)
