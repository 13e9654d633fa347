"""Filing through the service for an organisation (no applicant person): the attachments are
checked as for a citizen, the code taken, the organisation recorded in the audit log."""

from __future__ import annotations

import pytest
from tests.fixtures.accounts import make_citizen, make_organisation
from tests.fixtures.api import PDF, birth_registration

from motcua.catalog.models import Procedure
from motcua.core.models import AuditEntry, OutboxEvent
from motcua.documents.models import StoredFile
from motcua.documents.services import store_generated
from motcua.dossiers import services
from motcua.dossiers.codes import parse_code
from motcua.dossiers.models import ApplicantType, Dossier, DossierDocument, DossierEvent, Status
from motcua.forms.bundled import install_bundled_forms
from motcua.forms.selectors import form_for
from motcua.units.models import Commune, Province

pytestmark = pytest.mark.django_db


def test_an_organisations_dossier_waits_for_its_scan_then_is_filed():
    install_bundled_forms()
    user = make_citizen("Lê Văn Đại Diện")
    organisation = make_organisation(user)
    procedure = Procedure.objects.get(code="1.001193")
    province = Province.objects.get(qcvn_code="H36")
    commune = Commune.objects.filter(province=province).order_by("code").first()
    draft = Dossier.objects.create(
        procedure=procedure,
        form=form_for(procedure, province),
        submitted_by=user,
        applicant_organisation=organisation,
        applicant_type=ApplicantType.BUSINESS,
        province=province,
        commune=commune,
        # No e-ID behind an organisation: the person who files types who they are.
        data=birth_registration(province.code, commune.code)["answers"],
    )
    stored = store_generated(PDF, name="giấy chứng sinh.pdf", content_type="application/pdf")
    StoredFile.objects.filter(pk=stored.pk).update(scan_status="pending")
    DossierDocument.objects.create(
        dossier=draft, slot="birth_certificate", label="Giấy chứng sinh", file=stored
    )

    with pytest.raises(services.SubmissionIncomplete) as refused:
        services.submit(draft.public_id, actor=user)
    messages = [problem.message for problem in refused.value.problems]
    assert any("giấy chứng sinh.pdf" in m and "kiểm tra mã độc" in m for m in messages), messages
    assert Dossier.objects.get(pk=draft.pk).status == Status.DRAFT  # nothing half-written
    assert not DossierEvent.objects.filter(dossier=draft).exists()

    StoredFile.objects.filter(pk=stored.pk).update(scan_status="clean")
    filed = services.submit(draft.public_id, actor=user)
    stored_row = Dossier.objects.get(pk=draft.pk)
    assert stored_row.status == Status.SUBMITTED
    assert stored_row.code == filed.code
    assert parse_code(filed.code)[0] == stored_row.receiving_agency.code
    assert stored_row.applicant_name == organisation.name
    entry = AuditEntry.objects.get(action="dossier_submitted", object_id=str(draft.pk))
    assert entry.on_behalf_of_organisation == organisation
    assert entry.details["code"] == filed.code
    assert OutboxEvent.objects.get(topic="dossier.submitted").payload["code"] == filed.code
    assert DossierEvent.objects.get(dossier=draft).status == Status.SUBMITTED
    # Another's draft is not found, and this one filed again is returned unchanged.
    other = make_citizen("Người Khác")
    with pytest.raises(Dossier.DoesNotExist):
        services.submit(draft.public_id, actor=other)
    assert services.submit(draft.public_id, actor=user).code == filed.code
