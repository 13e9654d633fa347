"""The generic export module: an Excel file that opens with openpyxl and holds the table
(title row, bold headers, frozen header row, number formats), and a CSV file with a byte order
mark and the same headers; long lists cut at the cap with a line saying so."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from motcua.stats import exports
from motcua.stats.exports import Column, Kind, Link, Table


def sample(rows=None, **kwargs) -> Table:
    return Table(
        name="chi-so",
        title="Chỉ số phục vụ người dân, doanh nghiệp",
        subtitle="Sở Tư pháp tỉnh Lâm Đồng — tháng 11/2026",
        columns=[
            Column("Mã chỉ số"),
            Column("Tên chỉ số", width=50),
            Column("Tử số", Kind.INT),
            Column("Tỉ lệ", Kind.PERCENT),
            Column("Điểm", Kind.DECIMAL),
            Column("Ngày tiếp nhận", Kind.DATE),
        ],
        rows=rows
        if rows is not None
        else [
            [
                "2.1",
                "Giải quyết hồ sơ trước hạn, đúng hạn",
                Link(12345, "/x"),
                Decimal("85.50"),
                Decimal("17.10"),
                date(2026, 11, 3),
            ],
            ["5.4", "Mức độ hài lòng", 0, None, Decimal("0"), None],
            ["=1+1", "Đơn vị gõ công thức", 1, Decimal("100"), Decimal("6"), date(2026, 1, 31)],
        ],
        **kwargs,
    )


def open_xlsx(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content)).active


def test_xlsx_has_the_title_the_bold_headers_and_the_figures_with_their_formats():
    sheet = open_xlsx(exports.xlsx_bytes(sample()))
    assert sheet["A1"].value == "Chỉ số phục vụ người dân, doanh nghiệp"
    assert sheet["A1"].font.bold
    assert sheet["A2"].value == "Sở Tư pháp tỉnh Lâm Đồng — tháng 11/2026"
    headers = [c.value for c in sheet[3]]
    assert headers == ["Mã chỉ số", "Tên chỉ số", "Tử số", "Tỉ lệ", "Điểm", "Ngày tiếp nhận"]
    assert all(c.font.bold for c in sheet[3])
    assert sheet.freeze_panes == "A4"
    first = sheet[4]
    assert [first[0].value, first[2].value] == ["2.1", 12345]
    assert first[2].number_format == "#,##0"
    assert first[3].value == pytest.approx(0.855)
    assert first[3].number_format == "0.00%"
    assert first[5].value.date() == date(2026, 11, 3)
    assert first[5].number_format == "dd/mm/yyyy"
    second = sheet[5]
    assert second[3].value is None  # "no data" stays empty, never 0
    assert sheet[6][0].value == "'=1+1"  # never run as a formula
    assert sheet.column_dimensions["B"].width == 50
    assert sheet.max_row == 6


def test_csv_starts_with_a_byte_order_mark_and_has_the_same_headers():
    content = b"".join(exports.csv_chunks(sample()))
    assert content.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert lines[0] == ["Chỉ số phục vụ người dân, doanh nghiệp"]
    assert lines[2] == ["Mã chỉ số", "Tên chỉ số", "Tử số", "Tỉ lệ", "Điểm", "Ngày tiếp nhận"]
    assert lines[3] == [
        "2.1",
        "Giải quyết hồ sơ trước hạn, đúng hạn",
        "12345",
        "85.50",
        "17.10",
        "03/11/2026",
    ]
    assert lines[4][3] == ""


def test_a_long_list_is_cut_at_the_cap_and_says_so_in_both_formats():
    def rows():
        for n in range(10):
            yield [f"H{n}", "x", n, None, None, None]

    table = sample(rows=rows(), row_cap=3)
    sheet = open_xlsx(exports.xlsx_bytes(table))
    values = [row[0].value for row in sheet.iter_rows(min_row=4)]
    assert values[:3] == ["H0", "H1", "H2"]
    assert "chỉ xuất 3 dòng đầu tiên" in values[3]
    assert len(values) == 4

    table = sample(rows=rows(), row_cap=3)
    text = b"".join(exports.csv_chunks(table)).decode("utf-8-sig")
    assert text.count("\nH") == 3
    assert "chỉ xuất 3 dòng đầu tiên" in text


def test_responses_are_downloads_named_after_the_table():
    response = exports.response(sample(), "xlsx")
    assert response["Content-Type"] == exports.XLSX_TYPE
    assert response["Content-Disposition"].startswith('attachment; filename="chi-so-phuc-vu')
    assert response["Content-Disposition"].endswith('.xlsx"')
    response = exports.response(sample(), "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert b"".join(response.streaming_content).startswith(b"\xef\xbb\xbf")
