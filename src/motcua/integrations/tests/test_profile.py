"""The profile page shows what the population database holds, or says it could not ask."""

from __future__ import annotations

import pytest

from motcua.accounts.models import Person
from motcua.integrations.population.services import prefill_for

pytestmark = pytest.mark.django_db

SECTION = "Thông tin từ Cơ sở dữ liệu quốc gia về dân cư"
DEGRADED = "Chưa lấy được thông tin từ Cơ sở dữ liệu quốc gia về dân cư"


def _ddmmyyyy(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def test_profile_shows_the_registry_record(client, log_in, population_settings, citizens):
    _, response = log_in(0)
    assert response.status_code == 302
    page = client.get("/tai-khoan/ho-so/")
    assert page.status_code == 200
    html = page.content.decode()
    citizen = citizens[0]
    assert SECTION in html
    assert DEGRADED not in html
    section = html.split(SECTION, 1)[1]
    assert citizen["name"] in section
    assert _ddmmyyyy(citizen["birthdate"]) in section
    assert {"male": "Nam", "female": "Nữ"}[citizen["gender"]] in section
    assert citizen["address"]["formatted"] in section
    assert citizen["pid"] not in html


def test_profile_degrades_when_the_registry_is_down(
    client, log_in, population_settings, closed_port_url, citizens
):
    _, response = log_in(0)
    assert response.status_code == 302
    population_settings.MOTCUA_POPULATION_URL = closed_port_url
    page = client.get("/tai-khoan/ho-so/")
    assert page.status_code == 200
    html = page.content.decode()
    assert SECTION in html
    assert DEGRADED in html
    assert "Bạn vẫn có thể nộp hồ sơ; các ô sẽ không được điền sẵn." in html
    assert "không kết nối được" in html


def test_prefill_for_a_person(log_in, population_settings, closed_port_url, citizens):
    log_in(0)
    person = Person.objects.get(documents__number=citizens[0]["pid"])
    prefill = prefill_for(person)
    assert prefill.found
    assert not prefill.degraded
    assert prefill.record.full_name == citizens[0]["name"]
    population_settings.MOTCUA_POPULATION_URL = closed_port_url
    prefill = prefill_for(person)
    assert prefill.degraded
    assert prefill.record is None
    assert prefill.reason_vi
