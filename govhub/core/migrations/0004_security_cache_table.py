"""The database cache table that holds the security counters (docs/adr/0012).

Created whatever CACHES says today, so that switching GOVHUB_SECURITY_CACHE_URL or CACHE_URL
back to the database later finds it ready; Django's own `createcachetable` makes the same table.
"""

from __future__ import annotations

import io
from typing import Any

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "govhub_cache"


def create_table(apps: Any, schema_editor: Any) -> None:
    command = CreateCacheTable(stdout=io.StringIO())
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, False)


def drop_table(apps: Any, schema_editor: Any) -> None:
    quoted = schema_editor.connection.ops.quote_name(TABLE)
    schema_editor.execute(f"DROP TABLE IF EXISTS {quoted}")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_auditentry_key_id"),
    ]

    operations = [
        migrations.RunPython(create_table, drop_table, elidable=False),
    ]
