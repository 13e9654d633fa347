"""Full-text search structures that Django's schema does not describe.

PostgreSQL: ``unaccent`` and ``pg_trgm``, an immutable unaccent wrapper, a generated
``tsvector`` column with a GIN index, and a trigram GIN index on the folded name.
SQLite: FTS5 tables (word and trigram tokenizers) holding the folded text.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    CREATE OR REPLACE FUNCTION motcua_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$
    """,
    # Words as the Python side splits them (ASCII letters and digits), so that both engines
    # index exactly the same tokens.
    """
    CREATE OR REPLACE FUNCTION motcua_search_words(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT regexp_replace(motcua_unaccent($1), '[^a-z0-9]+', ' ', 'g') $$
    """,
    """
    ALTER TABLE catalog_searchdocument ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', motcua_search_words(names)), 'A')
        || setweight(to_tsvector('simple', motcua_search_words(keywords)), 'B')
    ) STORED
    """,
    "CREATE INDEX catalog_search_vector_idx ON catalog_searchdocument USING gin (search_vector)",
    """
    CREATE INDEX catalog_search_name_trgm_idx ON catalog_searchdocument
    USING gin (motcua_unaccent(name) gin_trgm_ops)
    """,
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS catalog_search_name_trgm_idx",
    "DROP INDEX IF EXISTS catalog_search_vector_idx",
    "ALTER TABLE catalog_searchdocument DROP COLUMN IF EXISTS search_vector",
    "DROP FUNCTION IF EXISTS motcua_search_words(text)",
    "DROP FUNCTION IF EXISTS motcua_unaccent(text)",
]
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE catalog_search_fts USING fts5("
    "names, keywords, tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE catalog_search_trigram USING fts5(name, tokenize = 'trigram')",
]
SQLITE_BACKWARD = [
    "DROP TABLE IF EXISTS catalog_search_trigram",
    "DROP TABLE IF EXISTS catalog_search_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
