"""Filing at the desk: a clerk files a walk-in citizen's paper dossier with its scans, the
consent recorded and the clerk shown; it is told apart from self-service filing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.fixtures.accounts import login_staff, make_citizen, make_staff

from motcua.core.models import AuditEntry
from motcua.dossiers.models import Channel, Dossier, Status
from motcua.forms.bundled import install_bundled_forms

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def clerk():
    from motcua.units.models import Agency

    commune = Agency.objects.filter(code__endswith=".H36", kind="commune_committee").first()
    return make_staff("clerk", commune.code)


def test_a_clerk_files_a_paper_dossier_for_a_walk_in_citizen(client, clerk):
    install_bundled_forms()
    citizen = make_citizen("Đoàn Văn Lực")
    pid = citizen.person.active_pid.number
    login_staff(client, clerk)
    page = client.get("/can-bo/nop-ho-so/?thu_tuc=1.001193").content.decode()
    assert "Giấy chứng sinh" in page
    refused = client.post(
        "/can-bo/nop-ho-so/",
        {"thu_tuc": "1.001193", "applicant_pid": pid, "applicant_name": "Đoàn Văn Lực"},
    )
    assert refused.status_code == 400
    assert "Cần người dân đồng ý" in refused.content.decode()
    response = client.post(
        "/can-bo/nop-ho-so/",
        {
            "thu_tuc": "1.001193",
            "applicant_pid": pid,
            "applicant_name": "Đoàn Văn Lực",
            "applicant_phone": "0905111222",
            "consent": "on",
            "digitised": "on",
            "file_birth_certificate": SimpleUploadedFile("scan.pdf", PDF, "application/pdf"),
        },
    )
    dossier = Dossier.objects.get()
    assert response["Location"] == f"/can-bo/nop-ho-so/{dossier.public_id}/"
    assert dossier.channel == Channel.DIRECT
    assert dossier.status == Status.SUBMITTED
    assert dossier.assisted_by == clerk
    assert dossier.consent_at is not None
    assert dossier.digitised
    assert dossier.receiving_agency == clerk.agency
    assert dossier.code.startswith(clerk.agency.code + "-")
    assert dossier.applicant_person == citizen.person  # the citizen sees it in their list
    assert dossier.documents.get().slot == "birth_certificate"
    assert AuditEntry.objects.get(action="dossier_filed_at_desk").actor == clerk
    done = client.get(response["Location"]).content.decode()
    assert dossier.code in done
    pdf = client.get(f"/can-bo/ho-so/{dossier.public_id}/xac-nhan.pdf")
    assert pdf["Content-Type"] == "application/pdf"


def test_only_staff_who_receive_dossiers_file_at_the_desk(client):
    login_staff(client, make_staff("specialist", "000.00.04.H36"))
    assert client.get("/can-bo/nop-ho-so/").status_code == 403
