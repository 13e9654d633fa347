"""The only write path for files and the document store. Each function that writes rows does
so in one transaction and appends to the audit log.

An upload is checked (empty, size, type by content), scanned, then written to the ``documents``
storage under a random name and recorded. A file the scanner finds infected is not kept at
all. A file the scanner could not check is kept aside (``quarantined``): it cannot be read nor
used until ``motcua rescan_quarantined`` finds it clean; nothing is ever taken as clean because
a scanner did not answer.

Audit details never carry the file's name (people name files after themselves): only sizes,
types, hashes, scan outcomes.
"""

from __future__ import annotations

import hashlib
import uuid

import structlog
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import MANAGING_ROLES, Membership, Organisation, Person, User
from motcua.core import audit

from . import access, checks
from .checks import UploadError
from .models import ScanStatus, StoredFile, StoreItem, StoreItemKind
from .scanners import SCANNERS, ScanResult, ScanUnavailable, get_scanner
from .storage import documents_storage

log = structlog.get_logger(__name__)

#: The scanner id kept with files the system made itself (results, receipts): trusted, not
#: scanned.
GENERATED = "generated"


class DocumentError(Exception):
    """A refused change to the store; ``message_vi`` is for people."""

    def __init__(self, code: str, message_vi: str, *, field: str | None = None):
        self.code = code
        self.message_vi = str(message_vi)
        self.field = field
        super().__init__(code)


class NotReadable(LookupError):
    """The file does not exist for this user (the view answers 404)."""


# --- Messages ---------------------------------------------------------------------------------


def quarantine_notice(stored_file: StoredFile) -> str:
    """What to tell the uploader of a file kept aside because the scan could not run."""
    return _(
        "Chưa kiểm tra được tệp “%(name)s” để tìm mã độc vì hệ thống quét đang gặp sự cố. Tệp "
        "được giữ riêng và chưa dùng được cho đến khi kiểm tra xong; bạn không cần tải lên lại."
    ) % {"name": stored_file.original_name}


def _infected_error(name: str) -> UploadError:
    return UploadError(
        "infected",
        _(
            "Tệp “%(name)s” có mã độc nên đã bị từ chối và không được lưu. Hãy quét virus trên "
            "máy của bạn rồi chọn tệp khác."
        )
        % {"name": name},
    )


# --- Uploads ----------------------------------------------------------------------------------


def store_upload(uploaded_file: File, *, owner: User | None, request=None) -> StoredFile:
    """Check, scan and keep one uploaded file; raises :class:`UploadError` when refused.

    The returned file is ``clean``, or ``quarantined`` when the scanner could not run (tell the
    user with :func:`quarantine_notice`). A refusal is audited (``file_refused``) before it is
    raised: a caller inside its own transaction should catch it rather than roll back.
    """
    name = checks.sanitise_name(getattr(uploaded_file, "name", "") or "")
    digest, size = _digest(uploaded_file)
    head = _head(uploaded_file)
    try:
        kind = checks.check_upload(name, size, head)
    except UploadError as error:
        _refused(error, owner, request, size=size, detected=checks.detected_mime(head))
        raise
    result = _scan(uploaded_file)
    if result is not None and not result.clean:
        error = _infected_error(name)
        _refused(
            error,
            owner,
            request,
            size=size,
            detected=kind.mime,
            sha256=digest,
            scanner=result.scanner,
            threat=result.threat,
        )
        raise error
    return _keep(
        uploaded_file,
        owner=owner,
        name=name,
        content_type=kind.mime,
        size=size,
        digest=digest,
        result=result,
        request=request,
    )


def store_generated(
    content: bytes, *, name: str, content_type: str, owner: User | None = None
) -> StoredFile:
    """Keep a file the system made (a PDF result, a receipt): no type check nor scan, but
    hashed and stored like any other, readable at once."""
    data = bytes(content)
    return _keep(
        ContentFile(data, name="generated"),
        owner=owner,
        name=checks.sanitise_name(name),
        content_type=content_type,
        size=len(data),
        digest=hashlib.sha256(data).hexdigest(),
        result=ScanResult(clean=True, scanner=GENERATED),
        scanned=False,
    )


def new_storage_name() -> str:
    """ "files/2026/12/<32 hex>": random, unguessable, and nothing of what the user typed."""
    now = timezone.now()
    return f"files/{now:%Y}/{now:%m}/{uuid.uuid4().hex}"


