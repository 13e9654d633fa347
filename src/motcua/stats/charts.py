"""Charts drawn on the server as inline SVG: no chart library, no script, nothing fetched.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` naming what it shows;
the page puts the same figures in a table next to it (the text alternative). Sizes are in the
``viewBox`` only, so the chart scales to the width of its box (a 360 px phone included);
colours are presentation attributes (the Content-Security-Policy forbids inline styles) and
keep a contrast of at least 3:1 against white.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

#: Series colours (each ≥ 3:1 against white), with a dash pattern so colour is not the only cue.
PALETTE = (("#0b4f8c", ""), ("#b3261e", "6 4"), ("#1e6b32", "2 3"), ("#6a3d9a", "8 3 2 3"))
TEXT = "#1f2933"
GRID = "#767676"

_ids = itertools.count(1)


def _number(value) -> str:
    """A figure as the pages write it: 85,5 (decimal comma), no trailing zeros."""
    if value is None:
        return "—"
    text = f"{Decimal(value):.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _f(value: float) -> str:
    return f"{value:.1f}"


def _truncate(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int | None
    maximum: Decimal | int


def bar_chart(title: str, bars: Sequence[Bar], *, description: str = "") -> SafeString:
    """One bar per line (value out of its own maximum), its label above it and the figures at
    the right: narrow enough to read on a phone."""
    uid = f"chart-{next(_ids)}"
    width, row_h, bar_h = 400, 44, 14
    height = row_h * max(len(bars), 1) + 4
    parts = [_opening("bars", width, height, uid, title, description)]
    for index, bar in enumerate(bars):
        y = 4 + index * row_h
        maximum = Decimal(bar.maximum or 0)
        share = Decimal(0) if bar.value is None or not maximum else Decimal(bar.value) / maximum
        share = min(max(share, Decimal(0)), Decimal(1))
        parts.append(
            format_html(
                '<text x="0" y="{}" font-size="14" fill="{}">{}</text>'
                '<text x="{}" y="{}" font-size="14" fill="{}" text-anchor="end">{} / {}</text>'
                '<rect x="0" y="{}" width="{}" height="{}" fill="#e4e7eb"/>'
                '<rect x="0" y="{}" width="{}" height="{}" fill="{}"/>',
                y + 14,
                TEXT,
                _truncate(bar.label, 40),
                width,
                y + 14,
                TEXT,
                _number(bar.value),
                _number(maximum),
                y + 21,
                width,
                bar_h,
                y + 21,
                _f(float(share) * width),
                bar_h,
                PALETTE[0][0],
            )
        )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))  # noqa: S308 (every part escaped by format_html)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Decimal | int | None]


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    y_max: Decimal | int = 100,
    description: str = "",
) -> SafeString:
    """Lines over time (one label per point); a missing value ("no data") breaks the line."""
    uid = f"chart-{next(_ids)}"
    left, right, top, bottom = 44, 12, 12, 58
    plot_w, plot_h = 560, 200
    width, height = left + plot_w + right, top + plot_h + bottom + 22 * len(series)
    y_max = Decimal(y_max) or Decimal(1)
    count = max(len(labels), 1)
    step = plot_w / max(count - 1, 1)

    def x(i: int) -> float:
        return left + (i * step if count > 1 else plot_w / 2)

    def y(value) -> float:
        share = min(max(Decimal(value) / y_max, Decimal(0)), Decimal(1))
        return top + plot_h - float(share) * plot_h

    parts = [_opening("line", width, height, uid, title, description)]
    for tick in range(5):
        value = y_max * tick / 4
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="0.5"/>'
                '<text x="{}" y="{}" font-size="12" fill="{}" text-anchor="end">{}</text>',
                left,
                left + plot_w,
                _f(y(value)),
                _f(y(value)),
                GRID,
                left - 6,
                _f(y(value) + 4),
                TEXT,
                _number(value),
            )
        )
    every = max(1, (count + 5) // 6)
    for i, label in enumerate(labels):
        if i % every == 0 or i == count - 1:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="12" fill="{}" text-anchor="middle">{}</text>',
                    _f(x(i)),
                    top + plot_h + 18,
                    TEXT,
                    label,
                )
            )
    for number, line in enumerate(series):
        colour, dash = PALETTE[number % len(PALETTE)]
        segments: list[list[str]] = [[]]
        for i, value in enumerate(line.values):
            if value is None:
                segments.append([])
                continue
            segments[-1].append(f"{x(i):.1f},{y(value):.1f}")
            parts.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="3" fill="{}"><title>{}: {} – {}</title></circle>',
                    _f(x(i)),
                    _f(y(value)),
                    colour,
                    line.name,
                    labels[i] if i < len(labels) else "",
                    _number(value),
                )
            )
        for points in segments:
            if len(points) > 1:
                parts.append(
                    format_html(
                        '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"{}/>',
                        " ".join(points),
                        colour,
                        mark_safe(f' stroke-dasharray="{dash}"') if dash else "",  # noqa: S308
                    )
                )
        legend_y = top + plot_h + 40 + number * 22
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="3"{}/>'
                '<text x="{}" y="{}" font-size="13" fill="{}">{}</text>',
                left,
                left + 28,
                legend_y,
                legend_y,
                colour,
                mark_safe(f' stroke-dasharray="{dash}"') if dash else "",  # noqa: S308
                left + 36,
                legend_y + 4,
                TEXT,
                escape(line.name),
            )
        )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))  # noqa: S308 (every part escaped by format_html)


def _opening(kind: str, width: int, height: int, uid: str, title: str, description: str):
    """The ``<svg>`` element with its accessible title and description."""
    return format_html(
        '<svg class="chart chart--{}" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}-t {}-d" xmlns="http://www.w3.org/2000/svg" focusable="false">'
        '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>',
        kind,
        width,
        height,
        uid,
        uid,
        uid,
        title,
        uid,
        description or title,
    )
