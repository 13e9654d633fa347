"""Deterministic generator of the synthetic citizens. Everything here is FAKE.

The records look like real ones (Vietnamese names, the 12-digit personal identification number
with its legacy structure, real post-2025 communes) but are drawn from a seeded RNG: the same
list comes out on every machine and every run, so ``sub`` values are stable.

Personal identification number (số định danh cá nhân, 12 digits)::

    PPP  G  YY  NNNNNN
    |    |  |   +-- 6 random digits
    |    |  +------ last two digits of the birth year
    |    +--------- century and sex: 0/1 male/female born 1900-1999, 2/3 born 2000-2099
    +-------------- province of birth, legacy code 001-096
"""

from __future__ import annotations

import csv
import gzip
import random
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

SEED = 20250701
COUNT = 64
# The namespace of the `sub` values: sub = uuid5(SUB_NAMESPACE, pid).
SUB_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:motcua:eid-demo:citizen")

# Province codes before the July 2025 reform: the birth-province part of the number.
LEGACY_PROVINCE_CODES = (
    "01", "02", "04", "06", "08", "10", "11", "12", "14", "15", "17", "19", "20", "22", "24",
    "25", "26", "27", "30", "31", "33", "34", "35", "36", "37", "38", "40", "42", "44", "45",
    "46", "48", "49", "51", "52", "54", "56", "58", "60", "62", "64", "66", "67", "68", "70",
    "72", "74", "75", "77", "79", "80", "82", "83", "84", "86", "87", "89", "91", "92", "93",
    "94", "95", "96",
)  # fmt: skip

# (family name, weight ~ share of the population in %)
FAMILY_NAMES = [
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Hoàng", 5),
    ("Huỳnh", 3),
    ("Phan", 4),
    ("Vũ", 4),
    ("Võ", 3),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 1.5),
    ("Hồ", 1.5),
    ("Ngô", 1.3),
    ("Dương", 1),
    ("Lý", 0.6),
    ("Đinh", 0.8),
    ("Trương", 0.8),
    ("Mai", 0.5),
    ("Lương", 0.4),
]
MIDDLE_NAMES = {
    "male": ["Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Thành", "Xuân", "Đình", "Ngọc"],
    "female": ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Phương", "Hồng", "Kim"],
}
GIVEN_NAMES = {
    "male": [
        "Hùng", "Dũng", "Minh", "Tuấn", "Nam", "Long", "Phong", "Khoa", "Huy", "Sơn", "Thắng",
        "Quân", "Bảo", "Đạt", "Hiếu", "Trung", "Hải", "Cường", "Phúc", "Khánh", "Lâm", "Tùng",
        "Vinh", "An", "Tài", "Lộc", "Thịnh", "Hoàng",
    ],
    "female": [
        "Lan", "Hương", "Mai", "Linh", "Trang", "Hoa", "Thảo", "Ngọc", "Hạnh", "Yến", "Nhung",
        "Thủy", "Hà", "Vy", "Anh", "Châu", "Quyên", "Diệp", "Uyên", "Nga", "Hằng", "Loan",
        "Tâm", "My", "Huyền", "Oanh",
    ],
}  # fmt: skip
STREETS = [
    "Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Hai Bà Trưng", "Quang Trung", "Lý Thường Kiệt",
    "Hùng Vương", "Phan Chu Trinh", "Nguyễn Huệ", "Điện Biên Phủ", "Lê Duẩn", "Nguyễn Du",
    "Bà Triệu", "Trần Phú", "Lê Hồng Phong", "Phan Đình Phùng", "Ngô Quyền", "Võ Thị Sáu",
    "Nguyễn Văn Cừ", "Hoàng Diệu", "Yersin", "Bạch Đằng", "Chu Văn An", "Tô Hiến Thành",
]  # fmt: skip
HAMLETS = [
    "Thôn 1", "Thôn 2", "Thôn 3", "Thôn 5", "Đông", "Tây", "Tân Lập", "Phú Mỹ", "An Hòa",
    "Hòa Bình", "Thượng", "Hạ", "Trung", "Bình An", "Tân Tiến", "Đoàn Kết", "Phú Lộc",
]  # fmt: skip
PHONE_PREFIXES = (
    "032", "033", "034", "035", "036", "037", "038", "039", "056", "058", "059", "070", "076",
    "077", "078", "079", "081", "082", "083", "084", "085", "086", "088", "089", "090", "091",
    "093", "094", "096", "097", "098", "099",
)  # fmt: skip

# Citizens forced into these provinces (index -> provinceCode), so that both have at least 3.
FORCED_PROVINCES = {3: "68", 11: "68", 27: "68", 5: "20", 19: "20", 41: "20"}


@dataclass(frozen=True)
class Ward:
    province_code: str
    province: str
    ward_code: str
    ward: str
    ward_type: str


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case, accent-free form used by the login page search."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def sub_for(pid: str) -> uuid.UUID:
    return uuid.uuid5(SUB_NAMESPACE, pid)


