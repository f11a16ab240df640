"""Starting an instance and taking a transition: checked before the transaction
(`plan_transition`), written in one short one (`commit`).

Inside the transaction, a conditional UPDATE on the revision read catches a concurrent
change (409 state_changed), then the decision row and the audit entry (STYLE.md, "short
writes"). Listeners hear of a decision only after it commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from govhub.core.audit import audit_record
from govhub.core.db import statements
from govhub.core.errors import Conflict, InvalidInput, RuleBroken
from govhub.core.workflow import timing
from govhub.core.workflow.calendar import working_calendar
from govhub.core.workflow.data import TransitionTaken
from govhub.core.workflow.definition import (
    Definition,
    State,
    current_definitions,
    from_stored,
)
from govhub.core.workflow.models import (
    DecisionKind,
    WorkflowDecision,
    WorkflowDefinitionVersion,
    WorkflowInstance,
)
from govhub.core.workflow.queries import (
    definition_of,
    workflow_definition,
    workflow_instance_get,
)
from govhub.core.workflow.registry import REGISTRY, Acting, memberships_of
from govhub.core.workflow.rules import (
    choose_acting,
    clean_reason,
    eligible,
    expect_state,
    state_changed,
    unmet,
)

Within = Callable[[WorkflowDecision], None]


@dataclass
class Planned:
    """A write checked and ready: the instance as read, and what to change and record."""

    instance: WorkflowInstance
    definition: Definition
    actor: Any
    kind: str
    to_state: str
    changes: dict[str, Any]
    transition: str = ""
    reason: str = ""
    organisation_id: int | None = None
    working_days: int | None = None
    within: Within | None = None
    audit: dict[str, Any] = field(default_factory=dict)


def _arrival(state: State, now: datetime) -> dict[str, Any]:
    """The instance's timing fields on entering `state` at `now`."""
    cal = working_calendar()
    deadline = timing.deadline_for(state, now, cal)
    alert, alert_at = timing.next_alert(state, deadline, after=now, calendar=cal)
    return {
        "entered_at": now,
        "deadline": deadline,
        "suspended_at": None,
        "extended_days": 0,
        "next_alert": alert,
        "next_alert_at": alert_at,
    }


def commit(plan: Planned) -> WorkflowDecision:
    """Write a checked plan: one short transaction, or 409 state_changed if the instance
    changed since it was read (then nothing is written)."""
    instance = plan.instance
    from_state = instance.state
    changes = {"state": plan.to_state, **plan.changes}
    with transaction.atomic():
        decision = WorkflowDecision(
            instance=instance,
            kind=plan.kind,
            transition=plan.transition,
            from_state=from_state,
            to_state=plan.to_state,
            reason=plan.reason,
            working_days=plan.working_days,
            actor=plan.actor if getattr(plan.actor, "pk", None) else None,
            organisation_id=plan.organisation_id,
            created_at=timezone.now(),
            deadline=changes.get("deadline", instance.deadline),
        )
        if statements.prebuilt():
            _move_and_decide(instance, changes, decision)
        else:
            updated = WorkflowInstance.objects.filter(
                pk=instance.pk, revision=instance.revision, state=from_state
            ).update(revision=F("revision") + 1, **changes)
            if updated != 1:
                raise state_changed()
            decision.save(force_insert=True)
        instance.revision += 1
        for name, value in changes.items():
            setattr(instance, name, value)
        if plan.within is not None:
            plan.within(decision)
        _record(plan, decision)  # last: the audit chain's head stays locked only to commit
        taken = _taken(instance, decision)
        transaction.on_commit(lambda: _tell_listeners(taken))
    return decision


