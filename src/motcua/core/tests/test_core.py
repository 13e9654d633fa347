"""Health endpoint, security headers, settings helper and Vietnamese text helpers."""

from __future__ import annotations

import unicodedata

import pytest
from django.db import DatabaseError
from hypothesis import given
from hypothesis import strategies as st

from motcua.core.env import env
from motcua.core.text import fold, nfc, sort_key


@pytest.mark.django_db
def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    checks = response.json()
    assert checks.pop("broker", "ok") == "ok"  # a folder when embedded: nothing to reach
    assert checks == {"status": "ok", "database": "ok", "storage": "ok", "outbox": "ok"}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(self, sql, params=None):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["database"] == "down"


@pytest.mark.django_db
def test_healthz_names_the_broker_when_it_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "down"
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_healthz_says_the_outbox_is_late_without_failing(client, settings):
    from datetime import timedelta

    from django.utils import timezone

    from motcua.core.models import Delivery, OutboxEvent

    event = OutboxEvent.objects.create(topic="dossier.submitted")
    OutboxEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(hours=1))
    Delivery.objects.create(event=event, subscriber="somewhere")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["outbox"] == "late"


@pytest.mark.django_db
def test_metrics_show_the_outbox_backlog(client):
    from motcua.core.models import Delivery, OutboxEvent

    event = OutboxEvent.objects.create(topic="dossier.submitted")
    Delivery.objects.create(event=event, subscriber="motcua.tests.portal", attempts=2)
    body = client.get("/metrics").content.decode()
    assert 'motcua_outbox_pending_deliveries{subscriber="motcua.tests.portal"} 1.0' in body
    assert 'motcua_outbox_failing_deliveries{subscriber="motcua.tests.portal"} 1.0' in body
    assert "motcua_outbox_oldest_pending_seconds" in body


@pytest.mark.django_db
def test_every_response_carries_a_strict_content_security_policy(client):
    response = client.get("/healthz")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Request-Id"]


@pytest.mark.django_db
def test_a_request_id_sent_by_the_caller_is_returned(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="abc123")
    assert response["X-Request-Id"] == "abc123"


def test_env_casts_to_the_type_of_the_default(monkeypatch):
    monkeypatch.setenv("MOTCUA_TEST_FLAG", "yes")
    monkeypatch.setenv("MOTCUA_TEST_LIST", "a, b,,c")
    monkeypatch.setenv("MOTCUA_TEST_NUMBER", "42")
    assert env("MOTCUA_TEST_FLAG", False) is True
    assert env("MOTCUA_TEST_LIST", []) == ["a", "b", "c"]
    assert env("MOTCUA_TEST_NUMBER", 1) == 42
    assert env("MOTCUA_TEST_MISSING", "default") == "default"


def test_env_names_the_variable_when_a_value_is_wrong(monkeypatch):
    monkeypatch.setenv("MOTCUA_TEST_FLAG", "maybe")
    with pytest.raises(ValueError, match="MOTCUA_TEST_FLAG"):
        env("MOTCUA_TEST_FLAG", False)


def test_fold_removes_every_vietnamese_diacritic():
    assert fold("Đăng ký khai sinh") == "dang ky khai sinh"
    assert fold("Thủ tục cấp lại thẻ Căn cước") == "thu tuc cap lai the can cuoc"
    assert fold("ỸỹỴỵƯưƠơ") == "yyyyuuoo"


def test_nfc_composes_decomposed_text_and_collapses_spaces():
    decomposed = unicodedata.normalize("NFD", "  Thủ   tục ")
    assert nfc(decomposed) == "Thủ tục"
    assert unicodedata.is_normalized("NFC", nfc(decomposed))


def test_sort_key_follows_the_vietnamese_alphabet():
    words = ["Đăng ký", "Dân tộc", "Ăn uống", "An ninh", "Ân xá", "Bảo hiểm", "Ơn", "Ô tô", "Ở"]
    ordered = sorted(words, key=sort_key)
    assert ordered == [
        "An ninh",
        "Ăn uống",
        "Ân xá",
        "Bảo hiểm",
        "Dân tộc",
        "Đăng ký",
        "Ô tô",
        "Ơn",
        "Ở",
    ]


@given(st.text())
def test_fold_is_idempotent_and_never_longer(text):
    once = fold(text)
    assert fold(once) == once
    assert len(once) <= len(
        unicodedata.normalize("NFC", text.translate({0x111: "d", 0x110: "D"}))
    ) + len(text)


@pytest.mark.django_db
def test_a_database_outage_is_a_503_page_that_says_nothing_was_half_saved(client, monkeypatch):
    from django.db import OperationalError
    from django.db.backends.utils import CursorWrapper

    def down(self, sql, params=None):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(CursorWrapper, "execute", down)
    client.raise_request_exception = False
    page = client.get("/")
    assert page.status_code == 503
    assert page["Retry-After"] == "30"
    assert "tạm thời gián đoạn" in page.content.decode()

    api = client.get("/api/v1/procedures/", HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 503
    assert api.json()["error"]["code"] == "unavailable"
    assert api.json()["error"]["message"].startswith("The service is briefly unavailable")
