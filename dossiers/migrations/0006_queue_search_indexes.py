"""Search indexes of the officials' queues (PostgreSQL only; SQLite scans).

Code prefix search uses a pattern-ops btree; applicant name search a trigram GIN index, so
that searching 1,000,000 dossiers stays an index lookup.
"""

from django.db import migrations


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS dossier_code_prefix "
        "ON dossiers_dossier (code varchar_pattern_ops)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS dossier_applicant_name_trgm "
        "ON dossiers_dossier USING gin (upper(applicant_name) gin_trgm_ops)"
    )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS dossier_code_prefix")
    schema_editor.execute("DROP INDEX IF EXISTS dossier_applicant_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0005_process")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
