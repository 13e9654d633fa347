"""Parsers for the flattened table fields of the national procedure catalogue.

The crawler of dichvucong.gov.vn stored every HTML table of a procedure page as the plain
concatenation of its cell texts: no separator between cells, rows or header. These functions
recover the rows from that text. They rely on the grammar of each column (a channel name, a
processing time, a fee head, a quantity such as ``1 bản chính``, a legal document number…)
rather than on per-record special cases.

Everything here is pure Python (stdlib plus :func:`motcua.core.text.nfc`) so that the
importer, the tests and ad-hoc scripts can use it without Django.

Every top-level parser returns the rows together with ``had_text`` (the source was not a
placeholder such as "Không có thông tin") and ``ok`` (the rows were recovered without
problems), so that an import can report, per field, how many records had text and how many
parsed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Generic, Literal, TypeVar

from motcua.core.text import nfc

Channel = Literal["direct", "online", "postal", "other"]
TimeUnit = Literal["working_day", "day", "hour", "month"]
FeeKind = Literal["amount", "free", "unknown"]
Level = Literal["ministry", "province", "commune", "other"]

RowT = TypeVar("RowT")

# Vietnamese letters for character classes; ``[^\W\d_]`` is used where any letter will do.
_LOWER = "a-zàáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ"
_UPPER = "A-ZÀÁẠẢÃÂẦẤẬẨẪĂẰẮẶẲẴÈÉẸẺẼÊỀẾỆỂỄÌÍỊỈĨÒÓỌỎÕÔỒỐỘỔỖƠỜỚỢỞỠÙÚỤỦŨƯỪỨỰỬỮỲÝỴỶỸĐ"


# --------------------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParseResult(Generic[RowT]):
    """Rows recovered from one source field, with what the import report needs."""

    rows: list[RowT]
    had_text: bool  # the source was not empty / a placeholder
    ok: bool  # had text and every row was recovered without a problem
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # text outside the rows, e.g. a closing remark


@dataclass(frozen=True, slots=True)
class FieldStatus:
    """Had-text / parsed flags of one column inside a table (e.g. the fee column)."""

    had_text: bool
    ok: bool
    # Every cell was read but some say less than a full value, e.g. a processing time
    # given as a bare number without its unit ("Trực tuyến1Miễn phí").
    partial: bool = False


@dataclass(frozen=True, slots=True)
class FeeItem:
    """One amount of a fee cell: ``Phí : 2.000.000 Đồng (…)`` → ("Phí", 2000000, "VND")."""

    label: str  # "Phí", "Lệ phí" or "" when the cell gives a bare amount
    amount: Decimal | None  # Decimal because USD fees can be fractional (0.5 USD)
    currency: str  # "VND", "USD" or "" when the cell names none
    text: str  # the item as written, NFC


@dataclass(frozen=True, slots=True)
class FeeParse:
    """A fee cell: its kind, the main amount and every item found."""

    kind: FeeKind
    amount: int | None  # the main amount in VND: the first positive item in VND
    items: list[FeeItem] = field(default_factory=list)
    currency: str = ""  # currency of the main amount (a USD fee has amount None)


@dataclass(frozen=True, slots=True)
class ChannelRow:
    """One row of "Cách thức thực hiện": submission channel, processing time, fee."""

    channel: Channel
    channel_label: str
    time_value: Decimal | None
    time_unit: TimeUnit | None  # kept as written, never converted
    time_text: str
    fee_kind: FeeKind
    fee_amount: int | None  # see FeeParse.amount
    fee_items: list[FeeItem]
    fee_text: str
    description: str
    fee_currency: str = ""


@dataclass(frozen=True, slots=True)
class ChannelParseResult:
    """Rows of "Cách thức thực hiện" plus the status of its time and fee columns."""

    rows: list[ChannelRow]
    had_text: bool
    ok: bool
    problems: list[str]
    time: FieldStatus
    fee: FieldStatus


@dataclass(frozen=True, slots=True)
class DocumentRow:
    """One required document of "Thành phần hồ sơ"."""

    group: str  # heading of the group the row belongs to, "" for none
    name: str
    template: str  # form template file name, "" for none
    original_count: int | None  # None when the quantity does not mention originals
    copy_count: int | None  # None when the quantity does not mention copies
    quantity_text: str


@dataclass(frozen=True, slots=True)
class LegalRow:
    """One row of "Căn cứ pháp lý"."""

    title: str
    number: str  # the "Mã văn bản" cell as written, e.g. "Nghị định số 92/2018/NĐ-CP"
    code: str = ""  # the document number inside it, e.g. "92/2018/NĐ-CP"


@dataclass(frozen=True, slots=True)
class ResultRow:
    """One result document of "Kết quả thực hiện"."""

    name: str
    code: str  # e.g. "KQ.G12.001222", "" when the source gives none


# --------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------

_PLACEHOLDERS = frozenset(
    {
        "",
        "không có thông tin",
        "chưa có thông tin",
        "không có",
        "không",
        "không quy định",
        "không có dữ liệu",
        "n/a",
    }
)
_ONLY_PUNCTUATION = re.compile(r"^[\W_]*$")


def _clean(value: str | None) -> str:
    """NFC, whitespace collapsed, private-use glyphs removed.

    Word documents pasted into the portal leave Wingdings bullets (U+F0FC, U+F0D8…) that
    render as garbage, so they are dropped rather than passed on.
    """
    text = nfc(value)
    if any(unicodedata.category(char) == "Co" for char in text):
        text = nfc("".join(char for char in text if unicodedata.category(char) != "Co"))
    return text


def is_placeholder(text: str | None) -> bool:
    """True for empty text and the portal's "no information" fillers ("Không có thông tin")."""
    cleaned = _clean(text)
    if _ONLY_PUNCTUATION.match(cleaned):  # "", "--", "----"
        return True
    return cleaned.rstrip(" .;:").lower() in _PLACEHOLDERS


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


