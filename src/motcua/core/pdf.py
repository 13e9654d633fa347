"""PDF slips (phiếu): the printable papers the system issues, in the state layout.

A slip is described as data (:class:`Slip`) and turned into bytes by :func:`render_slip`, so
each slip type (receipt and appointment, supplement request, refusal, apology...) is a small
function that fills a :class:`Slip`, and the layout rules live in one place.

Why these choices:

- The 14 standard PDF fonts have no Vietnamese letters, so DejaVu Sans (Debian's
  ``fonts-dejavu-core``, directory ``MOTCUA_PDF_FONT_DIR``) is embedded. Every string is
  NFC-normalised first: the font has a glyph for each precomposed Vietnamese letter, whereas
  decomposed marks would be drawn one after the other without shaping, and would not extract
  back as the same text.
- The header follows Nghị định 30/2020: the agency on the left, the national motto on the
  right with the place and date under it; the title bold, centred and in capitals; page
  numbers from page 2 at the top.
- A5 portrait is the default: the slips of Thông tư 03/2025 must be printable on A5. A4
  landscape (``"A4-landscape"``) is for papers with many columns, such as the dossier register.
- The QR code is drawn as vector squares from segno's matrix: sharp at any print size and no
  image library.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Literal, NamedTuple
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

import segno
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from reportlab import platypus
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from .text import nfc, nfc_keep_lines

DEFAULT_FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT_PACKAGE = "fonts-dejavu-core"
#: Required font files; the oblique face is used for italics when present.
FONT_FILES = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"}
ITALIC_FILE = "DejaVuSans-Oblique.ttf"
#: Error correction of slip QR codes: 15 %, survives a smudged or folded paper.
QR_ERROR = "m"
#: Empty modules around a QR code, as the standard asks, so a phone finds it on the page.
QR_QUIET_ZONE = 4
VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

PageSize = Literal["A5", "A4", "A4-landscape"]
Align = Literal["left", "center", "right", "justify"]
_PAGE_SIZES = {"A5": A5, "A4": A4, "A4-landscape": landscape(A4)}
# Body size and margins (left, right, top, bottom in mm) per paper: the A4 values follow
# Nghị định 30/2020, A5 scales them down. DejaVu Sans is wide, so sizes are below Times'.
# A4 landscape carries tables of a dozen columns: a smaller body and narrower margins.
_BODY_SIZE = {"A5": 9.5, "A4": 11.5, "A4-landscape": 8}
_MARGINS = {"A5": (18, 12, 12, 12), "A4": (30, 18, 20, 20), "A4-landscape": (20, 15, 15, 15)}
_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}


class FontsMissingError(ImproperlyConfigured):
    """The DejaVu fonts are not where the settings say, so no slip can be drawn."""


# --- What a slip holds ----------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """A labelled row, "Họ và tên: Nguyễn Thị Hồng Nhung"; a long value wraps under it."""

    label: str
    value: str


@dataclass(frozen=True)
class Text:
    """A paragraph; line breaks in ``text`` are kept."""

    text: str
    bold: bool = False
    align: Align = "justify"


@dataclass(frozen=True)
class Table:
    """A ruled table with a header row repeated on each page, e.g. the documents received.

    ``widths`` are relative weights (``(1, 7, 2)``), equal when empty; ``align`` is per column.
    """

    columns: Sequence[str]
    rows: Sequence[Sequence[object]]
    widths: Sequence[float] = ()
    align: Sequence[Align] = ()


Block = Field | Text | Table


@dataclass(frozen=True)
class Signature:
    """A signature column: role in capitals, the note, room to sign, then the name.

    ``note=None`` gives the usual "(Ký, ghi rõ họ tên)"; ``""`` gives no note.
    """

    title: str
    name: str = ""
    note: str | None = None


@dataclass(frozen=True)
class QRCode:
    """A QR code for ``data`` (a URL to follow the dossier), with a caption under it."""

    data: str
    caption: str = ""
    size_mm: float = 22


@dataclass(frozen=True)
class Slip:
    """Everything printed on one slip, top to bottom.

    ``agency`` is the issuing agency (left of the header and the PDF's author),
    ``parent_agency`` the one above it printed over it; ``number`` is the "Số: ..." line under
    them; ``place`` and ``date`` make the date line under the motto.
    """

    agency: str
    title: str
    parent_agency: str = ""
    number: str = ""
    place: str = ""
    date: date | None = None
    subtitle: str = ""
    body: Sequence[Block] = ()
    signatures: Sequence[Signature] = ()
    qr: QRCode | None = None
    footer: str = ""
    page_size: PageSize = "A5"
    subject: str = ""
    keywords: Sequence[str] = ()


# --- Dates and money ------------------------------------------------------------------------


def _local(moment: datetime) -> datetime:
    """Vietnam local time; a naive datetime is taken as already local."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=VIETNAM_TZ)
    return moment.astimezone(VIETNAM_TZ)


def _as_date(day: date) -> date:
    return _local(day).date() if isinstance(day, datetime) else day


def vietnamese_date_words(day: date) -> str:
    """ "ngày 05 tháng 02 năm 2026", "ngày 01 tháng 12 năm 2026".

    Nghị định 30/2020 pads a day below 10 and a month below 3 with a zero (so "tháng 1" cannot
    be turned into "tháng 11" by hand); months 3 to 9 are written without one.
    """
    day = _as_date(day)
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return _("ngày %(day)s tháng %(month)s năm %(year)s") % {
        "day": f"{day.day:02d}",
        "month": month,
        "year": day.year,
    }


def vietnamese_date_line(place: str, day: date) -> str:
    """The place and date line of a document: "Đà Lạt, ngày 01 tháng 12 năm 2026"."""
    words = vietnamese_date_words(day)
    place = nfc(place)
    if not place:
        return words[:1].upper() + words[1:]
    return f"{place}, {words}"


def format_date_vi(moment: datetime | None) -> str:
    """ "03/12/2026": the day of ``moment`` in Vietnam time; empty for None."""
    return _local(moment).strftime("%d/%m/%Y") if moment else ""


def format_datetime_vi(moment: datetime) -> str:
    """ "14 giờ 30 phút, ngày 03/12/2026", in Vietnam time (as receipts give the filing time)."""
    local = _local(moment)
    return _("%(hour)s giờ %(minute)s phút, ngày %(date)s") % {
        "hour": f"{local.hour:02d}",
        "minute": f"{local.minute:02d}",
        "date": format_date_vi(local),
    }


def format_money(amount: int | Decimal) -> str:
    """ "1.200.000 đ": dots between thousands, whole đồng.

    The đồng has no subunit in use, so a fraction means a calculation went wrong upstream:
    it is refused rather than silently rounded on an official paper.
    """
    value = Decimal(amount)
    if value != value.to_integral_value():
        raise ValueError(f"not a whole number of đồng: {amount!r}")
    return f"{int(value):,}".replace(",", ".") + " đ"


# --- Fonts ----------------------------------------------------------------------------------


class Fonts(NamedTuple):
    """Registered reportlab font names; ``italic`` is the regular face if Oblique is absent."""

    regular: str
    bold: str
    italic: str


def font_dir() -> Path:
    """Where the fonts are read from (settings, so tests and odd installs can move them)."""
    return Path(getattr(settings, "MOTCUA_PDF_FONT_DIR", DEFAULT_FONT_DIR))


def fonts() -> Fonts:
    """The registered font names, registering them on first use (raises FontsMissingError)."""
    return _register_fonts(str(font_dir()))


@functools.cache
def _register_fonts(directory: str) -> Fonts:
    """Register DejaVu Sans once per directory. A failure is not cached, so installing the
    package mends a running server."""
    base = Path(directory)
    missing = [name for name in FONT_FILES.values() if not (base / name).is_file()]
    if missing:
        raise FontsMissingError(
            f"PDF fonts not found in {base} (missing {', '.join(missing)}): install the Debian "
            f"package {FONT_PACKAGE} or point MOTCUA_PDF_FONT_DIR at a folder holding them."
        )
    names = Fonts("DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique")
    # No shaping (it needs uharfbuzz): NFC Vietnamese has one glyph per letter, and the same
    # bytes whether or not uharfbuzz happens to be installed.
    _register(names.regular, base / FONT_FILES["regular"])
    _register(names.bold, base / FONT_FILES["bold"])
    if (base / ITALIC_FILE).is_file():
        _register(names.italic, base / ITALIC_FILE)
    else:
        names = names._replace(italic=names.regular)
    pdfmetrics.registerFontFamily(
        names.regular, normal=names.regular, bold=names.bold, italic=names.italic,
        boldItalic=names.bold,
    )  # fmt: skip
    return names


def _register(name: str, path: Path) -> None:
    pdfmetrics.registerFont(TTFont(name, str(path), shapable=False))


# --- QR code --------------------------------------------------------------------------------


def qr_matrix(data: str) -> tuple[tuple[bool, ...], ...]:
    """The QR modules of ``data``, row by row, True for dark, without the quiet zone.

    Always a full QR code: segno would choose a Micro QR for short data, which many phone
    readers do not read.
    """
    code = segno.make_qr(nfc(data), error=QR_ERROR, boost_error=False)
    return tuple(tuple(bool(module) for module in row) for row in code.matrix)


def qr_runs(matrix: Sequence[Sequence[bool]]) -> list[tuple[int, int, int]]:
    """Horizontal runs of dark modules as (row, column, length): one rectangle per run gives
    a smaller file than one per module and no hairline seams between neighbours."""
    runs = []
    for row, modules in enumerate(matrix):
        start = None
        for column, dark in enumerate([*modules, False]):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                runs.append((row, start, column - start))
                start = None
    return runs


class QRFlowable(platypus.Flowable):
    """A QR code drawn as filled rectangles, in module units (an integer grid), quiet zone
    included in its size."""

    def __init__(self, data: str, size: float):
        super().__init__()
        self.matrix = qr_matrix(data)
        self.modules = len(self.matrix) + 2 * QR_QUIET_ZONE
        self.size = size
        self.hAlign = "CENTER"

    def wrap(self, available_width, available_height):
        return self.size, self.size

    def draw(self):
        canvas = self.canv
        canvas.scale(self.size / self.modules, self.size / self.modules)
        canvas.setFillColor(colors.black)
        path = canvas.beginPath()
        top = self.modules - QR_QUIET_ZONE
        for row, column, length in qr_runs(self.matrix):
            path.rect(QR_QUIET_ZONE + column, top - row - 1, length, 1)
        canvas.drawPath(path, stroke=0, fill=1)


# --- Layout ---------------------------------------------------------------------------------


def _markup(value: object) -> str:
    """Paragraph markup for a value: NFC, escaped (a "<" in a name must not become a tag)."""
    return escape(nfc(str(value)))


def _upper(value: str) -> str:
    return unicodedata.normalize("NFC", nfc(value).upper())


class _Styles:
    """Paragraph styles for one paper size."""

    def __init__(self, page_size: str, names: Fonts):
        self.fonts = names
        self.size = _BODY_SIZE[page_size]
        self.field = self.make("field", alignment=TA_LEFT, spaceAfter=self.size * 0.15)

    def make(self, name: str, *, size: float | None = None, font: str | None = None, **extra):
        size = size or self.size
        options = {"fontName": font or self.fonts.regular, "fontSize": size, "leading": size * 1.3}
        return ParagraphStyle(name, **(options | extra))

    def centred(self, *, bold: bool = False, italic: bool = False, size: float | None = None):
        font = self.fonts.bold if bold else self.fonts.italic if italic else self.fonts.regular
        return self.make("centred", size=size, font=font, alignment=TA_CENTER)


def _fit_size(text: str, font: str, size: float, width: float) -> float:
    """The font size at most ``size`` at which ``text`` fits on one line of ``width``."""
    return min(size, size * width / pdfmetrics.stringWidth(text, font, size))


def _header(slip: Slip, styles: _Styles, width: float) -> platypus.Flowable:
    left_width, right_width = width * 0.42, width * 0.58
    left: list[platypus.Flowable] = []
    if slip.parent_agency:
        left.append(platypus.Paragraph(_markup(_upper(slip.parent_agency)), styles.centred()))
    left.append(platypus.Paragraph(_markup(_upper(slip.agency)), styles.centred(bold=True)))
    left.append(_rule("35%"))
    if slip.number:
        left.append(platypus.Paragraph(_markup(slip.number), styles.centred()))
    table = platypus.Table(
        [[left, _motto(slip, styles, right_width)]], colWidths=[left_width, right_width]
    )
    table.setStyle(_cell_layout(styles))
    return table


def _motto(slip: Slip, styles: _Styles, width: float) -> list[platypus.Flowable]:
    """The national motto, its rule as long as the second line, and the date line."""
    bold = styles.fonts.bold
    country, motto = _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), _("Độc lập - Tự do - Hạnh phúc")
    country_size = _fit_size(country, bold, styles.size, width - 2)
    motto_size = _fit_size(motto, bold, styles.size + 0.5, width - 2)
    cell = [
        platypus.Paragraph(_markup(country), styles.centred(bold=True, size=country_size)),
        platypus.Paragraph(_markup(motto), styles.centred(bold=True, size=motto_size)),
        _rule(pdfmetrics.stringWidth(motto, bold, motto_size)),
    ]
    if slip.date:
        line = vietnamese_date_line(slip.place, slip.date)
        cell.append(platypus.Paragraph(_markup(line), styles.centred(italic=True)))
    return cell


