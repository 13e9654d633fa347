"""Rows written with a statement built once per model read back as the ORM writes them."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from motcua.core import rows
from motcua.core.models import AuditEntry, OutboxEvent

pytestmark = pytest.mark.django_db


def test_an_inserted_row_reads_back_with_its_key_defaults_and_json():
    before = timezone.now()
    entry = rows.insert(
        AuditEntry(action="bench_baseline", object_id="7", details={"mã": "Hồ sơ", "n": [1, 2]})
    )
    assert entry.pk is not None
    assert not entry._state.adding
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.details == {"mã": "Hồ sơ", "n": [1, 2]}
    assert stored.object_id == "7"
    assert stored.actor_id is None
    assert stored.at >= before  # auto_now_add applied, as save() does
    second = rows.insert(AuditEntry(action="bench_baseline"))
    assert second.pk > entry.pk


def test_a_row_with_a_client_side_key_keeps_it():
    event = rows.insert(OutboxEvent(topic="dossier.submitted", payload={"code": "X-1"}))
    assert isinstance(event.pk, uuid.UUID)
    stored = OutboxEvent.objects.get(pk=event.pk)
    assert stored.payload == {"code": "X-1"}
    assert stored.relayed_at is None