# --------------------------------------------------------------------------------------
# Processing time
# --------------------------------------------------------------------------------------

# Longest first so that "Ngày làm việc" wins over "Ngày".
_UNITS: dict[str, TimeUnit] = {
    "ngày làm việc": "working_day",
    "ngày": "day",
    "giờ": "hour",
    "tháng": "month",
}
_UNIT_PATTERN = "|".join(re.escape(word) for word in _UNITS)
_TIME_RE = re.compile(rf"(?P<value>\d+(?:[.,]\d+)?)\s*(?P<unit>(?i:{_UNIT_PATTERN}))?\.?")


def parse_time(text: str | None) -> tuple[Decimal | None, TimeUnit | None]:
    """``"55 Ngày làm việc"`` → (Decimal(55), "working_day"); free text → (None, None).

    A bare number (the portal sometimes omits the unit) gives its value and a ``None`` unit.
    Both "." and "," are read as the decimal separator: times are never in thousands.
    """
    match = _TIME_RE.fullmatch(_clean(text))
    if not match:
        return None, None
    value = _decimal(match["value"].replace(",", "."))
    unit = _UNITS[match["unit"].lower()] if match["unit"] else None
    return value, unit


# --------------------------------------------------------------------------------------
# Fees
# --------------------------------------------------------------------------------------

_CURRENCIES = {
    "việt nam đồng": "VND",
    "vnđ": "VND",
    "vnd": "VND",
    "đồng": "VND",
    "usd": "USD",
}
_CURRENCY_PATTERN = "|".join(re.escape(word) for word in _CURRENCIES)
# 2,000,000 / 2.000.000 (grouped thousands) or 15000000 / 1.5 (plain or decimal).
_AMOUNT_PATTERN = r"\d{1,3}(?:[.,]\d{3})+(?![\d])|\d+(?:[.,]\d+)?"
# The head of a national fee cell: "Miễn phí", "Không có thông tin" or "<amount> <currency>".
_FEE_HEAD_PATTERN = (
    r"(?P<free>Miễn phí)|(?P<none>Không có thông tin)"
    rf"|(?P<amount>{_AMOUNT_PATTERN})\s?(?P<currency>(?i:{_CURRENCY_PATTERN}))"
)
_FEE_HEAD_RE = re.compile(_FEE_HEAD_PATTERN)
# A labelled item of the defence data: "Phí : 2.000.000 Đồng (…)", "Lệ phí : 1.5 USD".
# An amount is followed by its currency, a note or the next item; "Phí : 1. Mức thu…" is an
# enumerated free text, not an amount of 1.
_FEE_ITEM_RE = re.compile(
    rf"(?P<label>Lệ phí|Phí)\s*:\s*"
    rf"(?:(?P<amount>{_AMOUNT_PATTERN}|(?i:không))"
    rf"(?=\s*(?:(?i:{_CURRENCY_PATTERN})|\(|$|(?:Lệ phí|Phí)\s*:)))?\s*"
    rf"(?P<currency>(?i:{_CURRENCY_PATTERN}))?"
)
# Free text that states the service is free of charge.
_FREE_TEXT_RE = re.compile(r"^(?i:miễn phí|miễn lệ phí|miễn thu|không thu phí|không thu)\b")


def _parse_amount(text: str) -> Decimal | None:
    """``"2,000,000"`` / ``"2.000.000"`` → 2000000; ``"1.5"`` → 1.5; ``"không"`` → 0."""
    if text.lower() == "không":  # "Phí : Không Đồng" means no fee
        return Decimal(0)
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", text):
        return _decimal(re.sub(r"[.,]", "", text))
    return _decimal(text.replace(",", "."))


