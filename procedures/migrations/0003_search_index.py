"""Trigram index on the folded search text (PostgreSQL only; SQLite searches in Python)."""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS procedures_search_text_trgm "
        "ON procedures_procedure USING gin (search_text gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS procedures_search_text_trgm")


class Migration(migrations.Migration):
    dependencies = [("procedures", "0002_popularity")]

    operations = [migrations.RunPython(create_index, drop_index)]
