"""Reads: definitions in force, instances, their history, what a viewer may do, due alerts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from govhub.core.errors import NotFound
from govhub.core.workflow.data import AvailableTransition, DueAlert
from govhub.core.workflow.definition import Definition, current_definitions, from_stored
from govhub.core.workflow.models import (
    WorkflowDecision,
    WorkflowDefinitionVersion,
    WorkflowInstance,
)
from govhub.core.workflow.registry import REGISTRY, Acting, memberships_of


def workflow_definitions() -> list[Definition]:
    """The definitions in force, by key."""
    return sorted(current_definitions().values(), key=lambda d: d.key)


def workflow_definition(key: str) -> Definition:
    """The definition in force under `key`, else 404 workflow_not_found."""
    found = current_definitions().get(key)
    if found is None:
        raise NotFound(_("No such workflow."), code="workflow_not_found")
    return found


def workflow_instance_get(instance_id: Any) -> WorkflowInstance:
    """An instance with its definition version, else 404 workflow_instance_not_found."""
    instance = (
        WorkflowInstance.objects.select_related("definition")
        .defer("definition__document")
        .filter(pk=instance_id)
        .first()
        if isinstance(instance_id, int) and 0 < instance_id < 2**63
        else None
    )
    if instance is None:
        raise NotFound(_("No such workflow instance."), code="workflow_instance_not_found")
    return instance


def workflow_instance_for(
    subject_type: str, subject_id: str | int, definition_key: str
) -> WorkflowInstance | None:
    """The instance a subject runs under `definition_key`, if it was started."""
    return (
        WorkflowInstance.objects.select_related("definition")
        .defer("definition__document")  # read once per process, by `definition_of`
        .filter(
            definition_key=definition_key, subject_type=subject_type, subject_id=str(subject_id)
        )
        .first()
    )


def workflow_instance_ids(
    subject_type: str, subject_ids: Iterable[str | int], definition_key: str
) -> dict[str, int]:
    """The instances of several subjects under `definition_key`: subject id -> instance id."""
    return dict(
        WorkflowInstance.objects.filter(
            definition_key=definition_key,
            subject_type=subject_type,
            subject_id__in=[str(i) for i in subject_ids],
        ).values_list("subject_id", "id")
    )


def can_view_workflow_instance(user: Any, instance: WorkflowInstance) -> bool:
    """Whoever may see the instance's subject, as the subject's app says (nobody, if no app
    registered that kind of subject)."""
    subject = REGISTRY.subjects.get(instance.subject_type)
    return subject is not None and bool(subject.can_view(user, instance.subject_id))


def access_workflow_instance(user: Any, instance_id: Any) -> WorkflowInstance:
    """The instance if `user` may see its subject (as the subject's app says), else 404."""
    instance = workflow_instance_get(instance_id)
    if not can_view_workflow_instance(user, instance):
        raise NotFound(_("No such workflow instance."), code="workflow_instance_not_found")
    return instance


def definition_of(instance: WorkflowInstance) -> Definition:
    """The definition version the instance started on (not the file's current one); its
    document is read from the database only the first time a process meets it."""
    version = instance.definition
    return from_stored(lambda: version.document, version.sha256)


_VERSIONS: dict[tuple[str, int], Definition] = {}


def workflow_definition_version(key: str, version: int) -> Definition:
    """A stored version of a definition (one instances started on), read from the database
    once per process: a stored version never changes. 404 workflow_not_found if none."""
    cached = _VERSIONS.get((key, version))
    if cached is not None:
        return cached
    row = WorkflowDefinitionVersion.objects.filter(key=key, version=version).first()
    if row is None:
        current = current_definitions().get(key)
        if current is None or current.version != version:
            raise NotFound(_("No such workflow."), code="workflow_not_found")
        return current
    definition = from_stored(lambda: row.document, row.sha256)
    if len(_VERSIONS) < 256:
        _VERSIONS[(key, version)] = definition
    return definition


def workflow_definition_versions() -> list[tuple[str, int]]:
    """Every stored (key, version) of every definition: a small table, one row per version
    any instance started on (lists read it instead of grouping their instances)."""
    return list(
        WorkflowDefinitionVersion.objects.order_by("key", "version").values_list("key", "version")
    )


def workflow_allows(
    definition: Definition,
    state: str,
    transition: str,
    *,
    acting: Acting,
    actor: Any = None,
    instance: WorkflowInstance | None = None,
) -> bool:
    """Whether acting for `acting`, `actor` may take a transition named `transition` from
    `state` (its `who` only: guards are what `workflow_available_transitions` adds)."""
    from govhub.core.workflow.rules import allowed

    return any(
        allowed(
            t.who,
            actor=actor,
            acting=acting,
            instance=instance,
            definition=definition,
            state=definition.state(state),
        )
        for t in definition.transitions_from(state)
        if t.name == transition
    )


def workflow_history(instance: WorkflowInstance) -> QuerySet[WorkflowDecision]:
    """The instance's decisions, oldest first."""
    return WorkflowDecision.objects.filter(instance=instance).order_by("id")


def workflow_decisions(
    subject_type: str, subject_ids: Iterable[str | int], *, transitions_only: bool = True
) -> list[dict[str, Any]]:
    """The decisions on the instances of several subjects, oldest first, as plain rows
    (subject_id, transition, from_state, to_state, reason, actor_id, organisation_id,
    created_at, deadline): one query, by the subject index."""
    rows = WorkflowDecision.objects.filter(
        instance__subject_type=subject_type,
        instance__subject_id__in=[str(i) for i in subject_ids],
    )
    if transitions_only:
        rows = rows.filter(kind="transition")
    found: list[dict[str, Any]] = list(
        rows.order_by("created_at", "id").values(  # type: ignore[arg-type]
            "id",
            "transition",
            "from_state",
            "to_state",
            "reason",
            "actor_id",
            "organisation_id",
            "created_at",
            "deadline",
            subject_id=F("instance__subject_id"),
        )
    )
    return found


def is_overdue(instance: WorkflowInstance, now: datetime | None = None) -> bool:
    """Past its deadline and not suspended."""
    return (
        instance.deadline is not None
        and instance.suspended_at is None
        and instance.deadline < (now or timezone.now())
    )


def workflow_available_transitions(
    instance: WorkflowInstance, *, viewer: Any, memberships: Iterable[Acting] | None = None
) -> list[AvailableTransition]:
    """The transitions `viewer` may take now, with the organisations they may take each for
    and what still stops it (nothing for a suspended instance)."""
    from govhub.core.workflow.rules import eligible, unmet

    if instance.suspended:
        return []
    definition = definition_of(instance)
    state = definition.state(instance.state)
    acting = list(memberships_of(viewer) if memberships is None else memberships)
    found = []
    for transition in definition.transitions_from(instance.state):
        orgs = eligible(
            transition.who,
            actor=viewer,
            memberships=acting,
            instance=instance,
            definition=definition,
            state=state,
        )
        if not orgs:
            continue
        still = unmet(definition, instance, transition, actor=viewer, acting=orgs[0])
        found.append(
            AvailableTransition(
                name=transition.name,
                label=transition.label or transition.name,
                to=transition.target,
                to_name=definition.state(transition.target).name,
                kind=transition.kind,
                reason_required=transition.reason_required,
                organisation_ids=tuple(sorted({m.organisation_id for m in orgs})),
                unmet=tuple(still),
            )
        )
    return found


def workflow_alerts_due(*, at: datetime, limit: int = 500) -> list[DueAlert]:
    """Reminders and escalations due at `at` (an index lookup), oldest first; the sweep
    claims each with `workflow_alert_claim` before sending it."""
    rows = WorkflowInstance.objects.filter(
        next_alert_at__isnull=False, next_alert_at__lte=at, suspended_at__isnull=True
    ).order_by("next_alert_at", "id")[:limit]
    due = []
    for row in rows:
        kind, _sep, days = row.next_alert.partition(":")
        due.append(
            DueAlert(
                instance_id=row.pk,
                definition_key=row.definition_key,
                subject_type=row.subject_type,
                subject_id=row.subject_id,
                state=row.state,
                alert=row.next_alert,
                kind=kind,
                working_days=int(days or 0),
                due_at=row.next_alert_at,  # type: ignore[arg-type]
                deadline=row.deadline,
            )
        )
    return due


def sweep_workflow_alerts(now: datetime) -> int:
    """The sweep's job: claim each due reminder and escalation and hand it to the handler
    its subject's app registered (alerts of subjects nobody handles are claimed and
    dropped, so they do not pile up). Returns how many were handled."""
    from govhub.core.workflow.actions import workflow_alert_claim

    handled = 0
    for alert in workflow_alerts_due(at=now):
        if not workflow_alert_claim(
            instance_id=alert.instance_id, alert=alert.alert, due_at=alert.due_at
        ):
            continue
        handler = REGISTRY.alert_handlers.get(alert.subject_type)
        if handler is not None:
            handler(alert)
            handled += 1
    return handled