def _fee_from_items(items: list[FeeItem]) -> FeeParse:
    amounts = [item for item in items if item.amount is not None]
    if not amounts:
        return FeeParse("unknown", None, items)
    positive = [item for item in amounts if item.amount and item.amount > 0]
    if not positive:
        return FeeParse("free", 0, items, amounts[0].currency)
    main = positive[0]
    vnd = int(main.amount) if main.currency in ("VND", "") and main.amount is not None else None
    return FeeParse("amount", vnd, items, main.currency or "VND")


def _bracket_end(text: str, start: int) -> int:
    """End of the parenthesised group opening at ``text[start]``.

    Unbalanced notes (the portal truncates some) end at their last ")" or, lacking one,
    run to the end of the text.
    """
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "(":
            depth += 1
        elif text[index] == ")":
            depth -= 1
            if depth == 0:
                return index + 1
    last = text.rfind(")", start)
    return last + 1 if last > start else len(text)


def parse_fee(text: str | None) -> FeeParse:
    """Read a fee cell in any of the catalogue's forms.

    - national head: ``Miễn phí``, ``Không có thông tin``, ``70,000 VNĐ(70.000 đồng/…)``;
      the bracketed note is free text and does not change the head's meaning;
    - labelled items: ``Phí : 0 Đồng``, ``Lệ phí : 1.5 USD``, several items one after the other;
    - free text starting with "Miễn phí" / "Không thu phí".

    A zero amount is ``free``; ``unknown`` is returned for placeholders and for text that
    states no amount ("Phí : Mức thu bằng 50% …"). ``amount`` is the first positive item in
    VND (``None`` for a fee in USD, whose items keep the amount).
    """
    cleaned = _clean(text)
    if is_placeholder(cleaned):
        return FeeParse("unknown", None)
    head = _FEE_HEAD_RE.match(cleaned)
    if head and head["free"]:
        return FeeParse("free", 0)
    if head and head["none"]:
        return FeeParse("unknown", None)
    if head and head["amount"]:
        currency = _CURRENCIES[head["currency"].lower()]
        item = FeeItem("", _parse_amount(head["amount"]), currency, head.group(0))
        return _fee_from_items([item])
    items = _fee_items(cleaned)
    if items:
        return _fee_from_items(items)
    if _FREE_TEXT_RE.match(cleaned):
        return FeeParse("free", 0)
    return FeeParse("unknown", None)


def _fee_items(text: str) -> list[FeeItem]:
    """Labelled items; an item's text runs to the next item, skipping items quoted in notes."""
    matches: list[re.Match[str]] = []
    position = 0
    while match := _FEE_ITEM_RE.search(text, position):
        matches.append(match)
        end = match.end()
        rest = text[end:]
        if rest.lstrip().startswith("("):
            end = _bracket_end(text, end + len(rest) - len(rest.lstrip()))
        position = max(end, match.end() + 1)
    if not matches:
        return []
    bounds = [match.start() for match in matches[1:]] + [len(text)]
    return [
        FeeItem(
            match["label"],
            _parse_amount(match["amount"]) if match["amount"] else None,
            _CURRENCIES[match["currency"].lower()] if match["currency"] else "",
            text[match.start() : bound].strip(),
        )
        for match, bound in zip(matches, bounds, strict=True)
    ]


# --------------------------------------------------------------------------------------
# Cách thức thực hiện: channel, time, fee, description
# --------------------------------------------------------------------------------------

CHANNEL_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
CHANNELS: dict[str, Channel] = {
    "Trực tiếp": "direct",
    "Trực tuyến": "online",
    "Dịch vụ bưu chính": "postal",
}
_CHANNEL_PATTERN = "|".join(re.escape(label) for label in CHANNELS)

# The time cell: a number with an optional unit, a placeholder, or a short capitalised free
# text ("Không phải trả kết quả cho người nộp thuế"). The number is lazy because a unit-less
# time runs straight into an amount ("Trực tuyến120 VNĐ" is time 1, fee 20 VNĐ): the
# shortest time that leaves a valid fee head is taken.
_TIME_CELL = (
    rf"\s*\d+?(?:[.,]\d+)?\s*(?:(?i:{_UNIT_PATTERN}))?"
    r"|Không có thông tin"
    rf"|[{_UPPER}](?:(?!{_CHANNEL_PATTERN})[^()\d:;.]){{0,150}}?\.?"
)
# A row starts with a channel name followed by a time cell and a fee head. Any other text
# may start the first row only ("other" channels the grammar does not know by name).
_ROW_START_RE = re.compile(
    rf"(?:(?P<label>{_CHANNEL_PATTERN})|^(?P<other>[^\W\d_][^\d()]{{0,60}}?))"
    rf"(?P<time>{_TIME_CELL})?(?=(?P<fee>{_FEE_HEAD_PATTERN}))"
)

# "(1) Trường hợp…", "(a) Đối với…": an enumerated description, not a note on the fee.
_ENUMERATOR_RE = re.compile(r"\((?:\d{1,2}|[a-zđ]|[ivx]{1,4})\)\s")


