"""For `govhub demo` only: give the demo programmes a believable history, and discard them
for `govhub demo --reset`. Never called by the web, the API or production code."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Q

from govhub.core.api import (
    audit_record,
    demo_audit_actors,
    demo_documents_discard,
    demo_workflow_spread,
    demo_workflows_discard,
    workflow_decisions,
)
from govhub.programmes.models import Contribution, Programme, ProgrammeStatus

SUBJECT_TYPE = "programmes.programme"


@transaction.atomic
def demo_history_spread(*, programme_id: int, step_entered: list[datetime]) -> None:
    """Set a demo programme's timestamps as if it had taken months (demo data only).

    `step_entered[i]` is when step i+1 was entered; the programme's decisions (in order) and
    its contributions (inside their step's time) move accordingly, and the deadline of an
    active programme's current step keeps its length. The audit log and any issued document
    keep their real times.
    """
    programme = Programme.objects.select_for_update().get(pk=programme_id)
    decisions = len(workflow_decisions(SUBJECT_TYPE, [programme.pk]))
    by_step: dict[int, list[Contribution]] = {}
    for contribution in programme.contributions.order_by("created_at", "id"):
        by_step.setdefault(contribution.step, []).append(contribution)
    for step, rows in by_step.items():
        start, end = step_entered[step - 1], step_entered[min(step, len(step_entered) - 1)]
        for n, contribution in enumerate(rows, start=1):
            contribution.created_at = start + (end - start) * n / (len(rows) + 1)
    Contribution.objects.bulk_update([c for rows in by_step.values() for c in rows], ["created_at"])
    started = step_entered[decisions] if programme.status == ProgrammeStatus.ACTIVE else None
    if started is not None and programme.deadline is not None:
        programme.deadline = started + (programme.deadline - programme.step_started_at)
    programme.created_at = step_entered[0]
    programme.step_started_at = started or step_entered[-1]
    programme.save(update_fields=["created_at", "step_started_at", "deadline"])
    demo_workflow_spread(
        subject_type=SUBJECT_TYPE,
        subject_id=str(programme.pk),
        decided_at=step_entered[1 : decisions + 1],
        entered_at=programme.step_started_at,
    )


@transaction.atomic
def demo_programmes_discard(
    *, organisation_ids: Iterable[int], user_ids: Iterable[int]
) -> tuple[list[int], list[int]]:
    """Delete the demo's programmes, with their documents: those initiated by a demo
    organisation on which only demo people acted (contributions, decisions, the audit log).
    Returns (deleted ids, kept ids): a programme someone else acted on is never touched."""
    users = list(user_ids)
    candidates = set(
        Programme.objects.filter(initiator_id__in=list(organisation_ids)).values_list(
            "pk", flat=True
        )
    )
    touched = set(
        Contribution.objects.filter(programme_id__in=candidates)
        .exclude(author_id__in=users)
        .values_list("programme_id", flat=True)
    ) | {
        int(d["subject_id"])
        for d in workflow_decisions(SUBJECT_TYPE, candidates, transitions_only=False)
        if d["actor_id"] not in (None, *users)
    }
    recorded = demo_audit_actors(
        target_type=Programme._meta.label_lower, target_ids=[str(pk) for pk in candidates]
    )
    touched |= {int(pk) for pk, actors in recorded.items() if actors - {None, *users}}
    # Cycles point at each other (PROTECT): a kept programme keeps its earlier cycles too.
    kept = set(touched)
    while True:
        linked = set(
            Programme.objects.filter(
                Q(pk__in=candidates - kept)
                & (Q(next_cycles__in=kept) | Q(previous_cycle_id__in=kept))
            ).values_list("pk", flat=True)
        )
        if not linked:
            break
        kept |= linked
    doomed = sorted(candidates - kept)
    Programme.objects.filter(pk__in=doomed).update(previous_cycle=None)
    Programme.objects.filter(pk__in=doomed).delete()
    demo_documents_discard(subject_type=SUBJECT_TYPE, subject_ids=[str(pk) for pk in doomed])
    demo_workflows_discard(subject_type=SUBJECT_TYPE, subject_ids=[str(pk) for pk in doomed])
    audit_record(
        actor=None,
        verb="demo.reset",
        target_label="demo programmes",
        changes={"deleted_programmes": doomed, "kept_programmes": sorted(kept)},
    )
    return doomed, sorted(kept)
