"""Issuing a dossier's signed electronic result.

``issue`` runs inside the transition that decides the dossier (``approve``): it draws the
result from its template, signs it with the resolving agency's key (``keys``), keeps the file,
records it with its hash and verification code, puts it in the applicant's document store, and
writes the audit entry and the outbox event — all in the caller's transaction, so an approval
that fails leaves no result behind (only, at worst, unreferenced bytes in the file storage).
"""

from __future__ import annotations

import hashlib
from io import BytesIO

import structlog
from django.db import transaction
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers

from motcua.core import audit, outbox
from motcua.documents import services as documents
from motcua.documents.models import StoreItemKind
from motcua.dossiers.services import DossierError

from . import keys, render
from .blocking import outside_event_loop
from .models import ResultDocument, new_verification_code

log = structlog.get_logger(__name__)

SIGNATURE_FIELD = "ChuKySoCoQuan"


class ResultError(DossierError):
    """The result could not be issued (the decision is not taken either); ``message_vi``
    says why."""


def sign_pdf(pdf: bytes, identity: keys.SigningIdentity, *, reason: str, location: str) -> bytes:
    """``pdf`` with an invisible signature of ``identity`` over the whole file."""
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        reason=reason[:200],
        location=location[:100],
        md_algorithm="sha256",
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    signed = outside_event_loop(signers.sign_pdf, writer, metadata, signer=identity.signer)
    return signed.getvalue()


def number_for(dossier) -> str:
    return f"{dossier.code}/KQ"


@transaction.atomic
def issue(dossier, *, actor, now, request=None) -> ResultDocument:
    """Draw, sign and keep the result of ``dossier`` (decided now by ``actor``)."""
    existing = ResultDocument.objects.filter(dossier=dossier).first()
    if existing is not None:
        return existing
    agency = dossier.resolving_agency
    code = new_verification_code()
    signer_name = (actor.get_full_name() if actor else "") or agency.name
    try:
        drafted = render.draft(
            dossier, number=number_for(dossier), code=code, decided_at=now,
            signer_name=signer_name,
        )  # fmt: skip
    except render.TemplateProblem as error:
        raise ResultError(
            "template", _("Mẫu kết quả của thủ tục này bị lỗi: %(e)s") % {"e": error}
        ) from error
    try:
        with keys.key_store().signing(agency) as identity:
            signed = sign_pdf(
                drafted.pdf,
                identity,
                reason=_("Kết quả giải quyết hồ sơ %(code)s") % {"code": dossier.code},
                location=dossier.province.name if dossier.province_id else "",
            )
    except keys.SigningUnavailable as error:
        log.error("results.signing_unavailable", agency=agency.code, error=str(error))
        raise ResultError(
            "signing",
            _(
                "Chưa ký số được kết quả: không dùng được chứng thư số của %(agency)s. "
                "Hãy báo quản trị hệ thống."
            )
            % {"agency": agency.name},
        ) from error
    stored = documents.store_generated(
        signed, name=f"ket-qua-{dossier.code}.pdf", content_type="application/pdf"
    )
    result = ResultDocument.objects.create(
        dossier=dossier,
        file=stored,
        verification_code=code,
        number=drafted.number,
        title=drafted.title,
        agency=agency,
        signed_by=actor,
        signer_subject=identity.subject,
        certificate_serial=identity.serial,
        certificate_fingerprint=identity.fingerprint,
        signed_at=now,
        sha256=hashlib.sha256(signed).hexdigest(),
        template=drafted.template,
        template_version=drafted.template.version if drafted.template else 0,
        key_store=identity.store,
    )
    _to_store(dossier, result, actor=actor, request=request)
    audit.record(
        "result_issued", actor=actor, obj=result, request=request, code=dossier.code,
        certificate=identity.serial,
    )  # fmt: skip
    outbox.emit(
        "dossier.result_issued",
        aggregate=dossier,
        code=dossier.code,
        number=result.number,
        verification_code=code,
        sha256=result.sha256,
    )
    log.info("results.issued", code=dossier.code, store=identity.store)
    return result


def _to_store(dossier, result: ResultDocument, *, actor, request) -> None:
    person, organisation = dossier.applicant_person, dossier.applicant_organisation
    if person is None and organisation is None:
        return
    documents.add_to_store(
        result.file,
        person=None if organisation is not None else person,
        organisation=organisation,
        title=result.title,
        kind=StoreItemKind.RESULT,
        source_dossier_code=dossier.code,
        actor=actor,
        request=request,
    )