def parse_channels(text: str | None) -> ChannelParseResult:
    """Parse "Cách thức thực hiện" into rows of channel, time, fee and description.

    Rows are found where a channel name is directly followed by a time cell and a fee head;
    a channel name inside a description ("- Trực tiếp: nộp hồ sơ…") is not followed by them
    and stays in the description.
    """
    cleaned = _clean(text)
    had_text = not is_placeholder(cleaned)
    problems: list[str] = []
    body = cleaned
    if cleaned.startswith(CHANNEL_HEADER):
        body = cleaned[len(CHANNEL_HEADER) :].strip()
    elif had_text:
        problems.append("no channel table header")
    starts = list(_ROW_START_RE.finditer(body)) if had_text else []
    rows = [
        _channel_row(body, match, starts[index + 1].start() if index + 1 < len(starts) else None)
        for index, match in enumerate(starts)
    ]
    if starts and starts[0].start() > 0:
        problems.append(f"text before the first row: {body[: starts[0].start()][:80]!r}")
    if had_text and not rows:
        problems.append("no channel row found")
    time_status, fee_status = _column_status(rows)
    return ChannelParseResult(
        rows=rows,
        had_text=had_text,
        ok=had_text and bool(rows) and not problems,
        problems=problems,
        time=time_status,
        fee=fee_status,
    )


def _channel_row(body: str, match: re.Match[str], next_start: int | None) -> ChannelRow:
    segment_end = len(body) if next_start is None else next_start
    label = match["label"] or match["other"].strip()
    fee_start = match.end()
    fee_end = fee_start + len(match["fee"])
    if body[fee_end : fee_end + 1] == "(" and not _ENUMERATOR_RE.match(body, fee_end):
        fee_end = min(_bracket_end(body[:segment_end], fee_end), segment_end)
    fee_text = body[fee_start:fee_end].strip()
    time_text = (match["time"] or "").strip()
    return channel_row(label, time_text, fee_text, body[fee_end:segment_end].strip())


_CHANNELS_FOLDED = {label.lower(): code for label, code in CHANNELS.items()}


def channel_row(label: str, time_text: str, fee_text: str, description: str) -> ChannelRow:
    """A channel row from its cells, whichever table they came from."""
    time_value, time_unit = parse_time(time_text)
    fee = parse_fee(fee_text)
    return ChannelRow(
        channel=_CHANNELS_FOLDED.get(label.lower(), "other"),
        channel_label=label,
        time_value=time_value,
        time_unit=time_unit,
        time_text=time_text,
        fee_kind=fee.kind,
        fee_amount=fee.amount,
        fee_items=fee.items,
        fee_text=fee_text,
        description=description,
        fee_currency=fee.currency,
    )


def _fee_is_placeholder(fee_text: str) -> bool:
    """A "Không có thông tin" head states no fee, whatever note follows it."""
    head = _FEE_HEAD_RE.match(fee_text)
    return is_placeholder(fee_text) or bool(head and head["none"])


def _column_status(rows: list[ChannelRow]) -> tuple[FieldStatus, FieldStatus]:
    """Per-table status of the time and fee columns, over the rows that have text there."""
    timed = [row for row in rows if not is_placeholder(row.time_text)]
    time_ok = all(row.time_value is not None and row.time_unit is not None for row in timed)
    time_read = all(row.time_value is not None for row in timed)
    priced = [row for row in rows if not _fee_is_placeholder(row.fee_text)]
    fee_ok = all(row.fee_kind != "unknown" for row in priced)
    return (
        FieldStatus(
            had_text=bool(timed),
            ok=bool(timed) and time_ok,
            partial=bool(timed) and time_read and not time_ok,
        ),
        FieldStatus(had_text=bool(priced), ok=bool(priced) and fee_ok),
    )


# --------------------------------------------------------------------------------------
# Thành phần hồ sơ: required documents
# --------------------------------------------------------------------------------------

DOCUMENT_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"

# The quantity cell: "1 bản chính", "0 bản chính,1 bản sao", "2 bản sao". The portal's
# counts are single digits, so of a longer digit run only the last digit is the count: the
# name before it ended in digits ("…ngày 01/01/2026" + "1 bản chính" = "20261 bản chính").
_QUANTITY_RE = re.compile(r"(?<!\d)(?P<run>\d+) bản (?:chính|sao)(?:,\d+ bản (?:chính|sao))?")
_TEMPLATE_EXT_RE = re.compile(r"\.(?:docx?|xlsx?|pdf|rar|zip|7z|odt|ods|rtf)$", re.IGNORECASE)
_TEMPLATE_WINDOW = 100  # template file names are shorter than this


