"""The real import of units and agencies, run once for the module, and the look-up helpers."""

from __future__ import annotations

import io
import unicodedata

import pytest
from django.core.management import call_command

from motcua.units.importers import commune_committee_code, import_agencies, import_units, read_csv
from motcua.units.models import (
    Agency,
    Commune,
    CommuneSuccession,
    LegacyCommune,
    LegacyProvince,
    Province,
)
from motcua.units.services import (
    ensure_ministry_unit,
    find_ministry,
    find_province,
    ministry_for_source,
    ministry_unit_code,
    province_committee,
    split_ministry_suffix,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def imported(django_db_setup, django_db_blocker):
    """The real data, imported once for the whole test session (see conftest.py); importing it
    again here must find every row already there."""
    with django_db_blocker.unblock():
        units = import_units()
        agencies = import_agencies()
        codes = dict(Agency.objects.values_list("code", "name"))
        yield {"units": units, "agencies": agencies, "codes": codes}


@pytest.fixture
def departments(settings):
    return read_csv(settings.DATA_DIR / "agencies" / "province_departments.csv")


# --------------------------------------------------------------------------- units


def test_real_import_creates_every_unit_of_the_2025_reform(imported):
    assert Province.objects.count() == 34
    assert Commune.objects.count() == 3321
    assert LegacyProvince.objects.count() == 63
    assert LegacyCommune.objects.count() == 10040
    communes = imported["units"].count("communes")
    assert communes.created + communes.unchanged + communes.updated == 3321


def test_commune_kinds_follow_the_ward_type(imported):
    kinds = {kind: Commune.objects.filter(kind=kind).count() for kind in Commune.Kind.values}
    assert kinds == {"xa": 2621, "phuong": 687, "dac_khu": 13}


def test_centrally_run_cities_are_kind_city(imported):
    cities = set(
        Province.objects.filter(kind=Province.Kind.CITY).values_list("short_name", flat=True)
    )
    assert cities == {"Hà Nội", "Hải Phòng", "Huế", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ"}


def test_second_import_creates_updates_and_deletes_nothing(imported):
    units = import_units()
    agencies = import_agencies()
    assert (units.created, units.updated, units.deleted) == (0, 0, 0)
    assert (agencies.created, agencies.updated) == (0, 0)
    assert not units.changed
    assert not agencies.changed


def test_import_updates_a_changed_name(imported):
    commune = Commune.objects.get(code="00004")
    commune.name = "Phường Ba Đình cũ"
    commune.save()
    summary = import_units()
    assert summary.count("communes").updated == 1
    assert Commune.objects.get(code="00004").name == "Phường Ba Đình"


def test_every_legacy_commune_has_a_successor_and_one_default(imported):
    assert imported["units"].legacy_with_successor == 10040
    assert imported["units"].unresolved == []
    assert not LegacyCommune.objects.filter(successions__isnull=True).exists()
    defaults = CommuneSuccession.objects.filter(is_default=True)
    assert defaults.count() == defaults.values("legacy").distinct().count() == 10040


def test_old_hanoi_ward_maps_to_its_new_ward(imported):
    # Phường Phúc Xá (Ba Đình) merged into Phường Hồng Hà; Trúc Bạch into Phường Ba Đình.
    phuc_xa = LegacyCommune.objects.get(code="00001")
    assert phuc_xa.name == "Phường Phúc Xá"
    assert [c.name for c in phuc_xa.successors.all()] == ["Phường Hồng Hà"]
    assert [c.code for c in LegacyCommune.objects.get(code="00004").successors.all()] == ["00004"]


def test_split_legacy_commune_lists_every_successor_with_the_default(imported):
    tan_thanh = LegacyCommune.objects.get(code="31268")  # Xã Tân Thạnh, huyện Thới Lai
    successions = {s.commune.name: s.is_default for s in tan_thanh.successions.all()}
    assert successions == {"Xã Tân Thạnh": False, "Xã Trường Thành": True}


def test_names_ambiguous_without_diacritics_resolve_to_the_right_commune(imported):
    # Hoằng Phụ and Hoằng Phú share the accent-free key "xahoangphu".
    assert LegacyCommune.objects.get(code="16003").successors.get().name == "Xã Hoằng Thanh"
    assert LegacyCommune.objects.get(code="15883").successors.get().name == "Xã Hoằng Phú"


def test_island_district_without_communes_maps_to_its_special_zone(imported):
    bach_long_vi = LegacyCommune.objects.get(code="D318")
    assert bach_long_vi.name == "Huyện Bạch Long Vĩ"
    assert bach_long_vi.successors.get().name == "Đặc khu Bạch Long Vĩ"


def test_legacy_provinces_point_to_their_successor(imported):
    assert LegacyProvince.objects.get(name="Tỉnh Đắk Nông").successor.short_name == "Lâm Đồng"
    assert not LegacyProvince.objects.filter(successor__isnull=True).exists()


def test_qcvn_codes_h36_and_h37_are_lam_dong_and_lang_son(imported):
    assert Province.objects.get(qcvn_code="H36").short_name == "Lâm Đồng"
    assert Province.objects.get(qcvn_code="H37").short_name == "Lạng Sơn"
    assert Province.objects.get(short_name="Hồ Chí Minh").qcvn_code == "H29"
    assert Province.objects.get(short_name="Huế").qcvn_code == "H57"
    assert LegacyProvince.objects.get(code="95").qcvn_code == "H05"  # Bạc Liêu
    assert len(set(Province.objects.values_list("qcvn_code", flat=True))) == 34


# --------------------------------------------------------------------------- agencies


def test_every_province_has_a_committee_departments_and_one_committee_per_commune(
    imported, departments
):
    expected = {row["name"] for row in departments}
    for province in Province.objects.all():
        committee = province_committee(province)
        assert committee.code == f"000.00.00.{province.qcvn_code}"
        assert committee.name.startswith("Ủy ban nhân dân ")
        children = committee.children.all()
        names = {
            a.name.removesuffix(" " + committee.name.removeprefix("Ủy ban nhân dân "))
            for a in children.exclude(kind=Agency.Kind.COMMUNE_COMMITTEE)
        }
        assert names == expected
        assert children.filter(kind=Agency.Kind.PROVINCE_CENTRE).count() == 1
        communes = children.filter(kind=Agency.Kind.COMMUNE_COMMITTEE)
        assert communes.count() == province.communes.count()
        assert communes.values("commune").distinct().count() == province.communes.count()


def test_province_subtree_holds_its_departments_and_communes_only(imported):
    lam_dong = province_committee(Province.objects.get(qcvn_code="H36"))
    subtree = lam_dong.subtree()
    assert subtree.filter(kind=Agency.Kind.DEPARTMENT, province__qcvn_code="H36").count() == 14
    assert subtree.filter(kind=Agency.Kind.COMMUNE_COMMITTEE).count() == 124
    assert not subtree.exclude(province__qcvn_code="H36").exists()
    assert not subtree.filter(code="000.00.00.H37").exists()
    sample = subtree.get(code="000.00.04.H36")
    assert sample.name == "Sở Tư pháp tỉnh Lâm Đồng"
    assert (sample.depth, sample.path) == (1, "000.00.00.H36/000.00.04.H36/")
    assert list(sample.ancestors()) == [lam_dong]


def test_agency_codes_are_unique_short_and_stable_across_imports(imported):
    codes = list(Agency.objects.values_list("code", flat=True))
    structural = Agency.objects.exclude(kind=Agency.Kind.MINISTRY_UNIT).count()
    assert len(codes) == len(set(codes))
    assert structural == 18 + 34 * 16 + 3321
    assert max(len(code) for code in codes) <= 20
    import_agencies()
    assert dict(Agency.objects.values_list("code", "name")) == imported["codes"]


def test_commune_committee_code_is_built_from_the_nso_commune_code(imported):
    ba_dinh = Agency.objects.get(commune__code="00004")
    assert ba_dinh.code == commune_committee_code("00004", "H24") == "000.04.90.H24"
    assert ba_dinh.name == "Ủy ban nhân dân phường Ba Đình"
    assert ba_dinh.parent.code == "000.00.00.H24"


def test_agency_names_are_stored_in_nfc(imported):
    decomposed = unicodedata.normalize("NFD", "Cục Thuế  tỉnh")
    agency = Agency.objects.create(code="TEST.1", name=decomposed, kind=Agency.Kind.OTHER)
    agency.refresh_from_db()
    assert agency.name == unicodedata.normalize("NFC", "Cục Thuế tỉnh")
    assert Agency.objects.by_name("cuc thue tinh").get() == agency


def test_moving_an_agency_moves_its_subtree(imported):
    ministry = find_ministry("Bộ Tài chính")
    unit = ensure_ministry_unit(ministry, "Cục Hải quan")
    branch = ensure_ministry_unit(unit, "Chi cục Hải quan khu vực I")
    unit.parent = find_ministry("Bộ Xây dựng")
    unit.save()
    branch.refresh_from_db()
    assert branch.path == f"000.00.00.G17/{unit.code}/{branch.code}/"
    assert branch.depth == 2


# --------------------------------------------------------------------------- look-ups


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Bộ Tài chính", "000.00.00.G12"),
        ("BỘ TÀI CHÍNH", "000.00.00.G12"),
        ("bo-tai-chinh", "000.00.00.G12"),
        ("BTC", "000.00.00.G12"),
        ("Bộ Kế hoạch và Đầu tư", "000.00.00.G12"),
        ("Bộ NN và MT", "000.00.00.G10"),
        ("000.00.00.G04", "000.00.00.G17"),
        ("G01", "000.00.00.G01"),
        ("Ngân hàng Nhà nước Việt Nam", "000.00.00.G19"),
        ("Tòa án nhân dân tối cao", "000.00.00.G90"),
    ],
)
def test_find_ministry_matches_names_abbreviations_folders_and_codes(imported, text, code):
    assert find_ministry(text).code == code


