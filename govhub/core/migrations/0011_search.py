"""The search index: rows for every database, and the full-text part each database has
(PostgreSQL: a tsvector column with a GIN index; SQLite: an FTS5 table kept by triggers).

Careful on SQLite: a later AlterField on SearchEntry makes Django rebuild the table, which
drops these triggers; such a migration must create them again (`forwards`).
"""

from django.db import migrations, models

POSTGRES = [
    "ALTER TABLE core_searchentry ADD COLUMN vector tsvector NOT NULL DEFAULT ''",
    "CREATE INDEX core_searchentry_vector ON core_searchentry USING GIN (vector)",
]
POSTGRES_BACK = ["ALTER TABLE core_searchentry DROP COLUMN vector"]
SQLITE = [
    "CREATE VIRTUAL TABLE core_search_fts USING fts5(title, body, content='core_searchentry', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
    "CREATE TRIGGER core_searchentry_ai AFTER INSERT ON core_searchentry BEGIN "
    "INSERT INTO core_search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER core_searchentry_ad AFTER DELETE ON core_searchentry BEGIN "
    "INSERT INTO core_search_fts(core_search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER core_searchentry_au AFTER UPDATE ON core_searchentry BEGIN "
    "INSERT INTO core_search_fts(core_search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO core_search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
]
SQLITE_BACK = [
    "DROP TRIGGER core_searchentry_au",
    "DROP TRIGGER core_searchentry_ad",
    "DROP TRIGGER core_searchentry_ai",
    "DROP TABLE core_search_fts",
]
STATEMENTS = {"postgresql": (POSTGRES, POSTGRES_BACK), "sqlite": (SQLITE, SQLITE_BACK)}


def full_text(apps, schema_editor, *, back=False):
    forwards, backwards = STATEMENTS.get(schema_editor.connection.vendor, ([], []))
    for statement in backwards if back else forwards:
        schema_editor.execute(statement)


def forwards(apps, schema_editor):
    full_text(apps, schema_editor)


def backwards(apps, schema_editor):
    full_text(apps, schema_editor, back=True)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0010_data_version"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=64)),
                ("object_id", models.BigIntegerField()),
                ("organisation_id", models.BigIntegerField(blank=True, null=True)),
                ("title", models.TextField(blank=True, default="")),
                ("body", models.TextField(blank=True, default="")),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("kind", "object_id"), name="one_search_entry")
                ],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
