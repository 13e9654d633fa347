"""The applicant's side of processing: answering a supplement request online (the clock runs
again) and asking to withdraw a dossier the agency has received."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.fixtures.accounts import login_citizen, make_citizen, make_staff
from tests.fixtures.dossiers import dossier_in

from motcua.documents.tests.samples import EICAR, pdf_bytes
from motcua.dossiers import processing, workflow
from motcua.dossiers.models import DossierDocument
from motcua.forms.bundled import install_bundled_forms
from motcua.units.models import Agency

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    install_bundled_forms()
    here = Agency.objects.filter(kind="commune_committee", code__endswith=".H36").order_by("code")[
        0
    ]
    owner = make_citizen("Trịnh Thị Nga")
    return {"here": here, "owner": owner, "clerk": make_staff("clerk", here.code)}


def test_the_applicant_answers_a_supplement_request_and_the_clock_runs_again(client, world):
    dossier = dossier_in(workflow.RECEIVED, here=world["here"], owner=world["owner"])
    processing.request_supplement(
        dossier.public_id, actor=world["clerk"], missing="Giấy xác nhận thông tin cư trú"
    )
    login_citizen(client, world["owner"])
    page = client.get(f"/ho-so/{dossier.public_id}/").content.decode()
    assert "Bổ sung hồ sơ" in page
    assert "Giấy xác nhận thông tin cư trú" in page
    refused = client.post(
        f"/ho-so/{dossier.public_id}/bo-sung/",
        {
            "tep": SimpleUploadedFile("virus.pdf", b"%PDF-1.4\n" + EICAR + b"\n%%EOF\n"),
            "ghi_chu": "Bản chụp rõ",
        },
    )
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "mã độc" in text
    assert "Bản chụp rõ" in text  # what was typed is kept
    dossier.refresh_from_db()
    assert workflow.state_of(dossier) == workflow.SUPPLEMENT
    response = client.post(
        f"/ho-so/{dossier.public_id}/bo-sung/",
        {"tep": SimpleUploadedFile("cu-tru.pdf", pdf_bytes(), content_type="application/pdf")},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert workflow.state_of(dossier) == workflow.RECEIVED  # nobody assigned yet
    assert dossier.paused_at is None
    assert (
        DossierDocument.objects.filter(dossier=dossier, slot__startswith="supplement-").count() == 1
    )
    again = client.post(
        f"/ho-so/{dossier.public_id}/bo-sung/",
        {"tep": SimpleUploadedFile("lan-nua.pdf", pdf_bytes(), content_type="application/pdf")},
    )
    assert again.status_code == 302  # not at that step any more: told, nothing stored
    assert (
        DossierDocument.objects.filter(dossier=dossier, slot__startswith="supplement-").count() == 1
    )


def test_after_reception_a_withdrawal_is_a_request_the_agency_confirms(client, world):
    dossier = dossier_in(workflow.RECEIVED, here=world["here"], owner=world["owner"])
    login_citizen(client, world["owner"])
    page = client.get(f"/ho-so/{dossier.public_id}/").content.decode()
    assert "đề nghị rút của bạn được gửi để cơ quan xác nhận" in page
    response = client.post(f"/ho-so/{dossier.public_id}/rut/", {"confirm": "yes"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert workflow.state_of(dossier) == workflow.WITHDRAWAL
    processing.confirm_withdrawal(dossier.public_id, actor=world["clerk"])
    dossier.refresh_from_db()
    assert dossier.status == 8
    assert dossier.finished_at is not None
