"""The staff search's trigram indexes (dashboard/search.py), on PostgreSQL only.

pg_trgm's GIN indexes serve the search's `%>` (word similarity) and ILIKE on the fields it
reads. They are raw SQL, not model indexes, because SQLite has neither pg_trgm nor GIN: there
this migration does nothing and the search matches in Python. CREATE EXTENSION needs a
superuser (or the database owner on PostgreSQL 13+, pg_trgm being a trusted extension); where
the deploy user has neither, create it once by hand: `CREATE EXTENSION pg_trgm;`.
"""

from django.db import migrations

INDEXES = {
    "buildings_building_name_trgm": ("buildings_building", "name"),
    "buildings_building_address_trgm": ("buildings_building", "address"),
    "buildings_building_manager_org_trgm": ("buildings_building", "manager_org"),
    "buildings_region_name_trgm": ("buildings_region", "name"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    # The extension stays: something else may have come to use it.
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_exportjob"),
        ("buildings", "0008_alter_building_access_notes_and_more"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
