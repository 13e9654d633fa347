"""Migration operations that keep a large table writable while they run."""

from __future__ import annotations

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db.migrations.operations import AddIndex


class AddIndexOnline(AddIndexConcurrently):
    """``AddIndex`` that, on PostgreSQL, builds the index with ``CREATE INDEX CONCURRENTLY``:
    the table takes writes meanwhile (a filing never waits for a migration). Elsewhere (the
    embedded SQLite) a plain ``CREATE INDEX``. The migration must say ``atomic = False``."""

    @staticmethod
    def _way(schema_editor) -> type[AddIndex]:
        concurrent = schema_editor.connection.vendor == "postgresql"
        return AddIndexConcurrently if concurrent else AddIndex

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        way = self._way(schema_editor)
        way.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        way = self._way(schema_editor)
        way.database_backwards(self, app_label, schema_editor, from_state, to_state)