def load_wards(path: Path) -> list[Ward]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        wards = [
            Ward(
                province_code=row["provinceCode"],
                province=nfc(row["province"]),
                ward_code=row["wardCode"],
                ward=nfc(row["ward"]),
                ward_type=row["wardType"],
            )
            for row in csv.DictReader(fh)
        ]
    return sorted(wards, key=lambda w: w.ward_code)


def _birthdate(rng: random.Random, index: int) -> date:
    if index == 0:
        return date(1986, 4, 17)  # the first citizen is an adult: tests use it
    # A few minors (every ninth citizen), adults otherwise.
    year = rng.randint(2009, 2020) if index % 9 == 4 else rng.randint(1940, 2007)
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    return date(year, month, day)


def _address(rng: random.Random, ward: Ward) -> str:
    number = rng.randint(1, 320)
    if ward.ward_type == "Phường":
        street = f"đường {rng.choice(STREETS)}"
    else:
        hamlet = rng.choice(HAMLETS)
        street = hamlet if hamlet.startswith("Thôn") else f"thôn {hamlet}"
    return nfc(f"Số {number}, {street}, {ward.ward}, {ward.province}")


def generate(wards_csv: Path, count: int = COUNT) -> list[dict]:
    """The synthetic citizens, in a stable order (the first one is a level-2 adult)."""
    rng = random.Random(SEED)  # noqa: S311 - reproducible fake data, not security
    wards = load_wards(wards_csv)
    by_province: dict[str, list[Ward]] = {}
    for ward in wards:
        by_province.setdefault(ward.province_code, []).append(ward)

    family_names = [name for name, _ in FAMILY_NAMES]
    family_weights = [weight for _, weight in FAMILY_NAMES]
    pids: set[str] = set()
    old_ids: set[str] = set()
    names: set[str] = set()
    people = []
    for index in range(count):
        gender = "male" if rng.random() < 0.5 else "female"
        while True:  # unique names, so that every "Đăng nhập với …" button is distinct
            family = rng.choices(family_names, family_weights)[0]
            middle = rng.choice(MIDDLE_NAMES[gender])
            given = rng.choice(GIVEN_NAMES[gender])
            full_name = nfc(f"{family} {middle} {given}")
            if full_name not in names:
                names.add(full_name)
                break
        birthdate = _birthdate(rng, index)

        forced = FORCED_PROVINCES.get(index)
        ward = rng.choice(by_province[forced]) if forced else rng.choice(wards)

        if rng.random() < 0.6:
            birth_province = ward.province_code  # born where they live (codes were kept)
        else:
            birth_province = rng.choice(LEGACY_PROVINCE_CODES)
        century = 0 if birthdate.year < 2000 else 2
        sex_digit = century + (0 if gender == "male" else 1)
        while True:
            serial = rng.randrange(10**6)
            pid = f"0{birth_province}{sex_digit}{birthdate.year % 100:02d}{serial:06d}"
            if pid not in pids:
                pids.add(pid)
                break

        old_id = ""
        if birthdate.year <= 1995 and rng.random() < 0.15:
            while True:
                old_id = f"{rng.randint(1, 38):02d}{rng.randrange(10**7):07d}"
                if old_id not in old_ids:
                    old_ids.add(old_id)
                    break

        level = 2 if index == 0 or rng.random() >= 0.2 else 1
        phone = f"{rng.choice(PHONE_PREFIXES)}{rng.randrange(10**7):07d}"
        people.append(
            {
                "sub": sub_for(pid),
                "pid": pid,
                "old_id": old_id,
                "tax_code": pid,  # since 2025 the personal number is the tax code
                "family_name": nfc(family),
                "middle_name": nfc(middle),
                "given_name": nfc(given),
                "full_name": full_name,
                "gender": gender,
                "birthdate": birthdate,
                "phone_number": phone,
                "address": _address(rng, ward),
                "commune_code": ward.ward_code,
                "commune_name": ward.ward,
                "province_code": ward.province_code,
                "province_name": ward.province,
                "level": level,
            }
        )
    return people


def seed(wards_csv: Path) -> tuple[int, int, int]:
    """Create or update the synthetic citizens, and drop any the generator no longer makes
    (idempotent). Returns (created, updated, removed)."""
    from django.db import transaction

    from motcua_eid.models import Citizen

    created = updated = 0
    people = generate(wards_csv)
    with transaction.atomic():
        removed, _ = Citizen.objects.exclude(pid__in=[p["pid"] for p in people]).delete()
        for person in people:
            fields = dict(person)
            pid = fields.pop("pid")
            _, was_created = Citizen.objects.update_or_create(pid=pid, defaults=fields)
            created += was_created
            updated += not was_created
    return created, updated, removed