def _rule(width: float | str) -> platypus.Flowable:
    return platypus.flowables.HRFlowable(
        width=width, thickness=0.6, color=colors.black, spaceBefore=3, spaceAfter=4
    )


def _cell_font(styles: _Styles) -> list[tuple]:
    """Table cells start in our font: reportlab's default is Helvetica, which would then be
    listed among the page's fonts even though every cell holds paragraphs."""
    return [("FONT", (0, 0), (-1, -1), styles.fonts.regular, styles.size)]


def _cell_layout(styles: _Styles) -> list[tuple]:
    """Layout tables (header, signatures): no padding at the sides, content centred at the top."""
    return [
        *_cell_font(styles),
        ("LEFTPADDING", (0, 0), (-1, -1), 1),
        ("RIGHTPADDING", (0, 0), (-1, -1), 1),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]


def _title(slip: Slip, styles: _Styles) -> list[platypus.Flowable]:
    title_style = styles.centred(bold=True, size=styles.size + 2.5)
    title_style.spaceBefore, title_style.spaceAfter = styles.size * 1.2, styles.size * 0.3
    flowables: list[platypus.Flowable] = [
        platypus.Paragraph(_markup(_upper(slip.title)), title_style)
    ]
    if slip.subtitle:
        flowables.append(platypus.Paragraph(_markup(slip.subtitle), styles.centred()))
    flowables.append(platypus.Spacer(1, styles.size * 0.8))
    return flowables


