"""Where staff land after an action that takes the dossier out of their reach."""

from __future__ import annotations

import pytest
from tests.fixtures.accounts import login_staff, make_citizen, make_staff
from tests.fixtures.dossiers import dossier_in

from motcua.dossiers import workflow
from motcua.forms.bundled import install_bundled_forms
from motcua.units.models import Agency

pytestmark = pytest.mark.django_db


def test_the_partner_agency_hands_back_and_lands_on_its_queue_with_the_confirmation(client):
    install_bundled_forms()
    here = Agency.objects.filter(kind="commune_committee", code__endswith=".H36").first()
    partner = Agency.objects.get(code="000.00.04.H36")
    dossier = dossier_in(
        workflow.ELSEWHERE,
        here=here,
        owner=make_citizen("Võ Thị Mai"),
        specialist=make_staff("specialist", here.code),
        elsewhere=partner,
    )
    login_staff(client, make_staff("specialist", partner.code))
    page = f"/can-bo/ho-so/{dossier.public_id}/"
    assert client.get(page).status_code == 200  # held there: within reach

    response = client.post(f"{page}thao-tac/hand_back/", {"hand_back-note": "Đã xác minh."})

    assert response.status_code == 302
    assert response["Location"] == "/can-bo/ho-so/"
    queue = client.get(response["Location"]).content.decode()
    assert "Đã trả lại kết quả xử lý liên thông." in queue
    assert dossier.code not in queue
    dossier.refresh_from_db()
    assert workflow.state_of(dossier) == workflow.PROCESSING
    assert client.get(page).status_code == 404  # handed back: no longer theirs to see
