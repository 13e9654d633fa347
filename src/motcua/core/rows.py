"""Statements built once per model, for the rows every request reads or every change writes.

Each dossier change writes its timeline event, its audit entry and its outbox event. Through
``Model.save()`` the ORM compiles a fresh INSERT for each of them, which costs more than the
database's work on these small rows. ``insert(instance)`` builds the statement once per
model and database, then only binds the values: the same columns, the same conversions
(``pre_save`` for ``auto_now_add``, ``get_db_prep_save``), the primary key read back.

No ``pre_save``/``post_save`` signals are sent: use it only for append-only models that have
no receivers (audit entries, outbox events, dossier events).

Inside ``with together():`` the inserts are held and written when the block ends, in one
statement on PostgreSQL (one round trip instead of one each: a filing writes three such rows);
the rows get their primary keys then.

``by_pk(model, pk)`` reads one row the same way (the signed-in account, read on every
request), and ``reader(model)`` gives a model's columns and builds instances for hand-written
reads, with the fields' own conversions from the database; ``update(instance, fields)``
writes fields of a saved row.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TypeVar

from django.db import connections, models, router

M = TypeVar("M", bound=models.Model)

_STATEMENTS: dict[tuple[type[models.Model], str], tuple[str, list[models.Field], bool]] = {}
_READS: dict[tuple, Reader] = {}
_UPDATES: dict[tuple, tuple[str, list[models.Field]]] = {}  # SET clauses
_TOGETHER: dict[tuple, str] = {}


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
    """Write ``instance`` as a new row (in the current transaction) and return it saved; inside
    ``together()``, when the block ends."""
    model = type(instance)
    alias = router.db_for_write(model, instance=instance)
    connection = connections[alias]
    _sql, fields, _returning = _statement(model, alias)
    values = prepared(instance, fields, connection, adding=True)
    held = getattr(connection, "_motcua_held_rows", None)
    if held is not None:
        held.append((instance, values))
        return instance
    _insert_now(instance, alias, values)
    return instance


def prepared(instance: models.Model, fields, connection, *, adding: bool) -> list:
    """The values of ``fields`` as ``save()`` writes them (``pre_save``: ``auto_now``…)."""
    return [f.get_db_prep_save(f.pre_save(instance, adding), connection) for f in fields]


def _insert_now(instance: models.Model, alias: str, values: list) -> None:
    sql, _fields, returning = _statement(type(instance), alias)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, values)
        _saved(instance, alias, cursor.fetchone()[0] if returning else None, cursor)


def _saved(instance: models.Model, alias: str, pk, cursor) -> None:
    meta = instance._meta
    auto = meta.auto_field
    if auto is not None:
        if pk is None:
            pk = connections[alias].ops.last_insert_id(cursor, meta.db_table, auto.column)
        setattr(instance, auto.attname, pk)
    instance._state.adding = False
    instance._state.db = alias


@contextmanager
def together(alias: str = "default"):
    """Hold the ``insert()`` calls of the block and write them when it ends (see the module)."""
    connection = connections[alias]
    if getattr(connection, "_motcua_held_rows", None) is not None:  # already inside one
        yield
        return
    connection._motcua_held_rows = held = []
    try:
        yield
    finally:
        connection._motcua_held_rows = None
    if held:
        _write_held(connection, alias, held)


def _write_held(connection, alias: str, held: list) -> None:
    if connection.vendor != "postgresql" or len(held) == 1:
        for instance, values in held:
            _insert_now(instance, alias, values)
        return
    models_key = (alias, tuple(type(instance) for instance, _values in held))
    if models_key not in _TOGETHER:
        parts, reads = [], []
        for index, (instance, _values) in enumerate(held):
            sql, _fields, returning = _statement(type(instance), alias)
            parts.append(f"r{index} AS ({sql})")
            auto = instance._meta.auto_field
            if returning:
                column = connection.ops.quote_name(auto.column)
                reads.append(f"(SELECT {column} FROM r{index})")  # noqa: S608 (metadata)
            else:
                reads.append("NULL")
        _TOGETHER[models_key] = "WITH {} SELECT {}".format(", ".join(parts), ", ".join(reads))
    with connection.cursor() as cursor:
        cursor.execute(_TOGETHER[models_key], [v for _instance, values in held for v in values])
        keys = cursor.fetchone()
    for (instance, _values), pk in zip(held, keys, strict=True):
        _saved(instance, alias, pk, None)


class Reader:
    """A model's columns for a hand-written SELECT (``columns``, qualified by the table), and
    the instance built from the ``width`` values of a row from ``start``, with the fields'
    conversions from the database."""

    def __init__(self, model: type[models.Model], alias: str):
        connection = connections[alias]
        quote = connection.ops.quote_name
        meta = model._meta
        fields = list(meta.concrete_fields)
        table = quote(meta.db_table)
        self.model, self.alias = model, alias
        self.columns = ", ".join(f"{table}.{quote(f.column)}" for f in fields)
        self.names = [f.attname for f in fields]
        self.width = len(fields)
        self.by_pk: str | None = None  # the statement of ``by_pk``, once built
        self.converters = []
        for index, field in enumerate(fields):
            column = field.get_col(meta.db_table)
            found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
            if found:
                self.converters.append((index, column, found))

    def build(self, row, start: int = 0) -> models.Model:
        values = list(row[start : start + self.width])
        connection = connections[self.alias]  # this thread's
        for index, column, functions in self.converters:
            for convert in functions:
                values[index] = convert(values[index], column, connection)
        return self.model.from_db(self.alias, self.names, values)


def reader(model: type[models.Model], alias: str = "default") -> Reader:
    key = (model, alias)
    if key not in _READS:
        _READS[key] = Reader(model, alias)
    return _READS[key]


def by_pk(model: type[M], pk) -> M | None:
    """The row of ``model`` with primary key ``pk``, or None."""
    alias = router.db_for_read(model)
    connection = connections[alias]
    read = reader(model, alias)
    meta = model._meta
    if read.by_pk is None:
        quote = connection.ops.quote_name
        read.by_pk = (
            f"SELECT {read.columns} FROM {quote(meta.db_table)} "  # noqa: S608 (metadata)
            f"WHERE {quote(meta.pk.column)} = %s"
        )
    with connection.cursor() as cursor:
        cursor.execute(read.by_pk, [meta.pk.get_db_prep_value(pk, connection)])
        row = cursor.fetchone()
    return None if row is None else read.build(row)


def assignments(model: type[models.Model], field_names, alias: str = "default"):
    """``"col" = %s, …`` for ``field_names`` of ``model``, and the fields: built once."""
    key = (model, alias, tuple(field_names))
    if key not in _UPDATES:
        quote = connections[alias].ops.quote_name
        fields = [model._meta.get_field(name) for name in field_names]
        _UPDATES[key] = (", ".join(f"{quote(f.column)} = %s" for f in fields), fields)
    return _UPDATES[key]


def update(instance: models.Model, field_names: list[str]) -> None:
    """Write ``field_names`` of a saved ``instance`` (``auto_now`` fields refreshed), as
    ``save(update_fields=…)`` would, with a statement built once per model and fields. No
    signals are sent: only for models that have no receivers."""
    model = type(instance)
    alias = router.db_for_write(model, instance=instance)
    connection = connections[alias]
    quote = connection.ops.quote_name
    meta = model._meta
    clause, fields = assignments(model, field_names, alias)
    sql = f"UPDATE {quote(meta.db_table)} SET {clause} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
    values = prepared(instance, fields, connection, adding=False)
    values.append(meta.pk.get_db_prep_value(instance.pk, connection))
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
