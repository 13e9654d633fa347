"""Vietnamese formatting filters and pagination."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from motcua.portal.pagination import page_links
from motcua.portal.templatetags.portal import (
    copy_counts,
    fee_lines,
    group_title,
    level_labels,
    strip_bullet,
    vn_date,
    vn_number,
    vnd,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("0.5"), "0,5"),
        (Decimal("0.50"), "0,5"),
        (Decimal("15.00"), "15"),
        (Decimal("100"), "100"),
        (Decimal("1234.25"), "1.234,25"),
        (5918, "5.918"),
        (1200000, "1.200.000"),
        (-2500, "-2.500"),
        (0, "0"),
        (None, ""),
        ("", ""),
    ],
)
def test_vn_number_uses_dots_for_thousands_and_a_comma_for_decimals(value, expected):
    assert vn_number(value) == expected


def test_vnd_formats_dong():
    assert vnd(1200000) == "1.200.000 đ"
    assert vnd("500000") == "500.000 đ"
    assert vnd(None) == ""


def test_vn_date_is_day_month_year_in_vietnam_time():
    assert vn_date(datetime.date(2025, 7, 1)) == "01/07/2025"
    late_utc = datetime.datetime(2025, 6, 30, 20, 0, tzinfo=ZoneInfo("UTC"))
    assert vn_date(late_utc) == "01/07/2025"
    assert vn_date(None) == ""


def test_level_labels_in_vietnamese():
    assert level_labels("province,commune") == ["Cấp tỉnh", "Cấp xã"]
    assert level_labels("") == []


def test_bullets_and_colons_are_trimmed_from_source_text():
    assert strip_bullet("- Giấy chứng sinh") == "Giấy chứng sinh"
    assert group_title("* Giấy tờ phải nộp:") == "Giấy tờ phải nộp"


def test_copy_counts_only_when_the_source_gives_a_number():
    doc = SimpleNamespace(original_count=1, copy_count=1)
    assert copy_counts(doc) == "Bản chính: 1 · Bản sao: 1"
    assert copy_counts(SimpleNamespace(original_count=0, copy_count=None)) == ""


def _channel(**values):
    defaults = {"fee_kind": "amount", "fee_amount": None, "fee_items": [], "fee_text": ""}
    return SimpleNamespace(**{**defaults, **values})


def test_fee_lines():
    assert fee_lines(_channel(fee_kind="free")) == ["Miễn phí"]
    assert fee_lines(_channel(fee_kind="unknown")) == ["Chưa có thông tin"]
    one = [{"label": "", "amount": "500000", "currency": "VND", "text": "500,000 Việt Nam Đồng"}]
    assert fee_lines(_channel(fee_amount=500000, fee_items=one)) == ["500.000 đ"]
    several = [
        {"label": "Phí", "amount": "0.5", "currency": "USD"},
        {"label": "Lệ phí", "amount": "20000", "currency": "VND"},
    ]
    assert fee_lines(_channel(fee_items=several)) == ["Phí: 0,5 USD", "Lệ phí: 20.000 đ"]


@pytest.mark.parametrize(
    ("current", "last", "expected"),
    [
        (1, 1, []),
        (1, 3, [1, 2, 3]),
        (1, 20, [1, 2, 3, None, 20]),
        (6, 20, [1, None, 4, 5, 6, 7, 8, None, 20]),
        (4, 20, [1, 2, 3, 4, 5, 6, None, 20]),
        (20, 20, [1, None, 18, 19, 20]),
    ],
)
def test_page_links(current, last, expected):
    assert page_links(current, last) == expected