def _digest(content: File) -> tuple[str, int]:
    sha, size = hashlib.sha256(), 0
    for chunk in content.chunks():
        sha.update(chunk)
        size += len(chunk)
    return sha.hexdigest(), size


def _head(content: File) -> bytes:
    content.seek(0)
    head = content.read(checks.HEAD_BYTES)
    content.seek(0)
    return head


def _scan(content: File) -> ScanResult | None:
    """The scanner's verdict, or None when it could not run (the file is then quarantined)."""
    try:
        return get_scanner().scan(content.chunks())
    except ScanUnavailable as error:
        log.warning("documents.scan_unavailable", code=error.code)
        return None


def _refused(error: UploadError, owner, request, **details) -> None:
    with transaction.atomic():
        audit.record("file_refused", actor=owner, request=request, code=error.code, **details)


def _keep(
    content: File,
    *,
    owner: User | None,
    name: str,
    content_type: str,
    size: int,
    digest: str,
    result: ScanResult | None,
    request=None,
    scanned: bool = True,
) -> StoredFile:
    """Write the bytes, then the row; the bytes are removed again if the row is not written."""
    storage = documents_storage()
    content.seek(0)
    storage_name = storage.save(new_storage_name(), content)
    status = ScanStatus.CLEAN if result is not None else ScanStatus.QUARANTINED
    try:
        with transaction.atomic():
            stored = StoredFile.objects.create(
                owner=owner,
                storage_name=storage_name,
                original_name=name,
                content_type=content_type,
                size=size,
                sha256=digest,
                scan_status=status,
                scanned_at=timezone.now() if result is not None and scanned else None,
                scanner=result.scanner if result is not None else SCANNERS.configured_id(),
            )
            audit.record(
                "file_uploaded" if scanned else "file_generated",
                actor=owner,
                obj=stored,
                request=request,
                size=size,
                content_type=content_type,
                sha256=digest,
                scan_status=status,
            )
    except BaseException:
        storage.delete(storage_name)
        raise
    return stored


# --- Reading and deleting bytes ---------------------------------------------------------------


def open_file(stored_file: StoredFile) -> File:
    """The stored bytes, opened for reading (the caller closes it). Raises FileNotFoundError
    when they were deleted."""
    if not stored_file.has_bytes:
        raise FileNotFoundError(stored_file.storage_name)
    return documents_storage().open(stored_file.storage_name, "rb")


def open_for_reading(stored_file: StoredFile | None, *, user, request=None) -> File:
    """The bytes for ``user`` if :func:`access.may_read` allows it, with the download audited;
    otherwise :class:`NotReadable`."""
    if stored_file is None or not access.may_read(user, stored_file):
        raise NotReadable
    try:
        handle = open_file(stored_file)
    except FileNotFoundError:
        log.error("documents.bytes_missing", file=str(stored_file.public_id))
        raise NotReadable from None
    with transaction.atomic():
        audit.record("file_downloaded", actor=user, obj=stored_file, request=request)
    return handle


def delete_bytes(stored_file: StoredFile, *, reason: str = "", actor=None) -> StoredFile:
    """Delete the stored bytes for good; the row stays (history, hash, scan outcome)."""
    with transaction.atomic():
        locked = StoredFile.objects.select_for_update().get(pk=stored_file.pk)
        if locked.bytes_deleted_at is None:
            documents_storage().delete(locked.storage_name)
            locked.bytes_deleted_at = timezone.now()
            locked.save(update_fields=["bytes_deleted_at", "updated_at"])
            audit.record("file_bytes_deleted", actor=actor, obj=locked, reason=reason)
    stored_file.bytes_deleted_at = locked.bytes_deleted_at
    return locked


# --- Quarantine -------------------------------------------------------------------------------


def rescan(stored_file: StoredFile) -> StoredFile:
    """Scan a quarantined (or pending) file again: clean → readable; infected → marked and its
    bytes deleted. Raises :class:`ScanUnavailable` when the scanner still cannot run."""
    if stored_file.scan_status not in (ScanStatus.QUARANTINED, ScanStatus.PENDING):
        return stored_file
    try:
        with open_file(stored_file) as handle:
            result = get_scanner().scan(handle.chunks())
    except FileNotFoundError:
        return delete_bytes(stored_file, reason="missing")
    with transaction.atomic():
        locked = StoredFile.objects.select_for_update().get(pk=stored_file.pk)
        locked.scan_status = ScanStatus.CLEAN if result.clean else ScanStatus.INFECTED
        locked.scanned_at = timezone.now()
        locked.scanner = result.scanner
        locked.threat = result.threat
        locked.save(update_fields=["scan_status", "scanned_at", "scanner", "threat", "updated_at"])
        audit.record(
            "file_rescanned",
            obj=locked,
            scan_status=locked.scan_status,
            scanner=result.scanner,
            threat=result.threat,
        )
        if not result.clean:
            locked = delete_bytes(locked, reason="infected")
    return locked


