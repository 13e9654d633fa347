"""What an uploaded file must be before it is kept: not empty, not too large, and of an allowed
type as its CONTENT says (magic bytes, read with ``filetype``), whatever its name or the browser
claims. Every refusal is an :class:`UploadError` with a Vietnamese message naming the file and
the limit, so that the citizen knows at once what to change.

Types (``MOTCUA_UPLOAD_TYPES``, keys of :data:`KINDS`): ``pdf``, ``jpeg``, ``png`` by default;
``tiff``, ``docx``, ``xlsx`` and ``odt`` may be added. ``filetype`` recognises PDF, JPEG, PNG and
TIFF by their first bytes; DOCX and XLSX by the names of the first entries of their ZIP archive
(Word, Excel and LibreOffice write ``[Content_Types].xml``, ``_rels/``, ``docProps/`` then
``word/`` or ``xl/`` first), ODT by the ``mimetype`` entry that must come first. A plain ZIP, an
executable, HTML or a script is never one of them.
"""

from __future__ import annotations

import math
import os
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.utils.translation import gettext as _

#: How many leading bytes are enough to tell the type (``filetype`` reads as many).
HEAD_BYTES = 8192
MB = 1024 * 1024
NAME_MAX = 255


class UploadError(Exception):
    """A refused upload. ``message_vi`` is shown to the citizen; ``code`` is for code and the
    audit log (``empty``, ``too_large``, ``total_too_large``, ``type_not_allowed``,
    ``type_mismatch``, ``infected``)."""

    def __init__(self, code: str, message_vi: str, *, field: str = "file"):
        self.code = code
        self.message_vi = str(message_vi)
        self.field = field
        super().__init__(f"{code}: {self.message_vi}")


@dataclass(frozen=True)
class FileKind:
    key: str
    mime: str
    label: str
    #: Extensions a file of this kind is named with; the first is used on download.
    extensions: tuple[str, ...]


KINDS: dict[str, FileKind] = {
    kind.key: kind
    for kind in (
        FileKind("pdf", "application/pdf", "PDF", ("pdf",)),
        FileKind("jpeg", "image/jpeg", "JPG", ("jpg", "jpeg", "jpe", "jfif")),
        FileKind("png", "image/png", "PNG", ("png",)),
        FileKind("tiff", "image/tiff", "TIFF", ("tif", "tiff")),
        FileKind(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Word (DOCX)",
            ("docx",),
        ),
        FileKind(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Excel (XLSX)",
            ("xlsx",),
        ),
        FileKind("odt", "application/vnd.oasis.opendocument.text", "ODT", ("odt",)),
    )
}
_BY_MIME = {kind.mime: kind for kind in KINDS.values()}
_BY_EXTENSION = {ext: kind for kind in KINDS.values() for ext in kind.extensions}


def allowed_kinds() -> list[FileKind]:
    """The kinds ``MOTCUA_UPLOAD_TYPES`` allows, in its order (unknown keys are ignored; the
    system check reports them)."""
    keys = getattr(settings, "MOTCUA_UPLOAD_TYPES", ["pdf", "jpeg", "png"])
    return [KINDS[key] for key in (k.strip().lower() for k in keys) if key in KINDS]


def unknown_type_keys() -> list[str]:
    keys = getattr(settings, "MOTCUA_UPLOAD_TYPES", [])
    return [key for key in keys if key.strip().lower() not in KINDS]


def max_file_bytes() -> int:
    return int(float(getattr(settings, "MOTCUA_UPLOAD_MAX_FILE_MB", 20)) * MB)


def max_total_bytes() -> int:
    return int(float(getattr(settings, "MOTCUA_UPLOAD_MAX_TOTAL_MB", 100)) * MB)


def accept_attribute() -> str:
    """For ``<input type="file" accept=...>``: a hint to the browser, never trusted."""
    kinds = allowed_kinds()
    return ",".join([*(f".{ext}" for k in kinds for ext in k.extensions), *(k.mime for k in kinds)])


def kinds_text(kinds: Iterable[FileKind] | None = None) -> str:
    """ "PDF, JPG hay PNG": the allowed kinds as a citizen reads them."""
    labels = [kind.label for kind in (allowed_kinds() if kinds is None else kinds)]
    if len(labels) <= 1:
        return "".join(labels)
    return _("%(first)s hay %(last)s") % {"first": ", ".join(labels[:-1]), "last": labels[-1]}