def _move_and_decide(
    instance: WorkflowInstance, changes: dict[str, Any], decision: WorkflowDecision
) -> None:
    """The conditional update and the decision's insert as one statement (PostgreSQL): no
    row moved, nothing inserted, 409 state_changed."""
    columns, placeholders = statements.insert_columns(WorkflowDecision)
    revision = statements.column(WorkflowInstance, "revision")
    same = (
        f"{statements.column(WorkflowInstance, 'id')} = %s AND {revision} = %s "
        f"AND {statements.column(WorkflowInstance, 'state')} = %s"
    )
    sql = (
        f"WITH moved AS (UPDATE {statements.table(WorkflowInstance)} "  # noqa: S608
        f"SET {revision} = {revision} + 1, {statements.set_clause(WorkflowInstance, changes)} "
        f"WHERE {same} RETURNING 1) "
        f"INSERT INTO {statements.table(WorkflowDecision)} ({columns}) "
        f"SELECT {placeholders} FROM moved RETURNING id"
    )
    row = statements.run(
        sql,
        [
            *statements.set_values(WorkflowInstance, changes),
            instance.pk,
            instance.revision,
            instance.state,
            *statements.insert_values(decision),
        ],
    )
    if row is None:
        raise state_changed()
    decision.pk = row[0]
    decision._state.adding = False
    decision._state.db = "default"


def _record(plan: Planned, decision: WorkflowDecision) -> None:
    instance = plan.instance
    changes = {
        "workflow": instance.definition_key,
        "version": plan.definition.version,
        "subject": f"{instance.subject_type}:{instance.subject_id}",
        "transition": plan.transition,
        "from": decision.from_state,
        "to": decision.to_state,
        "reason": plan.reason,
        "decision": decision.pk,
        "deadline": instance.deadline.isoformat() if instance.deadline else None,
        **plan.audit,
    }
    audit_record(
        actor=plan.actor,
        verb=f"workflow.{plan.kind}",
        target=instance,
        organisation_id=plan.organisation_id,
        changes=changes,
    )


def _taken(instance: WorkflowInstance, decision: WorkflowDecision) -> TransitionTaken:
    return TransitionTaken(
        instance_id=instance.pk,
        definition_key=instance.definition_key,
        subject_type=instance.subject_type,
        subject_id=instance.subject_id,
        kind=decision.kind,
        transition=decision.transition,
        from_state=decision.from_state,
        to_state=decision.to_state,
        actor_id=decision.actor_id,
        organisation_id=decision.organisation_id,
        decision_id=decision.pk,
        deadline=instance.deadline,
    )


def _tell_listeners(taken: TransitionTaken) -> None:
    for listener in list(REGISTRY.listeners):
        listener(taken)


def _stored_version(definition: Definition) -> WorkflowDefinitionVersion:
    """The stored row of `definition`'s version; a version whose content changed is refused
    (running instances keep the rules they started on: a new content needs a new version)."""
    row = WorkflowDefinitionVersion.objects.filter(
        key=definition.key, version=definition.version
    ).first()
    if row is None:
        try:
            with transaction.atomic():
                row = WorkflowDefinitionVersion.objects.create(
                    key=definition.key,
                    version=definition.version,
                    document=definition.document,
                    sha256=definition.sha256,
                )
        except IntegrityError:  # stored by a concurrent start
            row = WorkflowDefinitionVersion.objects.get(
                key=definition.key, version=definition.version
            )
    if row.sha256 != definition.sha256:
        raise ImproperlyConfigured(
            f"workflow definition {definition.key!r} version {definition.version} changed "
            "since instances started on it: give the changed file a new version"
        )
    return row


def workflow_start(
    *,
    actor: Any,
    definition_key: str,
    subject_type: str,
    subject_id: str | int,
    organisation_id: int | None = None,
    within: Within | None = None,
) -> WorkflowInstance:
    """Start `subject` on the current version of a definition, at its initial state (the
    caller has checked who may start it). A subject runs a definition once: 409 otherwise."""
    definition = workflow_definition(definition_key)
    version = _stored_version(definition)
    now = timezone.now()
    state = definition.state(definition.initial)
    try:
        with transaction.atomic():
            instance = WorkflowInstance.objects.create(
                definition=version,
                definition_key=definition.key,
                subject_type=subject_type,
                subject_id=str(subject_id),
                state=state.key,
                created_at=now,
                **_arrival(state, now),
            )
            decision = WorkflowDecision.objects.create(
                instance=instance,
                kind=DecisionKind.START,
                to_state=state.key,
                actor=actor if getattr(actor, "pk", None) else None,
                organisation_id=organisation_id,
                created_at=now,
                deadline=instance.deadline,
            )
            plan = Planned(instance, definition, actor, DecisionKind.START, state.key, {})
            plan.organisation_id = organisation_id
            if within is not None:
                within(decision)
            _record(plan, decision)
            taken = _taken(instance, decision)
            transaction.on_commit(lambda: _tell_listeners(taken))
    except IntegrityError as exc:
        raise Conflict(
            _("This already has a workflow of this kind."), code="workflow_already_started"
        ) from exc
    return instance