def parse_quantity(text: str | None) -> tuple[int | None, int | None]:
    """``"0 bản chính,1 bản sao"`` → (0, 1); a kind that is not mentioned gives ``None``."""
    cleaned = _clean(text)
    original = re.search(r"(\d+)\s*bản chính", cleaned, re.IGNORECASE)
    copy = re.search(r"(\d+)\s*bản sao", cleaned, re.IGNORECASE)
    return (
        int(original.group(1)) if original else None,
        int(copy.group(1)) if copy else None,
    )


def parse_defence_quantity(
    so_luong: str | None, ghi_chu: str | None
) -> tuple[int | None, int | None, str]:
    """Counts and template of a defence-ministry document row.

    That export shifted its columns: ``so_luong`` holds the template file name and
    ``ghi_chu`` the counts as "Bản chính: 1\\nBản sao: 0". Returns
    ``(original_count, copy_count, template)``.
    """
    quantity = _clean(so_luong)
    note = _clean(ghi_chu)
    original = re.search(r"Bản chính\s*:\s*(\d+)", note, re.IGNORECASE)
    copy = re.search(r"Bản sao\s*:\s*(\d+)", note, re.IGNORECASE)
    template = quantity if _TEMPLATE_EXT_RE.search(quantity) else ""
    if original or copy:
        return (
            int(original.group(1)) if original else None,
            int(copy.group(1)) if copy else None,
            template,
        )
    if template:
        return None, None, template
    return (*parse_quantity(quantity), "")  # the column holds a real quantity: "1 bản chính"


def _is_structured_quantity(body: str, match: re.Match[str]) -> bool:
    """Tell a quantity cell from a quantity mentioned inside a document name.

    Cells are glued to the next name ("1 bản chínhĐơn đề nghị…"), while prose continues
    with a space and a lower-case word ("01 bản chính hoặc bản sao…"). Prose also writes
    "01", a form the portal never produces, after a space or "(" or before a space.
    """
    before = body[match.start() - 1] if match.start() > 0 else ""
    after = body[match.end() : match.end() + 2]
    loose_before = before in ("", " ", "(")
    padded = len(match["run"]) > 1 and match["run"].startswith("0")
    if re.match(rf"\s[{_LOWER}]", after):
        return False
    if padded and (loose_before or after[:1].isspace()):
        return False  # "(01 bản chính)", "…bản sao" + "01 bản chính Biên bản…"
    return not (loose_before and re.match(r"[,;:.)]( |$)", after + " "))


def parse_documents(text: str | None) -> ParseResult[DocumentRow]:
    """Parse "Thành phần hồ sơ" into document rows grouped by their headings.

    The field is one or more groups, each a heading (``--`` for none) followed by the table
    header and rows of name + optional template file + quantity.
    """
    cleaned = _clean(text)
    had_text = not is_placeholder(cleaned)
    if not had_text:
        return ParseResult([], had_text=False, ok=False)
    parts = cleaned.split(DOCUMENT_HEADER)
    if len(parts) == 1:
        return ParseResult([], had_text=True, ok=False, problems=["no document table header"])
    rows: list[DocumentRow] = []
    problems: list[str] = []
    notes: list[str] = []
    heading = _heading(parts[0])
    for index, body in enumerate(parts[1:], start=1):
        group_rows, trailing = _document_rows(body, heading)
        rows.extend(group_rows)
        if index < len(parts) - 1:
            heading = _heading(trailing)  # text after the last quantity heads the next group
        elif _heading(trailing) and group_rows:
            # After the last group there is no next group: a closing remark such as
            # "(Trường hợp khai thác… thì hồ sơ không bao gồm bản sao của các giấy tờ này)".
            notes.append(trailing)
        elif _heading(trailing):
            rows.append(_document_row(heading, trailing, ""))  # its quantity is missing
    for row in rows:
        if not row.name:
            problems.append(f"document without a name: {row.quantity_text!r}")
        if row.original_count is None and row.copy_count is None:
            problems.append(f"document without a quantity: {row.name[:80]!r}")
    if not rows:
        problems.append("no document row found")
    return ParseResult(rows, had_text=True, ok=not problems, problems=problems, notes=notes)


def _heading(text: str) -> str:
    cleaned = text.strip()
    return "" if _ONLY_PUNCTUATION.match(cleaned) else cleaned


def _document_rows(body: str, group: str) -> tuple[list[DocumentRow], str]:
    """Rows of one group and the text after its last quantity."""
    rows: list[DocumentRow] = []
    position = 0
    for match in _QUANTITY_RE.finditer(body):
        if not _is_structured_quantity(body, match):
            continue
        count_start = match.end("run") - 1  # the count is the last digit of the run
        rows.append(
            _document_row(group, body[position:count_start], body[count_start : match.end()])
        )
        position = match.end()
    return rows, body[position:].strip()


