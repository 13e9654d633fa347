"""The audit log is append-only in the database too: a trigger aborts UPDATE and DELETE.

PostgreSQL: a row-level trigger (TRUNCATE is not covered; keep it to the table owner).
SQLite: two triggers that RAISE(ABORT). A later migration that rebuilds core_auditentry on
SQLite drops them: call ``forwards`` from here again in that migration.
"""

from django.db import migrations

TABLE = "core_auditentry"
MESSAGE = "core_auditentry is append-only"

POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION core_auditentry_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    f"DROP TRIGGER IF EXISTS core_auditentry_append_only ON {TABLE}",
    f"""
    CREATE TRIGGER core_auditentry_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION core_auditentry_append_only()
    """,
]
POSTGRESQL_REVERSE = [
    f"DROP TRIGGER IF EXISTS core_auditentry_append_only ON {TABLE}",
    "DROP FUNCTION IF EXISTS core_auditentry_append_only()",
]
SQLITE = [
    "DROP TRIGGER IF EXISTS core_auditentry_no_update",
    f"""
    CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
    "DROP TRIGGER IF EXISTS core_auditentry_no_delete",
    f"""
    CREATE TRIGGER core_auditentry_no_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditentry_no_update",
    "DROP TRIGGER IF EXISTS core_auditentry_no_delete",
]


def _run(schema_editor, statements):
    for sql in statements:
        schema_editor.execute(sql, params=None)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRESQL)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRESQL_REVERSE)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_REVERSE)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
