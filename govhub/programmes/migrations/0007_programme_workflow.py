"""Each programme points at its workflow instance, so a transition reads both in one query."""

import django.db.models.deletion
from django.db import migrations, models

SUBJECT = "programmes.programme"


def link(apps, schema_editor):
    Programme = apps.get_model("programmes", "Programme")
    Instance = apps.get_model("core", "WorkflowInstance")
    ids = dict(
        Instance.objects.filter(subject_type=SUBJECT).values_list("subject_id", "id").iterator()
    )
    batch = []
    for programme in Programme.objects.only("id").iterator():
        instance_id = ids.get(str(programme.pk))
        if instance_id is not None:
            programme.workflow_id = instance_id
            batch.append(programme)
        if len(batch) >= 1000:
            Programme.objects.bulk_update(batch, ["workflow"])
            batch = []
    Programme.objects.bulk_update(batch, ["workflow"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0009_workflow"),
        ("programmes", "0006_contribution_form_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="programme",
            name="workflow",
            field=models.OneToOneField(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.workflowinstance",
            ),
        ),
        migrations.RunPython(link, migrations.RunPython.noop),
    ]
