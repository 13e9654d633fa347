"""Uploads through the services: checked, scanned, stored under a random name; infected files
not kept; files the scanner could not check kept aside, never taken as clean; the rescan
command; the document store."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from tests.fixtures.accounts import make_citizen, make_organisation

from motcua.core.models import AuditEntry
from motcua.documents import access, services
from motcua.documents.checks import UploadError
from motcua.documents.models import ScanStatus, StoredFile, StoreItem
from motcua.documents.storage import documents_storage

from .samples import EICAR, EXE, pdf_bytes, stored_paths, upload

pytestmark = pytest.mark.django_db

NAME_PATTERN = re.compile(r"^files/\d{4}/\d{2}/[0-9a-f]{32}$")


def test_an_upload_is_stored_under_a_random_name_with_what_its_content_is(private_storage):
    user = make_citizen()
    content = pdf_bytes()
    stored = services.store_upload(upload("giấy khai sinh.jpg", content, "image/jpeg"), owner=user)
    assert stored.content_type == "application/pdf"  # not what the browser said
    assert stored.original_name == "giấy khai sinh.jpg"
    assert stored.download_name == "giấy khai sinh.pdf"
    assert stored.size == len(content)
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.scan_status == ScanStatus.CLEAN
    assert stored.scanner == "demo"
    assert stored.scanned_at is not None
    assert NAME_PATTERN.match(stored.storage_name)
    with services.open_file(stored) as handle:
        assert handle.read() == content
    (path,) = stored_paths(private_storage)
    assert "khai" not in str(path)
    other = services.store_upload(upload("giấy khai sinh.jpg", content), owner=user)
    assert other.storage_name != stored.storage_name
    entry = AuditEntry.objects.get(action="file_uploaded", object_id=str(stored.pk))
    assert entry.actor == user
    assert entry.details["size"] == len(content)
    assert "khai" not in str(entry.details)


def test_the_documents_storage_is_private_and_not_the_default_one(settings):
    storage = documents_storage()
    assert storage is not default_storage
    with pytest.raises(NotImplementedError):
        storage.url("files/x")
    from motcua.settings import base

    location = base.STORAGES["documents"]["OPTIONS"]["location"]
    assert location == str(base.VAR_DIR / "private")
    assert not location.startswith(str(base.MEDIA_ROOT))
    assert not location.startswith(str(base.STATIC_ROOT))


def test_a_refused_upload_keeps_nothing_and_is_audited(private_storage):
    user = make_citizen()
    with pytest.raises(UploadError) as caught:
        services.store_upload(upload("giay-to.pdf", EXE), owner=user)
    assert caught.value.code == "type_mismatch"
    assert not StoredFile.objects.exists()
    assert stored_paths(private_storage) == []
    entry = AuditEntry.objects.get(action="file_refused")
    assert entry.details == {
        "code": "type_mismatch",
        "size": len(EXE),
        "detected": "application/x-msdownload",
    }


def test_an_infected_upload_is_refused_and_not_kept(private_storage):
    user = make_citizen()
    with pytest.raises(UploadError) as caught:
        services.store_upload(upload("don.pdf", pdf_bytes() + EICAR), owner=user)
    assert caught.value.code == "infected"
    assert caught.value.message_vi.startswith("Tệp “don.pdf” có mã độc nên đã bị từ chối")
    assert not StoredFile.objects.exists()
    assert stored_paths(private_storage) == []
    entry = AuditEntry.objects.get(action="file_refused")
    assert entry.details["threat"] == "Eicar-Test-Signature"


def test_a_file_the_scanner_cannot_check_is_quarantined_never_clean(clamd_down, private_storage):
    user = make_citizen()
    stored = services.store_upload(upload("don.pdf", pdf_bytes()), owner=user)
    assert stored.scan_status == ScanStatus.QUARANTINED
    assert stored.scanned_at is None
    assert stored.scanner == "clamd"
    assert not stored.is_servable
    assert not access.may_read(user, stored)
    assert len(stored_paths(private_storage)) == 1  # kept aside for the rescan
    notice = services.quarantine_notice(stored)
    assert notice.startswith("Chưa kiểm tra được tệp “don.pdf”")
    assert "chưa dùng được cho đến khi kiểm tra xong" in notice


def test_rescan_makes_clean_files_usable_and_deletes_infected_ones(
    settings, clamd_down, fake_clamd
):
    user = make_citizen()
    settings.MOTCUA_CLAMD_PORT = clamd_down
    good = services.store_upload(upload("tot.pdf", pdf_bytes()), owner=user)
    bad = services.store_upload(upload("xau.pdf", pdf_bytes() + EICAR), owner=user)
    assert {good.scan_status, bad.scan_status} == {ScanStatus.QUARANTINED}

    with pytest.raises(CommandError, match="chưa sẵn sàng"):
        call_command("rescan_quarantined")
    good.refresh_from_db()
    assert good.scan_status == ScanStatus.QUARANTINED

    settings.MOTCUA_CLAMD_PORT = fake_clamd.port
    call_command("rescan_quarantined")
    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.scan_status == ScanStatus.CLEAN
    assert good.scanner == "clamd"
    assert access.may_read(user, good)
    assert bad.scan_status == ScanStatus.INFECTED
    assert bad.threat == "Win.Test.EICAR_HDB-1"
    assert bad.bytes_deleted_at is not None
    assert not documents_storage().exists(bad.storage_name)
    with pytest.raises(FileNotFoundError):
        services.open_file(bad)


def test_a_generated_file_is_hashed_and_readable_without_a_scan(settings, clamd_down):
    content = pdf_bytes("Ket qua")
    stored = services.store_generated(content, name="ket-qua.pdf", content_type="application/pdf")
    assert stored.owner is None
    assert stored.scan_status == ScanStatus.CLEAN
    assert stored.scanner == services.GENERATED
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert NAME_PATTERN.match(stored.storage_name)


def test_delete_bytes_keeps_the_row(private_storage):
    stored = services.store_upload(upload("a.pdf", pdf_bytes()), owner=make_citizen())
    services.delete_bytes(stored, reason="test")
    stored.refresh_from_db()
    assert stored.bytes_deleted_at is not None
    assert stored_paths(private_storage) == []
    assert not stored.is_servable
    services.delete_bytes(stored)  # again: nothing to do


def test_a_store_item_has_exactly_one_owner():
    user = make_citizen()
    organisation = make_organisation(user)
    stored = services.store_upload(upload("a.pdf", pdf_bytes()), owner=user)
    with pytest.raises(ValueError, match="exactly one"):
        services.add_to_store(
            stored, person=user.person, organisation=organisation, title="A", kind="document"
        )
    with pytest.raises(ValueError, match="exactly one"):
        services.add_to_store(stored, title="A", kind="document")
    with pytest.raises(IntegrityError), transaction.atomic():
        StoreItem.objects.create(file=stored, title="A")
    item = services.add_to_store(
        stored, organisation=organisation, title="  Giấy phép   kinh doanh ", kind="result"
    )
    assert item.title == "Giấy phép kinh doanh"
    assert item.owner_person is None


def test_removing_from_the_store_is_for_its_owner_and_keeps_the_file():
    owner, other = make_citizen(), make_citizen("Người Khác")
    stored = services.store_upload(upload("a.pdf", pdf_bytes()), owner=owner)
    item = services.add_to_store(stored, person=owner.person, title="A", kind="document")
    with pytest.raises(services.DocumentError):
        services.remove_from_store(item, actor=other)
    item.refresh_from_db()
    assert item.removed_at is None
    services.remove_from_store(item, actor=owner)
    item.refresh_from_db()
    assert item.removed_at is not None
    assert StoreItem.objects.present().count() == 0
    stored.refresh_from_db()
    assert stored.has_bytes
    assert AuditEntry.objects.filter(action="store_item_removed", actor=owner).count() == 1
