"""Index the documents issued already for full-text search (the register's title search)."""

from django.db import migrations

KIND = "core.document"


def index(apps, schema_editor):
    from govhub.core.documents.search import document_search_documents
    from govhub.core.search import search_index_bulk

    search_index_bulk(KIND, document_search_documents(apps.get_model("core", "IssuedDocument")))


def unindex(apps, schema_editor):
    apps.get_model("core", "SearchEntry").objects.filter(kind=KIND).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0010_search")]

    operations = [migrations.RunPython(index, unindex)]