def _block(block: Block, styles: _Styles, width: float) -> platypus.Flowable:
    if isinstance(block, Field):
        label = escape(nfc(block.label).rstrip(":"))
        return platypus.Paragraph(f"<b>{label}:</b> {_markup(block.value)}", styles.field)
    if isinstance(block, Text):
        text = escape(nfc_keep_lines(block.text)).replace("\n", "<br/>")
        if block.bold:
            text = f"<b>{text}</b>"
        style = styles.make("text", alignment=_ALIGN[block.align], spaceAfter=styles.size * 0.3)
        return platypus.Paragraph(text, style)
    if isinstance(block, Table):
        return _table(block, styles, width)
    raise TypeError(f"not a slip block: {block!r}")


def _table(block: Table, styles: _Styles, width: float) -> platypus.Flowable:
    count = len(block.columns)
    if any(len(row) != count for row in block.rows) or len(block.widths) not in (0, count):
        raise ValueError(f"every row and the widths need {count} columns: {block!r}")
    weights = list(block.widths) or [1] * count
    widths = [width * weight / sum(weights) for weight in weights]
    aligns = [*block.align, *["left"] * count][:count]
    head = styles.centred(bold=True, size=styles.size - 0.5)
    cells = [[platypus.Paragraph(_markup(name), head) for name in block.columns]]
    column_styles = [
        styles.make("cell", size=styles.size - 0.5, alignment=_ALIGN[align]) for align in aligns
    ]
    for row in block.rows:
        cells.append(
            [platypus.Paragraph(_markup(v), s) for v, s in zip(row, column_styles, strict=True)]
        )
    table = platypus.Table(cells, colWidths=widths, repeatRows=1)
    table.setStyle(
        [
            *_cell_font(styles),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
    )
    table.spaceBefore = table.spaceAfter = styles.size * 0.4
    return table


def _signatures(signatures: Sequence[Signature], styles: _Styles, width: float):
    """Signatures side by side; a single one sits on the right half, as on state papers."""
    columns = [_signature(signature, styles) for signature in signatures]
    if len(columns) == 1:
        columns.insert(0, [])
    table = platypus.Table([columns], colWidths=[width / len(columns)] * len(columns))
    table.setStyle(_cell_layout(styles))
    return platypus.KeepTogether([platypus.Spacer(1, styles.size), table])


def _signature(signature: Signature, styles: _Styles) -> list[platypus.Flowable]:
    note = _("(Ký, ghi rõ họ tên)") if signature.note is None else signature.note
    cell: list[platypus.Flowable] = [
        platypus.Paragraph(_markup(_upper(signature.title)), styles.centred(bold=True))
    ]
    if note:
        cell.append(platypus.Paragraph(_markup(note), styles.centred(italic=True)))
    cell.append(platypus.Spacer(1, 16 * mm))
    if signature.name:
        cell.append(platypus.Paragraph(_markup(signature.name), styles.centred(bold=True)))
    return cell


def _qr(qr: QRCode, styles: _Styles) -> platypus.Flowable:
    flowables: list[platypus.Flowable] = [
        platypus.Spacer(1, styles.size * 0.8),
        QRFlowable(qr.data, qr.size_mm * mm),
    ]
    if qr.caption:
        caption = styles.centred(size=styles.size - 1.5)
        flowables.append(platypus.Paragraph(_markup(qr.caption), caption))
    return platypus.KeepTogether(flowables)


def _footer(text: str, styles: _Styles) -> list[platypus.Flowable]:
    style = styles.make("footer", size=styles.size - 1.5, font=styles.fonts.italic)
    note = escape(nfc_keep_lines(text)).replace("\n", "<br/>")
    return [
        platypus.Spacer(1, styles.size),
        platypus.flowables.HRFlowable(width="100%", thickness=0.4, color=colors.black),
        platypus.Paragraph(note, style),
    ]


def _story(slip: Slip, styles: _Styles, width: float) -> list[platypus.Flowable]:
    story = [_header(slip, styles, width), *_title(slip, styles)]
    story += [_block(block, styles, width) for block in slip.body]
    if slip.signatures:
        story.append(_signatures(slip.signatures, styles, width))
    if slip.qr:
        story.append(_qr(slip.qr, styles))
    if slip.footer:
        story += _footer(slip.footer, styles)
    return story


def _page_number(names: Fonts, size: float):
    """Page numbers from page 2, centred in the top margin (Nghị định 30/2020)."""

    def draw(canvas, doc):
        canvas.saveState()
        canvas.setFont(names.regular, size)
        canvas.drawCentredString(
            doc.pagesize[0] / 2, doc.pagesize[1] - doc.topMargin / 2, str(doc.page)
        )
        canvas.restoreState()

    return draw


def render_slip(slip: Slip, *, invariant: bool = False) -> bytes:
    """The slip as PDF bytes. ``invariant`` fixes the dates and document id inside the file,
    so the same slip always gives the same bytes (tests, caching, signatures)."""
    if slip.page_size not in _PAGE_SIZES:
        raise ValueError(f"unknown page size {slip.page_size!r}: use one of {list(_PAGE_SIZES)}")
    names = fonts()
    styles = _Styles(slip.page_size, names)
    left, right, top, bottom = (value * mm for value in _MARGINS[slip.page_size])
    buffer = BytesIO()
    document = platypus.SimpleDocTemplate(
        buffer,
        pagesize=_PAGE_SIZES[slip.page_size],
        leftMargin=left, rightMargin=right, topMargin=top, bottomMargin=bottom,
        title=nfc(slip.title), author=nfc(slip.agency), subject=nfc(slip.subject),
        keywords=[nfc(word) for word in slip.keywords], creator="motcua",
        lang="vi", displayDocTitle=True, invariant=1 if invariant else 0,
        # Else reportlab starts each page in Helvetica and lists it among the page's fonts.
        initialFontName=names.regular, initialFontSize=styles.size,
    )  # fmt: skip
    numbering = _page_number(names, styles.size - 1)
    document.build(_story(slip, styles, document.width), onLaterPages=numbering)
    return buffer.getvalue()


def pdf_response(content: bytes, filename: str):
    """A PDF shown in the browser, never cached (slips carry personal data)."""
    from django.http import HttpResponse

    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
