"""Template filters of the statistics pages: figures written the Vietnamese way."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.stats.exports import Kind, Link, Typed, thousands

register = template.Library()


def _decimal(value) -> str:
    text = f"{Decimal(value):,.2f}"
    whole, _dot, cents = text.partition(".")
    return whole.replace(",", ".") + ("," + cents if cents.strip("0") else "")


@register.filter
def number(value) -> str:
    """12345 → 12.345; 85.5 → 85,50; None → —."""
    if value is None or value == "":
        return "—"
    if isinstance(value, int):
        return thousands(value)
    return _decimal(value)


@register.filter
def percent(value) -> str:
    """A ratio in percent: 85.5 → "85,50 %"; None ("no data") → "chưa có dữ liệu"."""
    if value is None:
        return _("chưa có dữ liệu")
    return f"{Decimal(value):.2f}".replace(".", ",") + " %"


@register.filter
def cell(value, kind: str) -> str:
    """One cell of an export table as the page shows it."""
    if isinstance(value, Link):
        value = value.value
    if isinstance(value, Typed):
        value, kind = value.value, value.kind
    if kind == Kind.DAYS:
        return "—" if value is None else f"{number(value)} " + _("ngày")
    if kind == Kind.PERCENT:
        return percent(value)
    if kind in (Kind.INT, Kind.DECIMAL, Kind.MONEY):
        shown = number(value)
        return f"{shown} đ" if kind == Kind.MONEY and value is not None else shown
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if kind == Kind.DATE and isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else str(value)


@register.filter
def href(value) -> str:
    return value.href if isinstance(value, Link) else ""


@register.filter
def is_numeric(kind: str) -> bool:
    return kind in (Kind.INT, Kind.DECIMAL, Kind.MONEY, Kind.PERCENT, Kind.DAYS)
