"""Inserting a row with a statement built once per model, for the rows every change writes.

Each dossier change writes its timeline event, its audit entry and its outbox event. Through
``Model.save()`` the ORM compiles a fresh INSERT for each of them, which costs more than the
database's work on these small rows. ``insert(instance)`` builds the statement once per
model and database, then only binds the values: the same columns, the same conversions
(``pre_save`` for ``auto_now_add``, ``get_db_prep_save``), the primary key read back.

No ``pre_save``/``post_save`` signals are sent: use it only for append-only models that have
no receivers (audit entries, outbox events, dossier events).
"""

from __future__ import annotations

from typing import TypeVar

from django.db import connections, models, router

M = TypeVar("M", bound=models.Model)

_STATEMENTS: dict[tuple[type[models.Model], str], tuple[str, list[models.Field], bool]] = {}


def _statement(model: type[models.Model], alias: str) -> tuple[str, list[models.Field], bool]:
    key = (model, alias)
    if key not in _STATEMENTS:
        connection = connections[alias]
        quote = connection.ops.quote_name
        meta = model._meta
        auto = meta.auto_field
        fields = [f for f in meta.local_concrete_fields if f is not auto and not f.generated]
        # Names come from the model's metadata, quoted; the values are bound parameters.
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
            quote(meta.db_table),
            ", ".join(quote(f.column) for f in fields),
            ", ".join(["%s"] * len(fields)),
        )
        returning = auto is not None and connection.features.can_return_columns_from_insert
        if returning:
            sql += f" RETURNING {quote(auto.column)}"
        _STATEMENTS[key] = (sql, fields, returning)
    return _STATEMENTS[key]


def insert(instance: M) -> M:
    """Write ``instance`` as a new row (in the current transaction) and return it saved."""
    model = type(instance)
    alias = router.db_for_write(model, instance=instance)
    connection = connections[alias]
    sql, fields, returning = _statement(model, alias)
    values = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    auto = model._meta.auto_field
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        if returning:
            setattr(instance, auto.attname, cursor.fetchone()[0])
        elif auto is not None:
            setattr(
                instance,
                auto.attname,
                connection.ops.last_insert_id(cursor, model._meta.db_table, auto.column),
            )
    instance._state.adding = False
    instance._state.db = alias
    return instance