def _document_row(group: str, cell_text: str, quantity_text: str) -> DocumentRow:
    name, template = split_template(cell_text)
    original, copy = parse_quantity(quantity_text)
    return DocumentRow(
        group=group,
        name=name,
        template=template,
        original_count=original,
        copy_count=copy,
        quantity_text=quantity_text,
    )


def split_template(text: str) -> tuple[str, str]:
    """Split "document name" + "template file name(s)" glued together.

    A file name ends with a known extension; where it starts is found at a seam, i.e. where
    two cells were concatenated without a space. Several files glued one after the other
    ("Mẫu 05.docxMẫu 06.docx") are all kept, joined with "; ".
    """
    # A stray separator before a name ("1 bản chính.Đơn đề nghị…") is not part of it.
    cleaned = text.strip().lstrip(",.;:").strip()
    files: list[str] = []
    end = len(cleaned)
    while ext := _TEMPLATE_EXT_RE.search(cleaned[:end]):
        start = _template_start(cleaned[: ext.start()])
        files.insert(0, cleaned[start:end].strip())
        end = start
        if not _TEMPLATE_EXT_RE.search(cleaned[:end]):
            break
    return cleaned[:end].strip(), "; ".join(file for file in files if file)


def _template_start(head: str) -> int:
    """Where the file name whose extension follows ``head`` starts.

    - the last strong seam: punctuation glued to a word (``…2021;Mus08``,
      ``…(Mẫu số 03).Mẫu 03.TT41``, ``…ký tên.m01a``) or the end of a previous file;
    - else the first case seam of the last clause (``…NĐ-CPMẫu số 01``,
      ``…theo mẫuMauXacbao``): prose puts a space before capitals, file names do not;
    - else the unaccented words before the extension (file names are usually ASCII).
    """
    window = max(1, len(head) - _TEMPLATE_WINDOW)
    strong = [i for i in range(window, len(head)) if _strong_seam(head, i)]
    if strong:
        return strong[-1]
    clause = max(head.rfind(sep, window) + len(sep) for sep in (", ", "; ", ". ", ": "))
    weak = [i for i in range(max(window, clause), len(head)) if _case_seam(head, i)]
    if weak:
        return weak[0]
    start = len(head)
    for token in reversed(head.split(" ")):
        if not token.isascii() or start - len(token) < window:
            break
        start -= len(token) + 1
    return max(start, 0) if start < len(head) else head.rfind(" ") + 1


def _strong_seam(head: str, i: int) -> bool:
    previous, char = head[i - 1], head[i]
    if char.isspace() or char in ";:.,)]":
        return False
    if previous in ";:)]":
        return True
    if previous == "," and char.isupper():
        return True
    if _TEMPLATE_EXT_RE.search(head[:i]) and not char.islower():
        return True  # the end of a previous file: "…LS.docxMẫu số 06…"
    if previous != ".":
        return False
    # After a word ("tệ.PL 5", "nhân).Mẫu") any glued text starts a new cell; after a number
    # or an acronym only a word does ("2021.Mus09", "NHNN.Phụ lục"), not "03.TT41", "QĐ.3730".
    before = head[i - 2 : i - 1]
    if before.islower() or before == ")":
        return char.isalnum()
    word = head[i : i + 2]
    return len(word) == 2 and word.isalpha() and not word.isupper()


def _case_seam(head: str, i: int) -> bool:
    previous, char = head[i - 1], head[i]
    following = head[i + 1 : i + 3]
    if not char.isupper():
        return False
    if previous.islower() or previous.isdigit():
        return True
    # End of an acronym glued to a capitalised word: "CP" + "Mẫu" (but not "QĐ-T" + "Tg").
    return (
        previous.isupper() and len(following) == 2 and following.isalpha() and following.islower()
    )


# --------------------------------------------------------------------------------------
# Căn cứ pháp lý: legal basis
# --------------------------------------------------------------------------------------

LEGAL_HEADER = "Tên văn bản pháp lýMã văn bản"

