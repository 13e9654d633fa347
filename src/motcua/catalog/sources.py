"""Readers for the bundled catalogue files: each yields plain records, nothing touches the DB.

National records (dichvucong.gov.vn) have tables flattened without separators; ``parsing``
turns them into rows. Defence records come with real tables. Provincial lists give a local
code and the online level of each procedure in that province.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from motcua.core.text import nfc, nfc_keep_lines

from . import parsing

NATIONAL_FILE = "catalog/national.jsonl.gz"
DEFENCE_FILE = "catalog/defence.jsonl.gz"
#: Provincial lists: file, province QCVN code, reader.
PROVINCIAL_FILES = {
    "H36": "catalog/province-H36-lamdong.csv",
    "H37": "catalog/province-H37-langson.csv",
}

#: Ministry of each folder of the national scrape, by the name used in data/agencies.
MINISTRY_BY_FOLDER = {
    "bo-cong-an": "Bộ Công an",
    "bo-tai-chinh": "Bộ Tài chính",
    "bo-tu-phap": "Bộ Tư pháp",
    "bo-xay-dung": "Bộ Xây dựng",
    "ngan-hang-nha-nuoc": "Ngân hàng Nhà nước Việt Nam",
    "bo-nong-nghiep-mt": "Bộ Nông nghiệp và Môi trường",
    "toa-an-nhan-dan": "Tòa án nhân dân tối cao",
}
DEFENCE_MINISTRY = "Bộ Quốc phòng"

CITIZEN_MARKERS = ("công dân", "người việt nam", "người nước ngoài", "cán bộ", "cá nhân")
BUSINESS_MARKERS = ("doanh nghiệp", "hợp tác xã", "tổ chức", "hộ kinh doanh", "htx")
LOCAL_AGENCY_MARKERS = (
    "sở ",
    "ủy ban nhân dân",
    "ubnd",
    "cấp tỉnh",
    "cấp xã",
    "cấp huyện",
    "công an tỉnh",
    "công an xã",
    "công an cấp",
    "phòng ",
    "chi cục",
    "trung tâm phục vụ",
)
_RESULT_TAIL = re.compile(r"Từ khóa.*$", re.DOTALL)


@dataclass(slots=True)
class ProcedureRecord:
    code: str
    name: str
    source: str
    ministry: str = ""
    field_name: str = ""
    levels: list[str] = field(default_factory=list)
    procedure_type: str = ""
    decision_number: str = ""
    subjects: str = ""
    implementing_agency: str = ""
    competent_authority: str = ""
    authorised_agency: str = ""
    coordinating_agency: str = ""
    receiving_address: str = ""
    steps: str = ""
    conditions: str = ""
    result_text: str = ""
    results: list[dict] = field(default_factory=list)
    related_procedures: str = ""
    channels: list[dict] = field(default_factory=list)
    documents: list[dict] = field(default_factory=list)
    legal_bases: list[dict] = field(default_factory=list)
    source_url: str = ""
    has_detail: bool = True
    #: Per structured field: (had source text, parsed) for the quality report.
    quality: dict[str, tuple[bool, bool]] = field(default_factory=dict)

    @property
    def for_citizens(self) -> bool:
        lowered = self.subjects.lower()
        return any(m in lowered for m in CITIZEN_MARKERS) or not self.subjects

    @property
    def for_businesses(self) -> bool:
        lowered = self.subjects.lower()
        return any(m in lowered for m in BUSINESS_MARKERS)

    def implementing_units(self) -> list[str]:
        """Central units named as implementing agencies (local ones are agency types)."""
        units = []
        for part in re.split(r"[;,]\s*", self.implementing_agency):
            name = nfc(part)
            if name and not any(m in name.lower() for m in LOCAL_AGENCY_MARKERS):
                units.append(name)
        return units

    def content(self) -> dict:
        data = asdict(self)
        data.pop("quality")
        return data


@dataclass(slots=True)
class ListingRecord:
    province: str  # QCVN code, H36
    row: int
    local_code: str
    national_code: str | None
    name: str
    field_name: str
    agency_text: str
    online_level_text: str
    decision_number: str = ""


@dataclass(slots=True)
class Skipped:
    source: str
    row: int
    code: str
    name: str
    reason: str


_NAME_LEAD = re.compile(r"^[\s.,;:\-–—•*+]+")


def name(value: str | None) -> str:
    """A procedure's name: NFC, one line, without the stray bullets some sources start with."""
    return _NAME_LEAD.sub("", nfc(value))


