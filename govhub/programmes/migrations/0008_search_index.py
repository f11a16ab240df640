"""Index the programmes that exist already for full-text search (core's SearchEntry)."""

from django.db import migrations

KIND = "programmes.programme"


def index(apps, schema_editor):
    from govhub.core.api import search_index_bulk
    from govhub.programmes.search import programme_search_documents

    model = apps.get_model("programmes", "Programme")
    search_index_bulk(KIND, programme_search_documents(model))


def unindex(apps, schema_editor):
    apps.get_model("core", "SearchEntry").objects.filter(kind=KIND).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0010_search"),
        ("programmes", "0007_programme_workflow"),
    ]

    operations = [migrations.RunPython(index, unindex)]
