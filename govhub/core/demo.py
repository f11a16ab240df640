"""For `govhub demo --reset` only: who worked on the demo's objects, and the demo's issued
documents going with the demo's programmes.

Issued documents are otherwise never deleted (the register keeps them); the numbers of
deleted ones are not given again (the series keep counting)."""

from __future__ import annotations

from django.db import transaction

from govhub.core.models import AuditEntry, IssuedDocument


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
    """Delete the documents issued about these demo subjects; returns how many."""
    deleted, _ = IssuedDocument.objects.filter(
        subject_type=subject_type, subject_id__in=subject_ids
    ).delete()
    return deleted
