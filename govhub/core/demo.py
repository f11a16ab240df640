"""For `govhub demo --reset` only: who worked on the demo's objects, and the demo's issued
documents going with the demo's programmes.

Issued documents are otherwise never deleted (the register keeps them); the numbers of
deleted ones are not given again (the series keep counting)."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from django.db import transaction

from govhub.core.files.storage import file_storage
from govhub.core.models import AuditEntry, IssuedDocument, StoredFile


def demo_audit_actors(*, target_type: str, target_ids: list[str]) -> dict[str, set[int | None]]:
    """The people (ids; None for the system) the audit log records acting on each target."""
    actors: dict[str, set[int | None]] = {}
    for target_id, actor_id in AuditEntry.objects.filter(
        target_type=target_type, target_id__in=target_ids
    ).values_list("target_id", "actor_id"):
        actors.setdefault(target_id, set()).add(actor_id)
    return actors


@transaction.atomic
def demo_documents_discard(*, subject_type: str, subject_ids: list[str]) -> int:
    """Delete the documents issued about these demo subjects, and their PDFs; returns how many."""
    documents = IssuedDocument.objects.filter(subject_type=subject_type, subject_id__in=subject_ids)
    files = list(documents.values_list("file_id", "file__key"))
    deleted, _ = documents.delete()
    StoredFile.objects.filter(pk__in=[pk for pk, _key in files]).delete()
    storage = file_storage()
    for _pk, key in files:
        transaction.on_commit(partial(storage.delete, key))
    return deleted


@transaction.atomic
def demo_workflows_discard(*, subject_type: str, subject_ids: list[str]) -> int:
    """Delete the workflow instances of these demo subjects, with their decisions."""
    from govhub.core.workflow.models import WorkflowDecision, WorkflowInstance

    instances = WorkflowInstance.objects.filter(
        subject_type=subject_type, subject_id__in=subject_ids
    )
    WorkflowDecision.objects.filter(instance__in=instances).delete()
    deleted, _ = instances.delete()
    return deleted


@transaction.atomic
def demo_workflow_spread(
    *, subject_type: str, subject_id: str, decided_at: list[datetime], entered_at: datetime
) -> None:
    """Date a demo subject's transitions `decided_at` (in order) and its current state as
    entered at `entered_at`, keeping the state's deadline as long as it was (demo only)."""
    from govhub.core.workflow.models import WorkflowDecision, WorkflowInstance

    instance = WorkflowInstance.objects.select_for_update().get(
        subject_type=subject_type, subject_id=subject_id
    )
    decisions = list(
        WorkflowDecision.objects.filter(instance=instance, kind="transition").order_by("id")
    )
    for decision, when in zip(decisions, decided_at, strict=False):
        decision.created_at = when
    WorkflowDecision.objects.bulk_update(decisions, ["created_at"])
    shift = entered_at - instance.entered_at
    instance.entered_at = entered_at
    if instance.deadline is not None:
        instance.deadline += shift
    if instance.next_alert_at is not None:
        instance.next_alert_at += shift
    instance.save(update_fields=["entered_at", "deadline", "next_alert_at"])
