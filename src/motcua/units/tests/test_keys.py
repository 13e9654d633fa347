"""Matching keys: they must reproduce the keys of converter_2025.json (no database needed)."""

from __future__ import annotations

import unicodedata

import pytest
from django.conf import settings

from motcua.units.importers import read_csv, read_json
from motcua.units.keys import converter_key, converter_key_marked, name_key

UNITS = settings.DATA_DIR / "units-2025"


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Thành phố Hà Nội", "thanhphohanoi"),
        ("Phường Ba Đình", "phuongbadinh"),
        ("Tỉnh Bà Rịa - Vũng Tàu", "tinhbariavungtau"),
        ("Xã Ea H'Leo", "xaeahleo"),
        ("Phường 3", "phuong3"),
        ("Đặc khu Côn Đảo", "dackhucondao"),
    ],
)
def test_converter_key_drops_diacritics_spaces_and_punctuation(name, key):
    assert converter_key(name) == key


def test_converter_key_is_the_same_for_decomposed_input():
    assert converter_key(unicodedata.normalize("NFD", "Phường Ba Đình")) == "phuongbadinh"


def test_marked_key_keeps_vietnamese_letters_for_ambiguous_names():
    assert converter_key_marked("Xã Cẩm Giàng") == "xãcẩmgiàng"


def test_name_key_ignores_case_diacritics_and_punctuation():
    assert name_key("Bộ Tài chính") == name_key("BỘ TÀI CHÍNH") == name_key("bo-tai-chinh")
    assert name_key("Sở Văn hóa, Thể thao  và Du lịch") == "so van hoa the thao va du lich"


def test_converter_keys_are_reproduced_from_the_csv_names():
    provinces = read_csv(UNITS / "provinces_2025.csv")
    legacy = read_csv(UNITS / "wards_legacy_pre2025.csv.gz")
    wards = read_csv(UNITS / "wards_2025.csv.gz")
    converter = read_json(UNITS / "converter_2025.json.gz")

    assert {converter_key(row["province"]) for row in provinces} == set(converter["DICT_PROVINCE"])
    old_provinces = {key for keys in converter["DICT_PROVINCE"].values() for key in keys}
    assert {converter_key(row["province"]) for row in legacy} == old_provinces

    ward_keys = {converter_key(row["ward"]) for row in wards}
    ward_keys |= {converter_key_marked(row["ward"]) for row in wards}
    converter_ward_keys = {
        key for mapping in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].values() for key in mapping
    }
    assert converter_ward_keys <= ward_keys