def workflow_adopt(
    *,
    definition_key: str,
    subject_type: str,
    subjects: Iterable[tuple[str | int, str, datetime]],
    version: int | None = None,
) -> int:
    """Put subjects that exist already on a definition (its current version, or a stored
    `version`), each at a given state since a given time (subjects older than their app's
    workflow, bulk loads). No decision is recorded: nobody decided anything. Subjects that
    have an instance of this definition are left as they are. Returns how many were made."""
    current = current_definitions().get(definition_key)
    if version is None or (current is not None and current.version == version):
        definition = workflow_definition(definition_key)
        stored = _stored_version(definition)
    else:
        stored = WorkflowDefinitionVersion.objects.get(key=definition_key, version=version)
        definition = from_stored(lambda: stored.document, stored.sha256)
    rows = []
    for subject_id, state_key, since in subjects:
        state = definition.state(state_key)  # KeyError names a state the definition lacks
        rows.append(
            WorkflowInstance(
                definition=stored,
                definition_key=definition.key,
                subject_type=subject_type,
                subject_id=str(subject_id),
                state=state.key,
                created_at=since,
                **_arrival(state, since),
            )
        )
    made = WorkflowInstance.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(made)


def plan_transition(
    *,
    actor: Any,
    instance_id: int,
    transition: str,
    to: str | None = None,
    organisation_id: Any = None,
    memberships: Iterable[Acting] | None = None,
    expected_state: str | None = None,
    reason: Any = "",
    within: Within | None = None,
    instance: WorkflowInstance | None = None,
) -> Planned:
    """Check a transition without writing: who may, the reason, guards and inputs. A caller
    that has just read the instance (with its definition version) passes it as `instance`."""
    if instance is None or instance.pk != instance_id:
        instance = workflow_instance_get(instance_id)
    definition = definition_of(instance)
    expect_state(instance, expected_state)
    if instance.suspended:
        raise Conflict(_("This case is suspended: resume it first."), code="instance_suspended")
    offered = [t for t in definition.transitions_from(instance.state) if t.name == transition]
    if not offered:
        raise Conflict(
            _("'%(name)s' cannot be taken from the current state.") % {"name": transition},
            code="transition_not_available",
        )
    if to is not None:
        offered = [t for t in offered if t.target == to]
        if not offered:
            raise InvalidInput(
                _("'%(name)s' does not lead there from here.") % {"name": transition},
                code="invalid_target",
                details=[{"loc": ["body", "to"]}],
            )
    if len(offered) > 1:
        raise InvalidInput(
            _("Say which state to go to."),
            code="target_required",
            details=[{"loc": ["body", "to"]}],
        )
    chosen = offered[0]
    state = definition.state(instance.state)
    candidates = eligible(
        chosen.who,
        actor=actor,
        memberships=memberships_of(actor) if memberships is None else memberships,
        instance=instance,
        definition=definition,
        state=state,
    )
    acting = choose_acting(
        candidates,
        organisation_id,
        "transition_not_allowed",
        _("You may not take this decision for any organisation you act for."),
    )
    why = clean_reason(reason, required=chosen.reason_required)
    still = unmet(definition, instance, chosen, actor=actor, acting=acting)
    if still:
        raise RuleBroken(
            _("This cannot be done yet."),
            code="conditions_unmet",
            details=[{"code": u.code, "message": u.message, "input": u.input} for u in still],
        )
    return Planned(
        instance=instance,
        definition=definition,
        actor=actor,
        kind=DecisionKind.TRANSITION,
        to_state=chosen.target,
        changes=_arrival(definition.state(chosen.target), timezone.now()),
        transition=chosen.name,
        reason=why,
        organisation_id=acting.organisation_id,
        within=within,
    )


def workflow_transition(**kwargs: Any) -> WorkflowDecision:
    """Take a named transition of an instance for an organisation the actor acts for (the
    arguments of `plan_transition`); exactly one of two concurrent ones wins."""
    return commit(plan_transition(**kwargs))
