"""Index the organisations that exist already for full-text search (core's SearchEntry)."""

from django.db import migrations

KIND = "organisations.organisation"


def index(apps, schema_editor):
    from govhub.core.api import search_index_bulk
    from govhub.organisations.search import organisation_search_documents

    model = apps.get_model("organisations", "Organisation")
    search_index_bulk(KIND, organisation_search_documents(model))


def unindex(apps, schema_editor):
    apps.get_model("core", "SearchEntry").objects.filter(kind=KIND).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0010_search"),
        ("organisations", "0003_invitation"),
    ]

    operations = [migrations.RunPython(index, unindex)]
