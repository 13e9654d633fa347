"""Checking a result file: is its signature intact, made by a trusted certificate, over the
whole file, and is it the very file this system issued?

A PDF that does not parse, carries no signature, was changed after signing (one byte is
enough: the digest no longer matches, or the file no longer parses), has content appended
after the signature, or chains to no trusted root, is reported invalid with the reason in
Vietnamese; so is a file that is not, byte for byte, one this system issued. The record is
found by the file's SHA-256 (the exact bytes issued) or, for a copy that no longer matches,
by the verification code written in its metadata, so the page can say which result it
claims to be.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO

import structlog
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko_certvalidator import ValidationContext

from . import keys
from .blocking import outside_event_loop
from .models import ResultDocument
from .selectors import issued

log = structlog.get_logger(__name__)

_CODE = re.compile(r"motcua-result:([A-Z0-9]{16})")


@dataclass
class Verdict:
    valid: bool
    problems: list[str] = field(default_factory=list)
    signer: str = ""
    signed_at: datetime | None = None
    #: The issued result this file is (sha256 match) or claims to be (code in its metadata).
    result: ResultDocument | None = None
    #: The file's bytes are exactly those issued.
    matches_record: bool = False
    sha256: str = ""


def _claimed(reader: PdfFileReader | None) -> ResultDocument | None:
    if reader is None:
        return None
    try:
        info = reader.trailer_view.get("/Info")
        keywords = str(info.get("/Keywords", "")) if info is not None else ""
    except (PdfError, AttributeError, KeyError, TypeError):
        return None
    match = _CODE.search(keywords)
    if match is None:
        return None
    return issued(verification_code=match.group(1))


def _lookup(digest: str, reader) -> tuple[ResultDocument | None, bool]:
    own = issued(sha256=digest)
    if own is not None:
        return own, True
    return _claimed(reader), False


def _record_problems(verdict: Verdict) -> list[str]:
    if verdict.result is None:
        return [_("Không tìm thấy kết quả này trong hệ thống.")]
    if not verdict.matches_record:
        # Every issued file is kept with its digest: a copy bearing the code but other bytes
        # was altered, even where the change falls in bytes the signature leaves unused.
        return [_("Tệp không trùng khớp với bản kết quả đã cấp.")]
    return []


def verify_pdf(data: bytes, *, issued_here: bool = True) -> Verdict:
    """The verdict on ``data``; ``issued_here=False`` checks the signature alone (the
    operator's test of a key store signs a file that is no result)."""
    digest = hashlib.sha256(data).hexdigest()
    verdict = Verdict(valid=False, sha256=digest)
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError) as error:
        log.info("results.verify_unreadable", error=type(error).__name__)
        verdict.result, verdict.matches_record = _lookup(digest, None)
        verdict.problems.append(_("Tệp không đọc được như một tệp PDF (bị hỏng hoặc bị sửa)."))
        return verdict
    verdict.result, verdict.matches_record = _lookup(digest, reader)
    if not signatures:
        verdict.problems.append(_("Tệp không có chữ ký số."))
        return verdict
    context = ValidationContext(
        trust_roots=keys.trust_roots(), allow_fetching=False, revocation_mode="soft-fail"
    )
    signature = signatures[-1]
    try:
        status = outside_event_loop(validate_pdf_signature, signature, context)
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as error:
        log.info("results.verify_failed", error=type(error).__name__)
        verdict.problems.append(_("Chữ ký số không kiểm tra được: tệp đã bị sửa đổi."))
        return verdict
    if status.signing_cert is not None:
        verdict.signer = status.signing_cert.subject.human_friendly
    verdict.signed_at = status.signer_reported_dt
    if not status.intact:
        verdict.problems.append(_("Nội dung tệp đã bị thay đổi sau khi ký."))
    elif not status.valid:
        verdict.problems.append(_("Chữ ký số không hợp lệ."))
    if not status.trusted:
        verdict.problems.append(
            _("Chứng thư số của người ký không thuộc tổ chức chứng thực được tin cậy.")
        )
    if status.coverage is None or status.coverage.name != "ENTIRE_FILE":
        verdict.problems.append(_("Tệp có thêm nội dung sau khi ký."))
    if len(signatures) > 1:
        verdict.problems.append(_("Tệp có nhiều chữ ký; chỉ chữ ký cuối cùng được kiểm tra."))
    if issued_here:
        verdict.problems += _record_problems(verdict)
    verdict.valid = not verdict.problems
    return verdict
