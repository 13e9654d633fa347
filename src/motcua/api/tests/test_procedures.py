"""Public API v1: procedure list and detail, errors, and the committed OpenAPI schema."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command

pytestmark = pytest.mark.django_db

LIST = "/api/v1/procedures/"


def test_the_list_without_a_query_returns_the_whole_catalogue(client):
    response = client.get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] >= 5500
    assert len(body["results"]) == 20
    assert {"code", "name", "level", "field", "url"} <= set(body["results"][0])


def test_a_query_returns_results_by_relevance_with_links(client):
    body = client.get(LIST, {"q": "dang ky khai sinh", "limit": 5}).json()
    first = body["results"][0]
    assert first["national_code"] == "1.001193"
    assert first["url"].endswith("/thu-tuc/1.001193/")
    assert "Cấp xã" in first["level"]


def test_limit_and_offset_page_through_the_results(client):
    first = client.get(LIST, {"q": "giấy phép", "limit": 10}).json()
    second = client.get(LIST, {"q": "giấy phép", "limit": 10, "offset": 10}).json()
    assert first["count"] == second["count"]
    assert not {r["code"] for r in first["results"]} & {r["code"] for r in second["results"]}


def test_bad_parameters_are_all_reported_in_vietnamese_and_english(client):
    response = client.get(LIST, {"limit": 0, "offset": -1, "level": "huyện"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["message"]
    assert error["message_en"]
    assert {"limit", "offset", "level"} <= set(error["fields"])


def test_an_unknown_filter_value_is_a_structured_error(client):
    response = client.get(LIST, {"province": "H99"})
    assert response.status_code == 400
    assert "province" in response.json()["error"]["fields"]


def test_the_province_filter_accepts_the_qcvn_code(client):
    body = client.get(LIST, {"q": "khai sinh", "province": "H37"}).json()
    assert body["count"] > 0
    assert all(r["province"] in (None, "Tỉnh Lạng Sơn") for r in body["results"])


def test_the_detail_gives_the_structured_record(client):
    response = client.get("/api/v1/procedures/1.001193")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "1.001193"
    assert body["documents"]
    assert body["documents"][0]["name"]
    channel = body["channels"][0]
    assert channel["channel"] in {"direct", "online", "postal", "other"}
    assert channel["fee_kind"] in {"amount", "free", "unknown"}
    assert {lst["province_qcvn_code"] for lst in body["listings"]} >= {"H36", "H37"}
    assert body["listing"] is None


def test_a_processing_time_is_a_number_with_its_unit(client):
    body = client.get("/api/v1/procedures/1.010093").json()
    channel = body["channels"][0]
    assert channel["time_value"] == 2
    assert channel["time_unit"] == "working_day"


def test_a_local_code_returns_the_procedure_with_that_listing(client):
    body = client.get("/api/v1/procedures/1.001193.000.00.00.H36").json()
    assert body["code"] == "1.001193"
    assert body["listing"]["local_code"] == "1.001193.000.00.00.H36"
    assert body["listing"]["province_qcvn_code"] == "H36"


def test_an_unknown_code_is_a_structured_404(client):
    response = client.get("/api/v1/procedures/9.999999")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_committed_openapi_schema_is_up_to_date(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(generated), "--validate")
    committed = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.yaml"
    assert yaml.safe_load(generated.read_text()) == yaml.safe_load(committed.read_text()), (
        "docs/api/openapi.yaml is stale: run `make schema`"
    )