# An issuer segment of a document number: an acronym, "TTg", or an acronym ending in "QH"
# and the legislature number (QH13, UBTVQH14); only the latter carry digits, so a number
# glued after an issuer ("…NĐ-CP05/2012/…") starts the next number. A capital that begins
# a Vietnamese syllable starts the next title ("…TT-NHNNSố 73/…", "…NĐ-CPThông tư…"); one
# that cannot ("…NĐ-CPsửa đổi…": no syllable is "Psửa"; "…TT-BCAngày…") ends the acronym.
_VOWELS = "aàáạảãâầấậẩẫăằắặẳẵeèéẹẻẽêềếệểễiìíịỉĩoòóọỏõôồốộổỗơờớợởỡuùúụủũưừứựửữyỳýỵỷỹ"
_UPPER_VOWELS = _VOWELS.upper()
_CAPITAL_SYLLABLE = (
    rf"(?=.[{_LOWER}])"  # a capital and at least one lower-case letter: "A" alone is no word
    rf"(?:(?:Ngh|Ng|Nh|Ch|Gh|Gi|Kh|Ph|Qu|Th|Tr|[BCDĐGHKLMNPQRSTVX])[{_VOWELS}]{{1,3}}"
    rf"|[{_UPPER_VOWELS}][{_VOWELS}]{{0,2}})"
    rf"(?:ch|ng|nh|[cmnpt])?(?![{_LOWER}])"
)
_ACRONYM = rf"(?:(?!{_CAPITAL_SYLLABLE})[{_UPPER}])"
_SEGMENT = rf"TTg|{_ACRONYM}*QH\d{{1,2}}|{_ACRONYM}+"
# A number starts after a non-digit, or right after a legislature number or a date that
# the previous cell ended with ("…QH13" + "54/2014/QH13", "…ngày 29/6/2024" + "43/2024/QH15").
_CODE_START = r"(?:(?<![\d/])|(?<=QH\d\d)|(?<=\d/\d{4}))"
_CODE_RE = re.compile(
    rf"{_CODE_START}\d+(?:\.\d+)?(?:/\d{{4}})?/(?:{_SEGMENT})(?:\s?[-/_&]\s?(?:{_SEGMENT}))*"
    rf"|{_CODE_START}\d+/\d{{4}}(?![\d/])"  # truncated numbers such as "46/2020"
)
_KIND_NAMES = (
    r"Luật|Bộ luật|Nghị định|Nghị quyết|Thông tư liên tịch|Thông tư|Quyết định|Pháp lệnh"
    r"|Lệnh|Chỉ thị|Văn bản hợp nhất|Công văn"
)
_KIND_ABBREVIATIONS = r"NĐ|TTLT|TT|QĐ|NQ"
_KIND_WORDS = rf"{_KIND_NAMES}|{_KIND_ABBREVIATIONS}"
# "Nghị định số ", "Số ", "Luật ", "TT" written in the number cell before the number. A
# name glued to the number is a title cell of its own ("…dân10/2014/TT-BCA" + "Nghị định"
# + "76/2012/NĐ-CP"), an abbreviation is not ("…Bộ Tài chính." + "TT43/2023/TT-BTC").
_NUMBER_PREFIX_RE = re.compile(
    rf"(?<=\S)(?:(?:(?:{_KIND_NAMES})\s+|(?:{_KIND_ABBREVIATIONS})\s*)(?:[Ss]ố\s+)?|[Ss]ố\s+)$"
)
_BARE_KIND_RE = re.compile(rf"^(?:(?:{_KIND_WORDS})\s*)?(?:[Ss]ố)?\s*$")


def parse_legal_basis(text: str | None) -> ParseResult[LegalRow]:
    """Parse "Căn cứ pháp lý" into (title, number) rows.

    A row ends where a document number is glued to the next title ("…QH14Nghị định…") or
    ends the text; a number followed by a space is quoted inside a title. Every row has a
    title, so of two numbers glued together the first belongs to the title when the second
    ends a row ("Luật 54/2014/QH13" + "54/2014/QH13"). Words such as "Nghị định số" glued
    before the number belong to the number cell. Trailing text without a number becomes a
    title-only row.
    """
    cleaned = _clean(text)
    had_text = not is_placeholder(cleaned)
    if not had_text:
        return ParseResult([], had_text=False, ok=False)
    if not cleaned.startswith(LEGAL_HEADER):
        return ParseResult([], had_text=True, ok=False, problems=["no legal basis table header"])
    body = cleaned[len(LEGAL_HEADER) :]
    rows: list[LegalRow] = []
    row_start = 0
    for code in _row_ending_codes(body):
        split = _split_row(body, row_start, code)
        if split is None:
            continue
        title, number = split
        rows.append(LegalRow(title=title, number=number, code=code.text))
        row_start = code.end
    trailing = body[row_start:].strip()
    if not _ONLY_PUNCTUATION.match(trailing):
        rows.append(LegalRow(title=trailing, number=""))
    problems = [
        f"legal document without a number: {row.title[:80]!r}" for row in rows if not row.number
    ]
    if not rows:
        problems.append("no legal document found")
    return ParseResult(rows, had_text=True, ok=not problems, problems=problems)


@dataclass(frozen=True, slots=True)
class _Code:
    """A document number found in the legal basis text."""

    start: int
    end: int
    text: str


_CODE_TAG_RE = re.compile(r"\([^()\s]{1,10}\)")
_GLUED_YEAR_RE = re.compile(r"(?:19|20)\d\d(?=\d{1,4}[./])")


