"""Index the documents issued already for full-text search (the register's title search)."""

from django.db import migrations

from govhub.core.documents.search import KIND, document_search_documents
from govhub.core.search.migration import search_index_operation


class Migration(migrations.Migration):
    dependencies = [("core", "0011_search")]

    operations = [search_index_operation(KIND, "core.IssuedDocument", document_search_documents)]
