"""The shipped life and business events (govhub/services/events.py)."""

from typing import Any

from django.db import migrations

from govhub.services.events import events_ensure


def forwards(apps: Any, schema_editor: Any) -> None:
    events_ensure(apps.get_model("services", "Event"))


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