def _codes(body: str) -> list[_Code]:
    codes: list[_Code] = []
    for match in _CODE_RE.finditer(body):
        code = _Code(match.start(), match.end(), match.group(0))
        # "…sửa đổi 2023" + "23/2023/QH15": no document number has five digits or more, so
        # a leading year belongs to the title.
        year = _GLUED_YEAR_RE.match(code.text)
        if year:
            code = _Code(code.start + 4, code.end, code.text[4:])
        # "21/2007/TT-BCA(X13)": a short bracketed tag belongs to the number.
        tag = _CODE_TAG_RE.match(body, code.end)
        if tag:
            code = _Code(code.start, tag.end(), code.text)
        previous = codes[-1] if codes else None
        # "22/2023/TT-BCA" + "22/2023/TT-BCAQUY ĐỊNH…": the repeated number ends where the
        # first one did; the capitals after it start an upper-case title.
        if (
            previous is not None
            and previous.end == code.start
            and code.text.startswith(previous.text)
            and code.text[len(previous.text) :].isupper()
        ):
            code = _Code(code.start, code.start + len(previous.text), previous.text)
        codes.append(code)
    return codes


def _split_row(body: str, start: int, code: _Code) -> tuple[str, str] | None:
    """(title, number cell) of the row from ``start`` to ``code``; None if it has no title."""
    # Searched in the whole body so that the prefix sees the character glued before it.
    prefix = _NUMBER_PREFIX_RE.search(body, start, code.start)
    title_end = prefix.start() if prefix else code.start
    title = body[start:title_end].strip().rstrip(";").strip()
    if not title:
        return None
    if not prefix and _BARE_KIND_RE.match(title) and body[code.start - 1].isspace():
        return None  # "Nghị định 101/…" written as a phrase: the number is in the title
    return title, body[title_end : code.end].strip()


_DATED_RE = re.compile(r"ngày\s*\d")


def _row_ending_codes(body: str) -> list[_Code]:
    """The document numbers that end a row, decided from the last one backwards."""
    ends: list[_Code] = []
    for code in reversed(_codes(body)):
        after = body[code.end :]
        if after[:1].isspace() or (after[:1] in tuple(",;:)].-") and after.strip(" ,;:)].-")):
            continue  # a number quoted inside the title: "…/NĐ-CP, …", "…/NĐ-CP-Quy định…"
        if _DATED_RE.match(after):
            continue  # "…/TT-BCAngày 01/7/2025": a citation with its date, space missing
        if ends and _split_row(body, code.end, ends[0]) is None:
            continue  # the next row would have no title: this number is part of it
        ends.insert(0, code)
    return ends


# --------------------------------------------------------------------------------------
# Kết quả thực hiện: results
# --------------------------------------------------------------------------------------

# Page widgets scraped after the results: keywords, description, agency picker.
_RESULT_END_RE = re.compile(r"Từ khóa|Chọn cơ quan thực hiện")
# Codes end with a digit ("KQ.G12.001222") where the next name is glued on; a code without
# digits ("VBTT") is an acronym, so a capital followed by a lower-case letter is not in it.
_RESULT_CODE_RE = re.compile(
    rf"Mã:\s*(?P<code>[A-Za-z0-9][A-Za-z0-9.\-_/]*\d|(?:[A-Z0-9.\-_/](?![{_LOWER}]))+)?"
)


def parse_results(text: str | None) -> ParseResult[ResultRow]:
    """Parse "Kết quả thực hiện": ``<name>Mã: <code>`` repeated, then page widgets."""
    cleaned = _clean(text)
    had_text = not is_placeholder(cleaned)
    if not had_text:
        return ParseResult([], had_text=False, ok=False)
    end = _RESULT_END_RE.search(cleaned)
    body = cleaned[: end.start()] if end else cleaned
    rows: list[ResultRow] = []
    position = 0
    for match in _RESULT_CODE_RE.finditer(body):
        rows.append(
            ResultRow(name=body[position : match.start()].strip(), code=match["code"] or "")
        )
        position = match.end()
    trailing = body[position:].strip()
    if trailing:
        rows.append(ResultRow(name=trailing, code=""))
    problems = [f"result without a name: {row.code!r}" for row in rows if not row.name]
    if not end and not any(row.code for row in rows):
        # Neither a code nor the keyword section: text from another field, not a result list.
        problems.append("not a result list (no code and no keyword section)")
    return ParseResult(rows, had_text=True, ok=bool(rows) and not problems, problems=problems)


# --------------------------------------------------------------------------------------
# Cấp thực hiện: levels
# --------------------------------------------------------------------------------------

LEVELS: dict[str, Level] = {
    "cấp bộ": "ministry",
    "cấp tỉnh": "province",
    "cấp xã": "commune",
    "cơ quan khác": "other",
}


def parse_levels(text: str | None) -> list[Level]:
    """``"Cấp bộ, Cấp tỉnh"`` → ["ministry", "province"]; unknown words are skipped."""
    levels: list[Level] = []
    for part in _clean(text).split(","):
        level = LEVELS.get(part.strip().lower())
        if level and level not in levels:
            levels.append(level)
    return levels
