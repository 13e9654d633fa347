"""Rows written with a statement built once per model read back as the ORM writes them."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.utils import timezone
from tests.fixtures.accounts import UserFactory

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


def test_rows_held_together_are_written_at_the_end_in_one_statement(django_assert_num_queries):
    actor = UserFactory()
    statements = 1 + (1 if connection.vendor == "postgresql" else 2)  # the check, the rows
    with django_assert_num_queries(statements), rows.together():
        entry = rows.insert(AuditEntry(action="bench_baseline", actor=actor, details={"a": 1}))
        event = rows.insert(OutboxEvent(topic="dossier.submitted", payload={"code": "X-2"}))
        assert entry.pk is None  # held until the block ends
        assert not AuditEntry.objects.filter(action="bench_baseline").exists()
    assert entry.pk is not None
    assert not entry._state.adding
    assert AuditEntry.objects.get(pk=entry.pk).details == {"a": 1}
    assert AuditEntry.objects.get(pk=entry.pk).actor == actor
    assert OutboxEvent.objects.get(pk=event.pk).payload == {"code": "X-2"}
    # The same models again reuse the statement; a second entry gets its own key.
    with rows.together():
        again = rows.insert(AuditEntry(action="bench_baseline"))
        rows.insert(OutboxEvent(topic="dossier.submitted", payload={}))
    assert again.pk > entry.pk


def test_rows_held_in_a_block_that_fails_are_not_written():
    def fail() -> None:
        with rows.together():
            rows.insert(AuditEntry(action="bench_baseline"))
            rows.insert(OutboxEvent(topic="dossier.submitted", payload={}))
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        fail()
    assert not AuditEntry.objects.filter(action="bench_baseline").exists()
    assert not OutboxEvent.objects.filter(topic="dossier.submitted").exists()
    entry = rows.insert(AuditEntry(action="bench_baseline"))  # nothing held any more
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_a_row_read_by_key_is_the_orms_with_its_conversions():
    actor = UserFactory()
    entry = AuditEntry.objects.create(action="bench_baseline", actor=actor, details={"mã": [1]})
    read = rows.by_pk(AuditEntry, entry.pk)
    stored = AuditEntry.objects.get(pk=entry.pk)
    for field in AuditEntry._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(stored, field.attname), field.name
    assert read.details == {"mã": [1]}  # the JSON decoded, the date aware
    assert read.at.tzinfo is not None
    assert not read._state.adding
    assert rows.by_pk(AuditEntry, entry.pk + 1000) is None
    event = rows.insert(OutboxEvent(topic="dossier.submitted", payload={}))
    assert rows.by_pk(OutboxEvent, str(event.pk)).pk == event.pk  # a UUID key, given as text


def test_an_update_writes_the_fields_named_and_refreshes_auto_now():
    from motcua.accounts.models import Person

    person = Person.objects.create(user=UserFactory(), full_name="Nguyễn Văn An")
    before = person.updated_at
    person.full_name = "Nguyễn Văn Bình"
    person.permanent_address = "not written"
    rows.update(person, ["full_name", "updated_at"])
    stored = Person.objects.get(pk=person.pk)
    assert stored.full_name == "Nguyễn Văn Bình"
    assert stored.permanent_address != "not written"
    assert stored.updated_at > before
