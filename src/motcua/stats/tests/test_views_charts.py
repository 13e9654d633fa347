"""Charts drawn on the server: accessible SVG (role, title, description), text escaped, bars
in proportion to their maximum, a missing value breaking the line instead of drawing 0."""

from __future__ import annotations

import re
from decimal import Decimal

from motcua.stats import charts


def test_a_bar_chart_is_an_accessible_image_with_bars_in_proportion():
    svg = charts.bar_chart(
        "Điểm theo nhóm chỉ số",
        [charts.Bar("Tiến độ <giải quyết>", Decimal("10"), 20), charts.Bar("Số hóa", None, 22)],
    )
    assert svg.startswith('<svg class="chart chart--bars"')
    assert 'role="img"' in svg
    assert re.search(r'<title id="(chart-\d+)-t">Điểm theo nhóm chỉ số</title>', svg)
    assert "Tiến độ &lt;giải quyết&gt;" in svg
    assert "<giải" not in svg
    widths = re.findall(r'<rect x="0" y="\d+" width="([\d.]+)" height="14" fill="#0b4f8c"', svg)
    assert widths == ["200.0", "0.0"]  # half of 400; "no data" draws nothing
    assert "10 / 20" in svg
    assert "— / 22" in svg
    assert "style=" not in svg  # the Content-Security-Policy forbids inline styles


def test_a_line_chart_breaks_where_there_is_no_data():
    svg = charts.line_chart(
        "Xu hướng",
        ["01/2026", "02/2026", "03/2026", "04/2026"],
        [charts.Series("Tổng điểm", [Decimal("50"), Decimal("60"), None, Decimal("70")])],
    )
    assert "<title" in svg
    assert "<desc" in svg
    assert svg.count("<circle") == 3
    # Two points before the gap make one line; the lone point after it makes none.
    assert svg.count("<polyline") == 1
    assert "Tổng điểm: 02/2026 – 60" in svg