def text(value: str | None) -> str:
    value = nfc(value)
    return "" if parsing.is_placeholder(value) else value


def long_text(value: str | None) -> str:
    value = nfc_keep_lines(value)
    return "" if parsing.is_placeholder(value) else value


def _quality(result) -> tuple[bool, bool]:
    return (bool(result.had_text), bool(result.had_text and result.ok))


def _channel_quality(channels) -> dict[str, tuple[bool, bool]]:
    """Time counts as parsed when every value was read; a source that gives a bare number
    with no unit is reported apart ("processing_time_unit"), the unit left empty."""
    time = channels.time
    time_read = time.had_text and (time.ok or time.partial)
    return {
        "channels": (bool(channels.had_text), bool(channels.had_text and channels.ok)),
        "processing_time": (time.had_text, time_read),
        "processing_time_unit": (time.had_text, time.had_text and time.ok),
        "fee": (channels.fee.had_text, channels.fee.had_text and channels.fee.ok),
    }


def _fee_items(items) -> list[dict]:
    return [
        {
            "label": item.label,
            "amount": str(item.amount) if item.amount is not None else None,
            "currency": item.currency,
            "text": item.text,
        }
        for item in items
    ]


#: Text fields of a procedure, by the key each source file uses; long texts keep line breaks.
NATIONAL_KEYS = {
    "field_name": "linh_vuc",
    "procedure_type": "loai_thu_tuc",
    "decision_number": "so_quyet_dinh",
    "subjects": "doi_tuong_thuc_hien",
    "implementing_agency": "co_quan_thuc_hien",
    "competent_authority": "co_quan_co_tham_quyen",
    "authorised_agency": "co_quan_duoc_uy_quyen",
    "coordinating_agency": "co_quan_phoi_hop",
    "receiving_address": "dia_chi_tiep_nhan",
    "related_procedures": "thu_tuc_lien_quan",
}
DEFENCE_KEYS = {
    "field_name": "lĩnh_vực",
    "procedure_type": "loại_thủ_tục",
    "decision_number": "số_quyết_định",
    "subjects": "đối_tượng_thực_hiện",
    "implementing_agency": "cơ_quan_thực_hiện",
    "competent_authority": "cơ_quan_có_thẩm_quyền",
    "authorised_agency": "cơ_quan_được_ủy_quyền",
    "coordinating_agency": "cơ_quan_phối_hợp",
    "receiving_address": "địa_chỉ_tiếp_nhận_hs",
}
LONG_TEXTS = {"steps", "conditions", "result_text"}


def _texts(raw: dict, keys: dict[str, str]) -> dict[str, str]:
    return {
        name: (long_text if name in LONG_TEXTS else text)(raw.get(key))
        for name, key in keys.items()
    }


def _channel(row: parsing.ChannelRow) -> dict:
    return {
        "channel": str(row.channel),
        "channel_label": nfc(row.channel_label),
        "time_value": str(row.time_value) if row.time_value is not None else None,
        "time_unit": str(row.time_unit) if row.time_unit else "",
        "time_text": nfc(row.time_text),
        "fee_kind": str(row.fee_kind),
        "fee_amount": row.fee_amount,
        "fee_items": _fee_items(row.fee_items),
        "fee_text": nfc(row.fee_text),
        "description": nfc(row.description),
    }


def _document(row: parsing.DocumentRow) -> dict:
    return {
        "group": nfc(row.group),
        "name": nfc(row.name),
        "template": nfc(row.template),
        "original_count": row.original_count,
        "copy_count": row.copy_count,
        "quantity_text": nfc(row.quantity_text),
    }


