"""Tables of the statistics pages as Excel (.xlsx) and CSV downloads.

A page describes each of its tables once as a :class:`Table` (title, the unit and period it
covers, typed columns with Vietnamese headers, rows) and shows it; ``?dinh-dang=xlsx|csv``
with ``bang=<name>`` turns the same table into a file with :func:`response`. The Excel file
has a title row, bold headers, a frozen header row, column widths and number formats
(percentages, thousands separators, dates dd/mm/yyyy); the CSV file is UTF-8 with a byte
order mark, so a spreadsheet shows the diacritics, and has the same headers.

Rows may be a generator: both formats are written row by row (openpyxl's write-only mode;
CSV streamed), and at most ``row_cap`` rows are written, with a closing line saying the list
was cut.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

#: The most rows one download carries (drill-down lists can be long).
ROW_CAP = 100_000

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Kind(StrEnum):
    TEXT = "text"
    INT = "int"
    DECIMAL = "decimal"
    #: A ratio in percent (85.5 means 85.5 %), shown as a percentage.
    PERCENT = "percent"
    DATE = "date"
    MONEY = "money"
    #: Working days (2.2's average time), two decimals.
    DAYS = "days"


_NUMBER_FORMATS = {
    Kind.INT: "#,##0",
    Kind.DECIMAL: "#,##0.00",
    Kind.PERCENT: "0.00%",
    Kind.DATE: "dd/mm/yyyy",
    Kind.MONEY: '#,##0" đ"',
    Kind.DAYS: '#,##0.00" ngày"',
}
_DEFAULT_WIDTHS = {
    Kind.TEXT: 30,
    Kind.INT: 14,
    Kind.DECIMAL: 14,
    Kind.PERCENT: 12,
    Kind.DATE: 13,
    Kind.MONEY: 18,
    Kind.DAYS: 14,
}


@dataclass(frozen=True)
class Link:
    """A cell the page shows as a link (a figure leading to its drill-down); files keep the
    value only."""

    value: object
    href: str


@dataclass(frozen=True)
class Typed:
    """A cell of another kind than its column (2.2's average days in a column of ratios)."""

    value: object
    kind: Kind


def _plain(value):
    return value.value if isinstance(value, Link | Typed) else value


def _kind(value, kind: Kind) -> Kind:
    if isinstance(value, Link):
        value = value.value
    return value.kind if isinstance(value, Typed) else kind


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = Kind.TEXT
    width: int | None = None

    @property
    def excel_width(self) -> int:
        return self.width or max(_DEFAULT_WIDTHS[self.kind], min(len(self.header) + 2, 40))


@dataclass
class Table:
    """One table of a page: ``name`` is its ``bang`` parameter, ``subtitle`` the unit and
    period it covers."""

    name: str
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence] = field(default_factory=list)
    subtitle: str = ""
    row_cap: int = ROW_CAP

    def cells(self) -> list[list[tuple[object, Column]]]:
        """Each row's values beside their columns (for the page; rows must be a list)."""
        return [list(zip(row, self.columns, strict=False)) for row in self.rows]

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def capped_rows(self) -> Iterator[Sequence | None]:
        """The rows, at most ``row_cap`` of them; None last when more were left out."""
        for number, row in enumerate(self.rows):
            if number >= self.row_cap:
                yield None
                return
            yield row

    def cut_notice(self) -> str:
        return _("Danh sách dài hơn %(n)s dòng: chỉ xuất %(n)s dòng đầu tiên.") % {
            "n": thousands(self.row_cap)
        }


def thousands(value: int) -> str:
    """12345 → "12.345" (Vietnamese grouping)."""
    return f"{value:,}".replace(",", ".")


def _safe_text(value: str) -> str:
    """Text a spreadsheet will not run as a formula (a name typed as "=..." stays text)."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _excel_value(value, kind: Kind):
    kind, value = _kind(value, kind), _plain(_plain(value))
    if value is None or value == "":
        return None
    if kind == Kind.PERCENT:
        return Decimal(value) / 100
    if kind in (Kind.INT, Kind.MONEY) and isinstance(value, int | Decimal | float):
        return value
    if kind in (Kind.DECIMAL, Kind.DAYS) and isinstance(value, int | Decimal | float):
        return value
    if kind == Kind.DATE and isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if kind == Kind.DATE and isinstance(value, date):
        return value
    return _safe_text(str(value))


def _csv_value(value, kind: Kind) -> str:
    kind, value = _kind(value, kind), _plain(_plain(value))
    if value is None:
        return ""
    if kind == Kind.DATE and isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if kind == Kind.PERCENT and isinstance(value, Decimal | float | int):
        return f"{Decimal(value):.2f}"
    if isinstance(value, int | Decimal | float):
        return str(value)
    return _safe_text(str(value))


def xlsx_bytes(table: Table) -> bytes:
    """The table as an Excel workbook of one sheet."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_sheet_title(table.title))
    for number, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = column.excel_width
    header_row = 3 if table.subtitle else 2
    sheet.freeze_panes = f"A{header_row + 1}"

    title = WriteOnlyCell(sheet, value=table.title)
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    if table.subtitle:
        sheet.append([WriteOnlyCell(sheet, value=table.subtitle)])
    bold = Font(bold=True)
    headers = []
    for column in table.columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        headers.append(cell)
    sheet.append(headers)
    for row in table.capped_rows():
        if row is None:
            sheet.append([table.cut_notice()])
            break
        cells = []
        for value, column in zip(row, table.columns, strict=False):
            cell = WriteOnlyCell(sheet, value=_excel_value(value, column.kind))
            number_format = _NUMBER_FORMATS.get(_kind(value, column.kind))
            if number_format:
                cell.number_format = number_format
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return cleaned[:31] or "Bang"


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_chunks(table: Table) -> Iterator[bytes]:
    """The table as UTF-8 CSV with a byte order mark: title lines, the headers, the rows."""
    writer = csv.writer(_Echo())
    head = writer.writerow([table.title])
    if table.subtitle:
        head += writer.writerow([table.subtitle])
    yield ("\ufeff" + head + writer.writerow(table.headers)).encode()
    kinds = [c.kind for c in table.columns]
    batch: list[str] = []
    for row in table.capped_rows():
        if row is None:
            batch.append(writer.writerow([table.cut_notice()]))
            break
        batch.append(writer.writerow([_csv_value(v, k) for v, k in zip(row, kinds, strict=False)]))
        if len(batch) >= 500:
            yield "".join(batch).encode()
            batch = []
    if batch:
        yield "".join(batch).encode()


def filename(table: Table, extension: str) -> str:
    stem = slugify(f"{table.title} {table.subtitle}".replace("đ", "d").replace("Đ", "D"))
    return f"{stem[:120] or 'bang'}.{extension}"


def xlsx_response(table: Table) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(table), content_type=XLSX_TYPE)
    return _attach(response, filename(table, "xlsx"))


def csv_response(table: Table) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_chunks(table), content_type="text/csv; charset=utf-8")
    return _attach(response, filename(table, "csv"))


def _attach(response, name: str):
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


FORMATS = {"xlsx": xlsx_response, "csv": csv_response}


def requested(request) -> tuple[str, str] | None:
    """(format, table name) when the request asks for a download, else None."""
    kind = request.GET.get("dinh-dang", "")
    if kind not in FORMATS:
        return None
    return kind, request.GET.get("bang", "")


def response(table: Table, kind: str):
    return FORMATS[kind](table)