def rescan_quarantined() -> dict[str, int]:
    """Rescan every quarantined file, oldest first; stops at the first scan that cannot run
    (the scanner is down: the rest waits for the next run)."""
    counts = {"clean": 0, "infected": 0, "waiting": 0}
    pending = list(
        StoredFile.objects.filter(
            scan_status=ScanStatus.QUARANTINED, bytes_deleted_at__isnull=True
        ).order_by("created_at", "id")
    )
    for index, stored_file in enumerate(pending):
        try:
            result = rescan(stored_file)
        except ScanUnavailable:
            counts["waiting"] = len(pending) - index
            break
        counts["clean" if result.scan_status == ScanStatus.CLEAN else "infected"] += 1
    return counts


# --- The document store ----------------------------------------------------------------------


def add_to_store(
    file: StoredFile,
    *,
    person: Person | None = None,
    organisation: Organisation | None = None,
    title: str,
    kind: str = StoreItemKind.DOCUMENT,
    source_dossier_code: str = "",
    actor: User | None = None,
    request=None,
) -> StoreItem:
    """Put ``file`` in the store of ``person`` or of ``organisation`` (exactly one)."""
    if (person is None) == (organisation is None):
        raise ValueError("a store item belongs to exactly one person or one organisation")
    if kind not in StoreItemKind.values:
        raise ValueError(f"unknown store item kind: {kind!r}")
    clean_title = " ".join((title or "").split())[:255]
    if not clean_title:
        raise DocumentError("title_required", _("Hãy nhập tên giấy tờ."), field="title")
    if file.scan_status == ScanStatus.INFECTED or not file.has_bytes:
        raise DocumentError("file_unusable", _("Tệp này không còn dùng được."), field="file")
    with transaction.atomic():
        item = StoreItem.objects.create(
            owner_person=person,
            owner_organisation=organisation,
            file=file,
            title=clean_title,
            kind=kind,
            source_dossier_code=source_dossier_code[:64],
        )
        audit.record(
            "store_item_added",
            actor=actor,
            on_behalf_of_organisation=organisation,
            obj=item,
            request=request,
            kind=kind,
        )
    return item


def upload_to_store(
    uploaded_file: File,
    *,
    title: str,
    actor: User,
    person: Person | None = None,
    organisation: Organisation | None = None,
    request=None,
) -> StoreItem:
    """A citizen's upload straight into their store.

    The upload commits on its own first, so that a refusal stays in the audit log; if the item
    cannot then be added, the file's bytes are deleted again.
    """
    if not " ".join((title or "").split()):
        raise DocumentError("title_required", _("Hãy nhập tên giấy tờ."), field="title")
    stored = store_upload(uploaded_file, owner=actor, request=request)
    try:
        return add_to_store(
            stored,
            person=person,
            organisation=organisation,
            title=title,
            actor=actor,
            request=request,
        )
    except BaseException:
        delete_bytes(stored, reason="not_added", actor=actor)
        raise


def may_remove(user: User, item: StoreItem) -> bool:
    """The person whose store it is; for an organisation's store, whoever manages it."""
    if item.owner_person_id is not None:
        return item.owner_person.user_id == user.pk
    return (
        Membership.objects.active()
        .filter(
            person__user=user, organisation_id=item.owner_organisation_id, role__in=MANAGING_ROLES
        )
        .exists()
    )


def remove_from_store(item: StoreItem, *, actor: User, request=None) -> StoreItem:
    """Hide an item from the store (soft delete). The file stays: a dossier may use it."""
    if not may_remove(actor, item):
        raise DocumentError("forbidden", _("Bạn không xóa được giấy tờ này khỏi kho dữ liệu."))
    with transaction.atomic():
        locked = StoreItem.objects.select_for_update().get(pk=item.pk)
        if locked.removed_at is None:
            locked.removed_at = timezone.now()
            locked.save(update_fields=["removed_at", "updated_at"])
            audit.record(
                "store_item_removed",
                actor=actor,
                on_behalf_of_organisation=locked.owner_organisation,
                obj=locked,
                request=request,
            )
    item.removed_at = locked.removed_at
    return locked