def test_find_ministry_returns_none_for_unknown_names(imported):
    assert find_ministry("Bộ Không Tồn Tại") is None
    assert find_ministry("") is None


def test_ministry_for_source_reads_the_catalogue_folder(imported):
    path = "scripts/crawler/data/raw/bo-nong-nghiep-mt/1.000178.json"
    assert ministry_for_source(path).name == "Bộ Nông nghiệp và Môi trường"
    assert ministry_for_source("defence").name == "Bộ Quốc phòng"
    assert ministry_for_source("ngan-hang-nha-nuoc").short_name == "NHNN"


def test_ensure_ministry_unit_is_idempotent_and_coded_from_the_name(imported):
    ministry = find_ministry("Bộ Tài chính")
    unit = ensure_ministry_unit(ministry, "Cục Hải quan")
    again = ensure_ministry_unit(ministry, unicodedata.normalize("NFD", "cục hải quan"))
    assert again.pk == unit.pk
    assert unit.kind == Agency.Kind.MINISTRY_UNIT
    assert unit.parent == ministry
    assert unit.code == ministry_unit_code(ministry, "Cục Hải quan")
    assert unit.code.startswith("G12.U")
    assert len(unit.code) == 13
    assert unit.path == f"000.00.00.G12/{unit.code}/"
    other = ensure_ministry_unit(find_ministry("Bộ Công an"), "Cục Hải quan")
    assert other.code != unit.code
    assert ensure_ministry_unit(ministry, "Bộ tài chính") == ministry


def test_split_ministry_suffix_separates_unit_and_ministry(imported):
    unit, ministry = split_ministry_suffix("Cục Hải quan - Bộ tài chính")
    assert (unit, ministry.code) == ("Cục Hải quan", "000.00.00.G12")
    assert split_ministry_suffix("Bộ Lao động - Thương binh và Xã hội")[1] is None


def test_find_province_accepts_codes_names_and_pre_reform_provinces(imported):
    assert find_province("H36").short_name == "Lâm Đồng"
    assert find_province("000.00.00.H37").short_name == "Lạng Sơn"
    assert find_province("Tỉnh Lâm Đồng").qcvn_code == "H36"
    assert find_province("68").qcvn_code == "H36"
    assert find_province("H05").short_name == "Cà Mau"  # Bạc Liêu merged into Cà Mau
    assert find_province("Bình Thuận").short_name == "Lâm Đồng"


def test_management_command_reports_nothing_to_change(imported):
    out = io.StringIO()
    call_command("import_units", "--no-progress", stdout=out)
    assert "communes: 0 created, 0 updated, 3321 unchanged (total 3321)" in out.getvalue()
    assert "already up to date" in out.getvalue()
