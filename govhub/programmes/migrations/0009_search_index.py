"""Index the programmes that exist already for full-text search (core's SearchEntry)."""

from django.db import migrations

from govhub.core.api import search_index_operation
from govhub.programmes.search import KIND, programme_search_documents


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0011_search"),
        ("programmes", "0008_list_indexes"),
    ]

    operations = [search_index_operation(KIND, "programmes.Programme", programme_search_documents)]
