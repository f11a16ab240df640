"""Programmes move onto core's workflow engine: each programme gets its instance of the
`isg-programme` definition at its current step, its step decisions become the instance's
decisions, and the per-programme model copy and the StepDecision table go.

Every existing programme is put on the seed's definition (version 1), whatever model copy
it carried: GovHub shipped no other model, and a deployment that ran its own must map its
programmes by hand before migrating (the migration stops if it finds a step the seed lacks).
"""

import hashlib
import json
from pathlib import Path

import yaml
from django.db import migrations

KEY = "isg-programme"
SUBJECT = "programmes.programme"
FILE = Path(__file__).resolve().parent.parent / "isg-programme.yaml"


def _document():
    """The definition file and its fingerprint, as core's workflow engine takes it (the
    canonical JSON's SHA-256; written out here so the migration does not change with code)."""
    document = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return document, hashlib.sha256(canonical.encode()).hexdigest()


def forwards(apps, schema_editor):
    Programme = apps.get_model("programmes", "Programme")
    StepDecision = apps.get_model("programmes", "StepDecision")
    Version = apps.get_model("core", "WorkflowDefinitionVersion")
    Instance = apps.get_model("core", "WorkflowInstance")
    Decision = apps.get_model("core", "WorkflowDecision")
    if not Programme.objects.exists():
        return
    document, sha = _document()
    steps = [s["key"] for s in document["states"] if not s.get("final")]
    final = next(s["key"] for s in document["states"] if s.get("final"))
    version, _created = Version.objects.get_or_create(
        key=KEY, version=document["version"], defaults={"document": document, "sha256": sha}
    )
    label = f"{KEY}:{document['version']}"

    def state(step):
        if not 1 <= step <= len(steps):
            raise RuntimeError(f"a programme is at step {step}, which the seed's model lacks")
        return steps[step - 1]

    for programme in Programme.objects.order_by("pk").iterator():
        closed = programme.status == "closed"
        instance = Instance.objects.create(
            definition=version,
            definition_key=KEY,
            subject_type=SUBJECT,
            subject_id=str(programme.pk),
            state=final if closed else state(programme.current_step),
            created_at=programme.created_at,
            entered_at=programme.step_started_at,
            deadline=None if closed else programme.deadline,
        )
        Decision.objects.create(
            instance=instance,
            kind="start",
            to_state=state(1),
            organisation_id=programme.initiator_id,
            created_at=programme.created_at,
        )
        for d in StepDecision.objects.filter(programme=programme).order_by("created_at", "id"):
            Decision.objects.create(
                instance=instance,
                kind="transition",
                transition=d.action,
                from_state=state(d.from_step),
                to_state=final if d.action == "close" else state(d.to_step),
                reason=d.reason,
                actor_id=d.actor_id,
                organisation_id=d.organisation_id,
                created_at=d.created_at,
            )
        Programme.objects.filter(pk=programme.pk).update(model_version=label)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0009_workflow"),
        ("programmes", "0004_review_achievement_as_public_as_the_review"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(model_name="programme", name="model_snapshot"),
        migrations.DeleteModel(name="StepDecision"),
    ]
