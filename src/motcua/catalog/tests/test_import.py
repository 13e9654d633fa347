"""The catalogue import on the real files: merge, skipped rows, idempotence, change log."""

from __future__ import annotations

import csv
import gzip
import json
import shutil
import unicodedata

import pytest
from django.conf import settings
from django.core.management import call_command

from motcua.catalog.importers import import_catalog
from motcua.catalog.models import (
    Entry,
    ImportRun,
    Listing,
    Procedure,
    ProcedureChange,
    SubmissionChannel,
)

pytestmark = pytest.mark.django_db


def test_every_source_record_is_imported():
    report = ImportRun.objects.latest().report
    assert report["sources"]["national"] == 2642
    assert report["sources"]["defence"] == 207
    assert Procedure.objects.filter(has_detail=True).count() == 2849
    assert Entry.objects.count() >= 5500


def test_a_provincial_entry_becomes_that_provinces_listing_of_the_national_procedure():
    procedure = Procedure.objects.get(code="1.001193")
    listings = {lst.province.qcvn_code: lst for lst in procedure.listings.all()}
    assert set(listings) >= {"H36", "H37"}
    assert listings["H36"].local_code == "1.001193.000.00.00.H36"
    assert listings["H36"].online_level in {"full", "partial", "none"}


def test_test_rows_are_skipped_and_reported():
    skipped = ImportRun.objects.latest().report["skipped"]
    reasons = {(row["code"], row["reason"]) for row in skipped}
    assert ("TEST_MOT_CAP", "dòng thử nghiệm") in reasons
    assert ("2.000815", "dòng thử nghiệm") in reasons
    assert not Listing.objects.filter(local_code="TEST_MOT_CAP").exists()
    assert not Listing.objects.filter(name__icontains="test").exists()


def test_all_text_is_stored_in_nfc():
    for name in Procedure.objects.values_list("name", flat=True):
        assert unicodedata.is_normalized("NFC", name)


def test_processing_time_fee_and_documents_parse_for_98_percent_of_records():
    quality = ImportRun.objects.latest().report["quality"]
    for field in ("processing_time", "fee", "documents"):
        row = quality[field]
        assert row["parsed"] >= 0.98 * row["had_text"], (field, row["failures"][:20])


def test_a_fee_is_stored_as_a_number_of_dong_with_its_original_text():
    channel = SubmissionChannel.objects.filter(fee_kind="amount", fee_amount__gt=0).first()
    assert channel is not None
    assert channel.fee_text


def test_importing_the_same_data_again_changes_nothing():
    assert import_catalog().unchanged
    summary = import_catalog(force=True)
    assert (summary.created, summary.updated, summary.removed) == (0, 0, 0)


def test_a_reimport_records_what_changed(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(settings.DATA_DIR, data)
    national = data / "catalog" / "national.jsonl.gz"
    with gzip.open(national, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    target = next(r for r in records if r["ma_thu_tuc"] == "1.001193")
    target["ten_thu_tuc"] = "Thủ tục đăng ký khai sinh (sửa đổi)"
    records = [r for r in records if r["ma_thu_tuc"] != "1.000178"]
    with gzip.open(national, "wt", encoding="utf-8") as handle:
        handle.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)

    summary = import_catalog(data)

    assert (summary.updated, summary.removed) == (1, 1)
    change = ProcedureChange.objects.get(run_id=summary.run_id, code="1.001193")
    assert change.action == "updated"
    assert change.fields == ["name"]
    assert change.version == 2
    assert Procedure.objects.get(code="1.001193").name.endswith("(sửa đổi)")
    assert not Procedure.objects.get(code="1.000178").is_active
    assert not Entry.objects.filter(code="1.000178").exists()


def test_a_provincial_code_without_a_national_record_creates_a_listed_procedure():
    with (settings.DATA_DIR / "catalog" / "province-H36-lamdong.csv").open(encoding="utf-8") as f:
        codes = {row["code"][:8] for row in csv.DictReader(f)}
    national = set(Procedure.objects.filter(has_detail=True).values_list("code", flat=True))
    only_listed = sorted(codes - national)
    procedure = Procedure.objects.get(code=only_listed[0])
    assert not procedure.has_detail
    assert procedure.listings.filter(province__qcvn_code="H36").exists()


def test_the_report_command_prints_the_quality_table(capsys):
    call_command("catalog", "report")
    out = capsys.readouterr().out
    assert "Thời hạn giải quyết" in out
    assert "Phí, lệ phí" in out
    assert "Thành phần hồ sơ" in out


def test_the_search_command_answers_in_json(capsys):
    call_command("search", "dang ky khai sinh", "--json")
    payload = json.loads(capsys.readouterr().out)
    assert payload["count"] > 0
    assert payload["results"][0]["national_code"] == "1.001193"