def format_size(size: int, *, round_up: bool = False) -> str:
    """ "1,2 MB", "350 KB", "12 byte": Vietnamese style (decimal comma), 1 MB = 1024 KB.

    ``round_up`` for a size shown against a limit: 20.01 MB reads "20,1 MB", never "20 MB".
    """
    if size < 1024:
        return f"{size} byte"
    value, unit = (size / MB, "MB") if size >= MB else (size / 1024, "KB")
    rounded = math.ceil(value * 10) / 10 if round_up else round(value, 1)
    text = f"{rounded:.1f}".removesuffix(".0").replace(".", ",")
    return f"{text} {unit}"


def sanitise_name(name: str) -> str:
    """The file name as shown back to people: no folders, no control or invisible characters
    (a right-to-left override turns "hsoexe.pdf" into a lie), NFC, at most 255 characters with
    its extension kept."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = " ".join(text.split()).strip(" .")
    if not text:
        return "tep"
    if len(text) > NAME_MAX:
        stem, ext = os.path.splitext(text)
        ext = ext[:16]
        text = stem[: NAME_MAX - len(ext)] + ext
    return text


def extension_of(name: str) -> str:
    return os.path.splitext(name)[1].lstrip(".").lower()


def detected_mime(head: bytes) -> str:
    """What the first bytes say the content is, known to us or not ("" when unrecognised)."""
    guess = filetype.guess(head)
    return guess.mime if guess is not None else ""


def detect(head: bytes) -> FileKind | None:
    """The known kind the content is (by its first bytes), or None."""
    return _BY_MIME.get(detected_mime(head))


def check_size(name: str, size: int) -> None:
    if size <= 0:
        raise UploadError(
            "empty", _("Tệp “%(name)s” không có nội dung. Hãy chọn lại tệp.") % {"name": name}
        )
    limit = max_file_bytes()
    if size > limit:
        raise UploadError(
            "too_large",
            _(
                "Tệp “%(name)s” nặng %(size)s, quá giới hạn %(limit)s cho mỗi tệp. Hãy chụp "
                "hoặc quét lại với độ phân giải thấp hơn, hoặc nén nhỏ tệp."
            )
            % {"name": name, "size": format_size(size, round_up=True), "limit": format_size(limit)},
        )


def check_type(name: str, head: bytes) -> FileKind:
    """The allowed kind the content is; refuses any other, and says so plainly when the name
    promises a kind (".pdf") the content is not."""
    allowed = allowed_kinds()
    kind = detect(head)
    if kind is not None and kind in allowed:
        return kind
    claimed = _BY_EXTENSION.get(extension_of(name))
    if claimed is not None and claimed in allowed:
        raise UploadError(
            "type_mismatch",
            _(
                "Tệp “%(name)s” có tên đuôi .%(ext)s nhưng nội dung không phải tệp %(kind)s. "
                "Hãy chọn đúng tệp %(kinds)s gốc."
            )
            % {
                "name": name,
                "ext": extension_of(name),
                "kind": claimed.label,
                "kinds": kinds_text(allowed),
            },
        )
    raise UploadError(
        "type_not_allowed",
        _("Tệp “%(name)s” không phải %(kinds)s. Hãy chọn tệp đúng loại.")
        % {"name": name, "kinds": kinds_text(allowed)},
    )


def check_upload(name: str, size: int, head: bytes) -> FileKind:
    """Every check of one file, in the order a citizen can act on: empty, size, type."""
    check_size(name, size)
    return check_type(name, head)


def check_total(attached_sizes: Iterable[int], size: int, *, name: str = "") -> None:
    """Refuse a file that would take the files of one dossier over ``MOTCUA_UPLOAD_MAX_TOTAL_MB``
    (``attached_sizes``: the sizes of the files already attached)."""
    limit = max_total_bytes()
    total = sum(attached_sizes) + size
    if total <= limit:
        return
    raise UploadError(
        "total_too_large",
        _(
            "Thêm tệp “%(name)s” (%(size)s) thì các tệp của hồ sơ nặng tổng cộng %(total)s, "
            "quá giới hạn %(limit)s cho mỗi hồ sơ. Hãy bỏ bớt tệp hoặc nén nhỏ tệp."
        )
        % {
            "name": name or _("mới"),
            "size": format_size(size),
            "total": format_size(total, round_up=True),
            "limit": format_size(limit),
        },
    )