def read_national(data_dir: Path) -> Iterator[ProcedureRecord]:
    with gzip.open(data_dir / NATIONAL_FILE, "rt", encoding="utf-8") as handle:
        for line in handle:
            raw = json.loads(line)
            folder = raw.get("_source_path", "").split("/")[-2:-1]
            channels = parsing.parse_channels(nfc(raw.get("cach_thuc_thuc_hien")))
            documents = parsing.parse_documents(nfc(raw.get("thanh_phan_ho_so")))
            legal = parsing.parse_legal_basis(nfc(raw.get("can_cu_phap_ly")))
            results = parsing.parse_results(nfc(raw.get("ket_qua_xu_ly")))
            record = ProcedureRecord(
                code=nfc(raw["ma_thu_tuc"]),
                name=name(raw["ten_thu_tuc"]),
                source="national",
                ministry=MINISTRY_BY_FOLDER.get(folder[0] if folder else "", ""),
                levels=parsing.parse_levels(nfc(raw.get("cap_thuc_hien"))),
                steps=long_text(raw.get("trinh_tu_thuc_hien")),
                conditions=long_text(raw.get("yeu_cau_dieu_kien")),
                result_text=long_text(_RESULT_TAIL.sub("", raw.get("ket_qua_xu_ly") or "")),
                results=[{"name": nfc(r.name), "code": nfc(r.code)} for r in results.rows],
                channels=[_channel(r) for r in channels.rows],
                documents=[_document(r) for r in documents.rows],
                legal_bases=[
                    {
                        "title": nfc(r.title),
                        "number": nfc(r.number),
                        "issued_on": None,
                        "issuer": "",
                    }
                    for r in legal.rows
                ],
                source_url=raw.get("detail_url", ""),
                **_texts(raw, NATIONAL_KEYS),
            )
            record.quality = {
                **_channel_quality(channels),
                "documents": _quality(documents),
                "legal_basis": _quality(legal),
                "results": _quality(results),
                "levels": (bool(text(raw.get("cap_thuc_hien"))), bool(record.levels)),
                "field": (bool(record.field_name), bool(record.field_name)),
            }
            yield record


