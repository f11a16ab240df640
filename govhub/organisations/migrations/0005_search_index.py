"""Index the organisations that exist already for full-text search (core's SearchEntry)."""

from django.db import migrations

from govhub.core.api import search_index_operation
from govhub.organisations.search import KIND, organisation_search_documents


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0011_search"),
        ("organisations", "0004_list_indexes"),
    ]

    operations = [
        search_index_operation(KIND, "organisations.Organisation", organisation_search_documents)
    ]
