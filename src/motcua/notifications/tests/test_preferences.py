"""The citizen's page of notification preferences: the defaults shown, a plain form post that
saves a choice (no script needed), audited, and only for the citizen themself."""

from __future__ import annotations

import re

import pytest
from tests.fixtures.accounts import login_citizen, login_staff

from motcua.core.models import AuditEntry
from motcua.notifications.models import Preference
from motcua.notifications.preferences import choices

pytestmark = pytest.mark.django_db

URL = "/tai-khoan/nhan-thong-bao/"


def _checked(html: str) -> set[str]:
    return set(re.findall(r'name="([a-z_]+-(?:email|sms))" checked', html))


def test_the_page_shows_the_defaults_with_masked_addresses(client, citizen):
    login_citizen(client, citizen)
    html = client.get(URL).content.decode()
    checked = _checked(html)
    assert "dossier_received-sms" in checked
    assert "dossier_received-email" in checked
    assert "dossier_submitted-email" in checked
    assert "dossier_submitted-sms" not in checked
    assert "ha•••@example.vn" in html
    assert "09••••••78" in html
    assert "hanh@example.vn" not in html
    assert '<label class="checkbox__label" for="dossier_received-sms">' in html
    assert "<legend" in html


def test_a_choice_posted_without_javascript_is_saved_and_audited(client, citizen):
    login_citizen(client, citizen)
    response = client.post(URL, {"dossier_received-email": "on", "dossier_apology-sms": "on"})
    assert response.status_code == 302
    assert response["Location"] == URL
    saved = choices(citizen)
    assert saved["dossier_received"] == {"email": True, "sms": False}
    assert saved["dossier_apology"] == {"email": False, "sms": True}
    assert saved["dossier_submitted"] == {"email": False, "sms": False}
    assert Preference.objects.filter(user=citizen).count() == len(saved)
    entry = AuditEntry.objects.get(action="notification_preferences_changed")
    assert entry.actor == citizen
    page = client.get(URL).content.decode()
    assert "Đã lưu cách nhận thông báo của bạn." in page
    assert _checked(page) == {"dossier_received-email", "dossier_apology-sms"}


def test_the_page_needs_a_citizen_login(client, staff):
    assert client.get(URL).status_code == 302
    login_staff(client, staff["clerk"])
    assert client.get(URL).status_code == 403


def test_the_account_menu_and_the_notifications_page_lead_to_it(client, citizen):
    login_citizen(client, citizen)
    assert URL in client.get("/thong-bao/").content.decode()
    assert URL in client.get("/tai-khoan/ho-so/").content.decode()