def _defence_date(value: str) -> str | None:
    match = re.search(r"(\d{1,2})/(\d{1,2})/(\d{4})", value or "")
    if not match:
        return None
    day, month, year = (int(x) for x in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _defence_channel(row: dict) -> parsing.ChannelRow:
    return parsing.channel_row(
        nfc(row.get("hinh_thuc")),
        nfc(row.get("thoi_han_giai_quyet")),
        nfc(row.get("phi_le_phi")),
        nfc(row.get("mo_ta")),
    )


def _defence_document(row: dict) -> parsing.DocumentRow:
    quantity = nfc(row.get("ghi_chu"))
    originals, copies, template = parsing.parse_defence_quantity(nfc(row.get("so_luong")), quantity)
    return parsing.DocumentRow(
        group="",
        name=nfc(row.get("ten_giay_to")),
        template=template,
        original_count=originals,
        copy_count=copies,
        quantity_text=quantity,
    )


def _share(rows: list, had, ok) -> tuple[bool, bool]:
    """(had text, parsed) over table rows: parsed when every row with text was read."""
    with_text = [row for row in rows if had(row)]
    return bool(with_text), bool(with_text) and all(ok(row) for row in with_text)


def read_defence(data_dir: Path) -> Iterator[ProcedureRecord]:
    with gzip.open(data_dir / DEFENCE_FILE, "rt", encoding="utf-8") as handle:
        for line in handle:
            raw = json.loads(line)
            meta, content, tables = raw["metadata"], raw["content"], raw.get("tables", {})
            channels = [_defence_channel(row) for row in tables.get("hinh_thuc_nop", [])]
            documents = [_defence_document(row) for row in tables.get("thanh_phan_ho_so", [])]
            legal = [
                {
                    "title": nfc(row.get("trich_yeu")) or nfc(row.get("so_ky_hieu")),
                    "number": nfc(row.get("so_ky_hieu")),
                    "issued_on": _defence_date(row.get("ngay_ban_hanh", "")),
                    "issuer": nfc(row.get("co_quan_ban_hanh")),
                }
                for row in tables.get("can_cu_phap_ly", [])
            ]
            result = text(content.get("kết_quả_thực_hiện"))
            record = ProcedureRecord(
                code=nfc(meta["mã_thủ_tục"]),
                name=name(meta["tên_thủ_tục"]),
                source="defence",
                ministry=DEFENCE_MINISTRY,
                levels=parsing.parse_levels(nfc(meta.get("cấp_thực_hiện"))),
                steps=long_text(content.get("trình_tự_thực_hiện")),
                conditions=long_text(content.get("yêu_cầu_điều_kiện_thực_hiện")),
                result_text=long_text(content.get("kết_quả_thực_hiện")),
                results=[{"name": result, "code": ""}] if result else [],
                channels=[_channel(row) for row in channels],
                documents=[_document(row) for row in documents],
                legal_bases=legal,
                **_texts({**meta, **content}, DEFENCE_KEYS),
            )
            timed = _share(
                channels, lambda r: not parsing.is_placeholder(r.time_text), lambda r: r.time_unit
            )
            record.quality = {
                "channels": (bool(channels), bool(channels)),
                "processing_time": timed,
                "processing_time_unit": timed,
                "fee": _share(
                    channels,
                    lambda r: not parsing.is_placeholder(r.fee_text),
                    lambda r: r.fee_kind != "unknown",
                ),
                "documents": _share(documents, lambda r: True, lambda r: bool(r.name)),
                "legal_basis": (bool(legal), bool(legal)),
                "levels": (True, bool(record.levels)),
                "field": (bool(record.field_name), bool(record.field_name)),
            }
            yield record


_NATIONAL_CODE = re.compile(r"^(\d)\.?(\d{6})(?:\.|$)")
_TEST_ROW = re.compile(r"\btest\b", re.IGNORECASE)


def national_code(local_code: str) -> str | None:
    """``1.003695.000.00.00.H36`` → ``1.003695``; ``2000027.000.00.00.H37`` → ``2.000027``."""
    match = _NATIONAL_CODE.match(local_code)
    return f"{match.group(1)}.{match.group(2)}" if match else None


def read_provincial(data_dir: Path, province: str) -> tuple[list[ListingRecord], list[Skipped]]:
    path = data_dir / PROVINCIAL_FILES[province]
    listings: list[ListingRecord] = []
    skipped: list[Skipped] = []
    seen: dict[tuple[str, str], ListingRecord] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row_number, row in enumerate(csv.DictReader(handle), start=2):
            if "ma_tthc" in row:  # Lạng Sơn export
                code, title = nfc(row["ma_tthc"]), name(row["ten_tthc"])
                field_name, agency, level = nfc(row["linh_vuc"]), "", nfc(row["muc_do_dvc"])
                decision = nfc(row.get("quyet_dinh"))
            else:  # Lâm Đồng list
                code, title = nfc(row["code"]), name(row["name"])
                field_name, agency, level = nfc(row["field"]), nfc(row["org"]), nfc(row["level"])
                decision = ""
            source = PROVINCIAL_FILES[province]
            if not code or not title:
                skipped.append(Skipped(source, row_number, code, title, "thiếu mã hoặc tên"))
                continue
            if _TEST_ROW.search(title) or _TEST_ROW.search(code.replace("_", " ")):
                skipped.append(Skipped(source, row_number, code, title, "dòng thử nghiệm"))
                continue
            key = (code, agency)
            if key in seen:
                reason = "trùng mã" if seen[key].name == title else "trùng mã, khác tên"
                skipped.append(Skipped(source, row_number, code, title, reason))
                continue
            record = ListingRecord(
                province=province,
                row=row_number,
                local_code=code,
                national_code=national_code(code),
                name=title,
                field_name=field_name,
                agency_text=agency,
                online_level_text=level,
                decision_number=decision,
            )
            seen[key] = record
            listings.append(record)
    return listings, skipped


ONLINE_LEVELS = {
    "toàn trình": "full",
    "mức độ 4": "full",
    "một phần": "partial",
    "mức độ 3": "partial",
    "còn lại": "none",
    "mức độ 2": "none",
    "mức độ 1": "none",
}


def online_level(text_value: str) -> str:
    return ONLINE_LEVELS.get(nfc(text_value).lower(), "unknown")


def listing_levels(agency_text: str) -> list[str]:
    """Level from a pre-reform provincial agency label (district work went to communes)."""
    lowered = agency_text.lower()
    levels = []
    if "sở" in lowered or "tỉnh" in lowered or "ban quản lý" in lowered:
        levels.append("province")
    if "huyện" in lowered or "xã" in lowered:
        levels.append("commune")
    return levels
