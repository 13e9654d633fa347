"""Client systems in the admin: a system administrator creates one with its agencies and
scopes, issues a key shown once that then works, and sees a failed webhook delivery to retry;
nobody else reaches these pages."""

from __future__ import annotations

import re

import pytest
from tests.fixtures.accounts import login_staff, make_staff

from motcua.api.models import ApiKey, ClientSystem
from motcua.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_system_administrator_creates_a_client_and_issues_a_key_shown_once(client, place):
    login_staff(client, make_staff("system_admin", None))
    response = client.post(
        "/quan-tri/api/clientsystem/add/",
        {
            "name": "Hệ thống một cửa tỉnh",
            "contact_name": "Phòng CNTT",
            "contact_email": "cntt@example.vn",
            "contact_phone": "",
            "scopes": ["dossiers:read"],
            "is_active": "on",
            "rate_per_minute": "0",
            "agencies-TOTAL_FORMS": "1",
            "agencies-INITIAL_FORMS": "0",
            "agencies-0-agency": str(place["here"].pk),
            "agencies-0-include_subunits": "on",
            "keys-TOTAL_FORMS": "0",
            "keys-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    made = ClientSystem.objects.get()
    assert made.scopes == ["dossiers:read"]
    assert made.agencies.get().agency == place["here"]
    assert not made.user.has_usable_password()

    page = client.post(
        "/quan-tri/api/clientsystem/",
        {"action": "issue_api_key", "_selected_action": [made.pk]},
        follow=True,
    )
    key = re.search(r"mc_[0-9a-f]+_[A-Za-z0-9_-]+", page.content.decode()).group(0)
    assert ApiKey.objects.get().digest not in page.content.decode()
    client.logout()
    assert client.get("/api/v1/webhooks", HTTP_X_API_KEY=key).status_code == 403  # no scope
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"api_client_created", "api_key_issued", "api_client_agencies_changed"} <= actions


def test_other_staff_do_not_reach_the_client_systems(client, place):
    login_staff(client, make_staff("clerk", place["here"].code))
    response = client.get("/quan-tri/api/clientsystem/")
    assert response.status_code == 302
    assert "/quan-tri/api/clientsystem/" not in response["Location"].split("?")[0]
