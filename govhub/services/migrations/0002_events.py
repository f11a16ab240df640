"""The shipped life and business events (govhub/services/events.py)."""

from typing import Any

from django.db import migrations

from govhub.services.events import EVENTS


def forwards(apps: Any, schema_editor: Any) -> None:
    Event = apps.get_model("services", "Event")
    for position, (code, kind, en, ru, prs) in enumerate(EVENTS, start=1):
        Event.objects.update_or_create(
            code=code,
            defaults={
                "kind": kind,
                "name": en,
                "name_translations": {"ru": ru, "fa-af": prs},
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
