"""PDF slips: Vietnamese text survives the round trip, fonts are embedded, A5, QR, pages.

No database: these tests only draw PDFs and read them back with pypdf.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
import segno
from pypdf import PdfReader
from pypdf.generic import ContentStream
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics

from motcua.core import pdf
from motcua.core.pdf import (
    Field,
    FontsMissingError,
    QRCode,
    Signature,
    Slip,
    Table,
    Text,
    format_datetime_vi,
    format_money,
    qr_matrix,
    qr_runs,
    render_slip,
    vietnamese_date_line,
)

AGENCY = "Ủy ban nhân dân phường Đà Lạt"
TITLE = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
APPLICANT = "Nguyễn Thị Hồng Nhung"
CLERK = "Trần Văn Bình"
CODE = "000.00.50.H36-261201-0001"
URL = f"https://dichvucong.lamdong.gov.vn/tra-cuu/{CODE}"
ADDRESS = (
    "Số 12 đường Trần Hưng Đạo, tổ dân phố 3, phường Đà Lạt, tỉnh Lâm Đồng; nơi ở hiện tại: "
    "số 45 đường Nguyễn Trãi, khu phố Hòa Bình, phường Xuân Hương, tỉnh Lâm Đồng"
)
DOCUMENTS = [
    (1, "Tờ khai đăng ký khai sinh", 1),
    (2, "Giấy chứng sinh do cơ sở y tế cấp", "1 bản chính"),
    (3, "Giấy xác nhận tình trạng hôn nhân của cha mẹ", "1 bản sao"),
]


def receipt(**changes) -> Slip:
    """Slip 01 as the desk would issue it."""
    values = {
        "agency": AGENCY,
        "parent_agency": "Ủy ban nhân dân tỉnh Lâm Đồng",
        "number": "Số: 0001/TNHS",
        "title": TITLE,
        "subtitle": f"Mã hồ sơ: {CODE}",
        "place": "Lâm Đồng",
        "date": date(2026, 12, 1),
        "body": [
            Field("Họ và tên", APPLICANT),
            Field("Địa chỉ", ADDRESS),
            Field("Thủ tục", "Đăng ký khai sinh"),
            Text("Bộ phận Một cửa đã tiếp nhận các giấy tờ sau:"),
            Table(
                ["STT", "Tên giấy tờ", "Số bản"],
                DOCUMENTS,
                widths=(1, 7, 2),
                align=("center", "left", "center"),
            ),
            Field("Ngày hẹn trả kết quả", "14 giờ 30 phút, ngày 03/12/2026"),
            Field("Lệ phí", format_money(1200000)),
        ],
        "signatures": [
            Signature("Người nộp hồ sơ", APPLICANT),
            Signature("Người tiếp nhận", CLERK),
        ],
        "qr": QRCode(URL, "Quét mã để tra cứu hồ sơ"),
        "footer": "Phiếu được tạo bởi hệ thống motcua; tra cứu hồ sơ bằng mã hồ sơ.",
    }
    return Slip(**(values | changes))


def read(data: bytes) -> PdfReader:
    return PdfReader(BytesIO(data))


def words(reader: PdfReader) -> str:
    """All the text, whitespace collapsed: a value wrapped over lines reads as one again."""
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture(scope="module")
def receipt_pdf() -> bytes:
    return render_slip(receipt(), invariant=True)


# --- Text -----------------------------------------------------------------------------------


def test_every_vietnamese_string_extracts_back_intact(receipt_pdf):
    text = words(read(receipt_pdf))
    expected = [
        "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG",
        "ỦY BAN NHÂN DÂN PHƯỜNG ĐÀ LẠT",
        "Số: 0001/TNHS",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Lâm Đồng, ngày 01 tháng 12 năm 2026",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        f"Mã hồ sơ: {CODE}",
        f"Họ và tên: {APPLICANT}",
        f"Địa chỉ: {ADDRESS}",
        "Bộ phận Một cửa đã tiếp nhận các giấy tờ sau:",
        "Tên giấy tờ",
        "Số bản",
        "Giấy xác nhận tình trạng hôn nhân của cha mẹ",
        "1 bản chính",
        "Ngày hẹn trả kết quả: 14 giờ 30 phút, ngày 03/12/2026",
        "Lệ phí: 1.200.000 đ",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN",
        "(Ký, ghi rõ họ tên)",
        CLERK,
        "Quét mã để tra cứu hồ sơ",
        "Phiếu được tạo bởi hệ thống motcua; tra cứu hồ sơ bằng mã hồ sơ.",
    ]
    assert [item for item in expected if item not in text] == []
    assert text.count(APPLICANT) == 2  # the name row and under the applicant's signature
    assert unicodedata.is_normalized("NFC", text)


def test_a_long_value_wraps_and_reads_back_whole(receipt_pdf):
    raw = "".join(page.extract_text() for page in read(receipt_pdf).pages)
    assert ADDRESS not in raw  # it did wrap onto several lines
    assert f"Địa chỉ: {ADDRESS}" in words(read(receipt_pdf))


def test_decomposed_input_is_drawn_and_extracted_as_precomposed_letters():
    decomposed = unicodedata.normalize("NFD", APPLICANT)
    assert decomposed != APPLICANT
    data = render_slip(receipt(body=[Field("Họ và tên", decomposed)], signatures=[]))
    assert f"Họ và tên: {APPLICANT}" in words(read(data))


def test_markup_characters_in_values_are_printed_not_interpreted():
    data = render_slip(receipt(body=[Field("Ghi chú", "Công ty A & B <b>không</b> in đậm")]))
    assert "Ghi chú: Công ty A & B <b>không</b> in đậm" in words(read(data))


def test_metadata_names_the_slip_the_agency_and_motcua(receipt_pdf):
    reader = read(receipt_pdf)
    assert reader.metadata.title == TITLE
    assert reader.metadata.author == AGENCY
    assert reader.metadata.creator == "motcua"
    assert reader.trailer["/Root"]["/Lang"] == "vi"


# --- Fonts and paper ------------------------------------------------------------------------


def test_only_embedded_dejavu_fonts_are_used(receipt_pdf):
    reader = read(receipt_pdf)
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            names.add(re.sub(r"^/[A-Z]{6}\+", "", font["/BaseFont"]))
            assert font["/Subtype"] == "/TrueType"
            assert "/FontFile2" in font["/FontDescriptor"]  # the font program is in the file
            assert "/ToUnicode" in font  # what makes text extraction and search work
    assert names == {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"}
    assert b"Helvetica" not in receipt_pdf


def test_the_font_has_every_vietnamese_letter():
    vowels = "aăâeêioôơuưy"
    tones = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]
    letters = {unicodedata.normalize("NFC", v + t) for v in vowels for t in tones} | {"đ"}
    letters |= {letter.upper() for letter in letters}
    assert len(letters) == 2 * (12 * 6 + 1)
    for name in pdf.fonts():
        glyphs = pdfmetrics.getFont(name).face.charToGlyph
        assert sorted(letter for letter in letters if ord(letter) not in glyphs) == [], name


def test_missing_fonts_name_the_debian_package(settings, tmp_path):
    settings.MOTCUA_PDF_FONT_DIR = str(tmp_path)
    with pytest.raises(FontsMissingError, match="fonts-dejavu-core"):
        render_slip(receipt())


def test_a5_portrait_is_the_default(receipt_pdf):
    box = read(receipt_pdf).pages[0].mediabox
    assert float(box.width) == pytest.approx(419.53, abs=1)
    assert float(box.height) == pytest.approx(595.28, abs=1)


def test_a4_on_request():
    box = read(render_slip(receipt(page_size="A4"))).pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((595.28, 841.89), abs=1)


def test_a4_landscape_on_request():
    box = read(render_slip(receipt(page_size="A4-landscape"))).pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((841.89, 595.28), abs=1)


def test_unknown_paper_is_refused():
    with pytest.raises(ValueError, match="A3"):
        render_slip(receipt(page_size="A3"))


# --- QR code --------------------------------------------------------------------------------


def drawn_modules(data: bytes) -> tuple[set[tuple[int, int]], list[list[float]]]:
    """The dark QR modules as (row, column), read back from the rectangles in the page."""
    page = read(data).pages[0]
    operations = ContentStream(page.get_contents(), page.pdf).operations
    rectangles = [[float(v) for v in operands] for operands, op in operations if op == b"re"]
    scales = [[float(v) for v in operands] for operands, op in operations if op == b"cm"]
    side = len(segno.make_qr(URL, error="m").matrix)
    top = side + pdf.QR_QUIET_ZONE
    modules = set()
    for x, y, width, height in rectangles:
        assert height == 1
        row = top - int(y) - 1
        start = int(x) - pdf.QR_QUIET_ZONE
        modules |= {(row, column) for column in range(start, start + int(width))}
    return modules, scales


def test_the_drawn_qr_is_segnos_matrix_for_the_url():
    data = render_slip(Slip(agency=AGENCY, title=TITLE, qr=QRCode(URL, "Quét mã để tra cứu")))
    modules, scales = drawn_modules(data)
    code = segno.make_qr(URL, error="m")
    expected = {(r, c) for r, row in enumerate(code.matrix) for c, dark in enumerate(row) if dark}
    assert modules == expected
    module = 22 * mm / (len(code.matrix) + 2 * pdf.QR_QUIET_ZONE)  # the default 22 mm wide
    assert any(s[:4] == pytest.approx([module, 0, 0, module], abs=1e-4) for s in scales)
    assert "Quét mã để tra cứu" in words(read(data))


def test_qr_runs_cover_exactly_the_dark_modules():
    matrix = qr_matrix(URL)
    runs = qr_runs(matrix)
    covered = {(row, col) for row, start, length in runs for col in range(start, start + length)}
    dark = {(r, c) for r, row in enumerate(matrix) for c, value in enumerate(row) if value}
    assert covered == dark
    assert len(runs) < len(dark)  # runs, not one square per module


def test_short_data_still_gives_a_full_qr_code_not_a_micro_one():
    assert len(qr_matrix("1")) == 21  # version 1; a Micro QR would be 11 to 17 modules wide


# --- Pages and determinism ------------------------------------------------------------------


def test_long_content_flows_onto_more_pages_with_the_table_header_repeated():
    rows = [(n, f"Giấy tờ số {n}: bản sao có chứng thực giấy chứng nhận", 1) for n in range(1, 61)]
    slip = receipt(body=[Table(["STT", "Tên giấy tờ", "Số bản"], rows, widths=(1, 7, 2))])
    reader = read(render_slip(slip))
    assert len(reader.pages) >= 2
    second = reader.pages[1].extract_text()
    assert "Tên giấy tờ" in second  # header row repeated
    assert second.split()[0] == "2"  # page number at the top from page 2
    assert "Giấy tờ số 60: bản sao có chứng thực giấy chứng nhận" in words(reader)
    assert "Trần Văn Bình" in reader.pages[-1].extract_text()


def test_invariant_output_is_the_same_bytes_every_time(receipt_pdf):
    assert render_slip(receipt(), invariant=True) == receipt_pdf
    assert read(receipt_pdf).metadata["/CreationDate"].startswith("D:2000")


def test_a_table_row_of_the_wrong_width_is_refused():
    with pytest.raises(ValueError, match="3 columns"):
        render_slip(receipt(body=[Table(["STT", "Tên giấy tờ", "Số bản"], [(1, "Tờ khai")])]))


# --- Dates and money ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "line"),
    [
        (date(2026, 12, 1), "Đà Lạt, ngày 01 tháng 12 năm 2026"),
        (date(2026, 2, 5), "Đà Lạt, ngày 05 tháng 02 năm 2026"),  # months 1, 2 padded
        (date(2026, 3, 9), "Đà Lạt, ngày 09 tháng 3 năm 2026"),  # from March, not
        (date(2026, 11, 20), "Đà Lạt, ngày 20 tháng 11 năm 2026"),
    ],
)
def test_vietnamese_date_line(day, line):
    assert vietnamese_date_line("Đà Lạt", day) == line


def test_date_line_of_an_aware_datetime_uses_the_vietnam_date():
    late_utc = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)  # 01:00 on 1 December in Vietnam
    assert vietnamese_date_line("Lâm Đồng", late_utc) == "Lâm Đồng, ngày 01 tháng 12 năm 2026"


def test_date_line_without_a_place_starts_with_a_capital():
    assert vietnamese_date_line("", date(2026, 12, 1)) == "Ngày 01 tháng 12 năm 2026"


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime(2026, 12, 3, 7, 30, tzinfo=UTC), "14 giờ 30 phút, ngày 03/12/2026"),
        (datetime(2026, 12, 2, 17, 5, tzinfo=UTC), "00 giờ 05 phút, ngày 03/12/2026"),
        (datetime(2026, 3, 4, 8, 5), "08 giờ 05 phút, ngày 04/03/2026"),  # naive: Vietnam time
    ],
)
def test_format_datetime_vi(moment, text):
    assert format_datetime_vi(moment) == text


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (1200000, "1.200.000 đ"),
        (0, "0 đ"),
        (999, "999 đ"),
        (1000, "1.000 đ"),
        (Decimal("50000.00"), "50.000 đ"),
        (-25000, "-25.000 đ"),
    ],
)
def test_format_money(amount, text):
    assert format_money(amount) == text


def test_format_money_refuses_fractions_of_a_dong():
    with pytest.raises(ValueError, match="đồng"):
        format_money(Decimal("1500.5"))
