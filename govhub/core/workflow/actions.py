"""Every write to a workflow: start, transition, suspend, resume, extend, claim an alert.

Each reads and checks before its transaction (who may, guards, inputs); inside it, a
conditional UPDATE on the revision it read catches a concurrent change (409 state_changed),
then the decision row and the audit entry (STYLE.md, "short writes"). Listeners hear of a
decision only after it commits.
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
from govhub.core.errors import Conflict, Forbidden, InvalidInput, RuleBroken, reject_nul
from govhub.core.workflow import timing
from govhub.core.workflow.calendar import local_day, working_calendar
from govhub.core.workflow.data import GuardContext, TransitionTaken, WhoContext
from govhub.core.workflow.definition import Definition, Ref, State, Transition
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
from govhub.core.workflow.registry import REGISTRY, Acting, Unmet, memberships_of

MAX_REASON = 5000
Within = Callable[[WorkflowDecision], None]


def _state_changed() -> Conflict:
    return Conflict(
        _("This case changed since you read it; reload it and decide again."),
        code="state_changed",
    )


def allowed(
    refs: tuple[Ref, ...],
    *,
    actor: Any,
    acting: Acting | None,
    instance: WorkflowInstance,
    definition: Definition,
    state: State,
) -> bool:
    """Whether every predicate in `refs` holds for `actor` acting for `acting`."""
    ctx = WhoContext(actor, acting, instance, definition, state)
    for ref in refs:
        predicate = REGISTRY.predicates.get(ref.name)
        if predicate is None:
            raise ImproperlyConfigured(f"workflow predicate {ref.name!r} is not registered")
        if not predicate.fn(ctx, ref.arg):
            return False
    return True


def eligible(
    refs: tuple[Ref, ...],
    *,
    actor: Any,
    memberships: Iterable[Acting],
    instance: WorkflowInstance,
    definition: Definition,
    state: State,
) -> list[Acting]:
    """The organisations `actor` may act for under `refs` (predicates hold for each)."""
    return [
        m
        for m in memberships
        if allowed(
            refs, actor=actor, acting=m, instance=instance, definition=definition, state=state
        )
    ]


def _acting(candidates: list[Acting], organisation_id: Any, code: str, message: str) -> Acting:
    if organisation_id is not None:
        candidates = [m for m in candidates if str(m.organisation_id) == str(organisation_id)]
    if not candidates:
        raise Forbidden(message, code=code)
    if len({m.organisation_id for m in candidates}) > 1:
        raise InvalidInput(
            _("You act for several organisations here: name one with organisation_id."),
            code="organisation_required",
        )
    return candidates[0]


def unmet(
    definition: Definition,
    instance: WorkflowInstance,
    transition: Transition,
    *,
    actor: Any = None,
    acting: Acting | None = None,
) -> list[Unmet]:
    """What still stops `transition`: its guards; for a forward one, also the state's guards
    and the inputs the state requires."""
    state = definition.state(transition.source)
    ctx = GuardContext(instance, definition, state, transition, actor, acting)
    forward = transition.kind == "forward"
    found: list[Unmet] = []
    for ref in transition.guards + (state.guards if forward else ()):
        guard = REGISTRY.guards.get(ref.name)
        if guard is None:
            raise ImproperlyConfigured(f"workflow guard {ref.name!r} is not registered")
        found.extend(guard.fn(ctx, ref.arg))
    for key in state.required_inputs if forward else ():
        input_type = REGISTRY.inputs.get(key)
        if input_type is None:
            raise ImproperlyConfigured(f"workflow input type {key!r} is not registered")
        if not input_type.present(ctx):
            found.append(
                Unmet(
                    "input_missing",
                    _("%(input)s is still missing.") % {"input": _(input_type.label or key)},
                    input=key,
                )
            )
    return found


def _reason(value: Any, *, required: bool) -> str:
    reason = value.strip() if isinstance(value, str) else ""
    reject_nul(reason)
    if (required and not reason) or len(reason) > MAX_REASON:
        raise InvalidInput(
            _("Say why, in up to 5,000 characters."),
            code="reason_required",
            details=[{"loc": ["body", "reason"]}],
        )
    return reason


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
    with transaction.atomic():
        updated = WorkflowInstance.objects.filter(
            pk=instance.pk, revision=instance.revision, state=instance.state
        ).update(revision=F("revision") + 1, state=plan.to_state, **plan.changes)
        if updated != 1:
            raise _state_changed()
        from_state = instance.state
        instance.revision += 1
        instance.state = plan.to_state
        for name, value in plan.changes.items():
            setattr(instance, name, value)
        decision = WorkflowDecision.objects.create(
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
            deadline=instance.deadline,
        )
        _record(plan, decision)
        if plan.within is not None:
            plan.within(decision)
        taken = _taken(instance, decision)
        transaction.on_commit(lambda: _tell_listeners(taken))
    return decision


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
            _record(plan, decision)
            if within is not None:
                within(decision)
            taken = _taken(instance, decision)
            transaction.on_commit(lambda: _tell_listeners(taken))
    except IntegrityError as exc:
        raise Conflict(
            _("This already has a workflow of this kind."), code="workflow_already_started"
        ) from exc
    return instance


def _expect(instance: WorkflowInstance, expected_state: str | None) -> None:
    if expected_state is not None and expected_state != instance.state:
        raise _state_changed()


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
) -> Planned:
    """Check a transition without writing: who may, the reason, guards and inputs."""
    instance = workflow_instance_get(instance_id)
    definition = definition_of(instance)
    _expect(instance, expected_state)
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
    acting = _acting(
        candidates,
        organisation_id,
        "transition_not_allowed",
        _("You may not take this decision for any organisation you act for."),
    )
    why = _reason(reason, required=chosen.reason_required)
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


def _plan_clock(
    *,
    actor: Any,
    instance_id: int,
    organisation_id: Any,
    memberships: Iterable[Acting] | None,
    expected_state: str | None,
    what: str,
) -> tuple[WorkflowInstance, Definition, Acting]:
    """The shared checks of suspend, resume and extend: offered, and allowed to this actor."""
    instance = workflow_instance_get(instance_id)
    definition = definition_of(instance)
    _expect(instance, expected_state)
    refs = (
        definition.suspension
        if what == "suspension"
        else (definition.extension[0] if definition.extension else None)
    )
    if refs is None:
        raise RuleBroken(
            _("This workflow offers no %(what)s.") % {"what": _(what)},
            code=f"{what}_not_offered",
        )
    state = definition.state(instance.state)
    if state.final:
        raise Conflict(_("This case is closed."), code="instance_closed")
    candidates = eligible(
        refs,
        actor=actor,
        memberships=memberships_of(actor) if memberships is None else memberships,
        instance=instance,
        definition=definition,
        state=state,
    )
    acting = _acting(
        candidates,
        organisation_id,
        f"{what}_not_allowed",
        _("You may not do this for any organisation you act for."),
    )
    return instance, definition, acting


def workflow_suspend(
    *,
    actor: Any,
    instance_id: int,
    reason: Any,
    organisation_id: Any = None,
    memberships: Iterable[Acting] | None = None,
    expected_state: str | None = None,
) -> WorkflowDecision:
    """Stop the clock (the case waits for the applicant): no alerts until it resumes, and
    then the deadline moves by the working days it waited."""
    instance, definition, acting = _plan_clock(
        actor=actor,
        instance_id=instance_id,
        organisation_id=organisation_id,
        memberships=memberships,
        expected_state=expected_state,
        what="suspension",
    )
    if instance.suspended:
        raise Conflict(_("This case is already suspended."), code="already_suspended")
    why = _reason(reason, required=True)
    return commit(
        Planned(
            instance=instance,
            definition=definition,
            actor=actor,
            kind=DecisionKind.SUSPEND,
            to_state=instance.state,
            changes={"suspended_at": timezone.now(), "next_alert": "", "next_alert_at": None},
            reason=why,
            organisation_id=acting.organisation_id,
        )
    )


def workflow_resume(
    *,
    actor: Any,
    instance_id: int,
    reason: Any = "",
    organisation_id: Any = None,
    memberships: Iterable[Acting] | None = None,
    expected_state: str | None = None,
) -> WorkflowDecision:
    """Restart the clock: the deadline moves by the working days the case was suspended."""
    instance, definition, acting = _plan_clock(
        actor=actor,
        instance_id=instance_id,
        organisation_id=organisation_id,
        memberships=memberships,
        expected_state=expected_state,
        what="suspension",
    )
    if instance.suspended_at is None:
        raise Conflict(_("This case is not suspended."), code="not_suspended")
    now = timezone.now()
    cal = working_calendar()
    waited = max(0, cal.between(local_day(instance.suspended_at), local_day(now)))
    state = definition.state(instance.state)
    deadline = timing.moved(instance.deadline, waited, cal) if instance.deadline else None
    alert, alert_at = timing.next_alert(state, deadline, after=now, calendar=cal)
    return commit(
        Planned(
            instance=instance,
            definition=definition,
            actor=actor,
            kind=DecisionKind.RESUME,
            to_state=instance.state,
            changes={
                "suspended_at": None,
                "deadline": deadline,
                "next_alert": alert,
                "next_alert_at": alert_at,
            },
            reason=_reason(reason, required=False),
            organisation_id=acting.organisation_id,
            working_days=waited,
            audit={"working_days": waited},
        )
    )


def workflow_extend(
    *,
    actor: Any,
    instance_id: int,
    working_days: Any,
    reason: Any,
    organisation_id: Any = None,
    memberships: Iterable[Acting] | None = None,
    expected_state: str | None = None,
) -> WorkflowDecision:
    """A legal extension: the deadline moves by `working_days`, within the definition's
    maximum for one stay in a state."""
    instance, definition, acting = _plan_clock(
        actor=actor,
        instance_id=instance_id,
        organisation_id=organisation_id,
        memberships=memberships,
        expected_state=expected_state,
        what="extension",
    )
    assert definition.extension is not None  # checked by _plan_clock
    limit = definition.extension[1]
    if not isinstance(working_days, int) or isinstance(working_days, bool) or working_days < 1:
        raise InvalidInput(
            _("Extend by a whole number of working days, at least 1."),
            code="invalid_days",
            details=[{"loc": ["body", "working_days"]}],
        )
    if instance.deadline is None:
        raise RuleBroken(_("This state has no time limit to extend."), code="no_time_limit")
    if instance.extended_days + working_days > limit:
        raise RuleBroken(
            _("A stay in one state may be extended by at most %(n)d working days in all.")
            % {"n": limit},
            code="extension_too_long",
        )
    why = _reason(reason, required=True)
    now = timezone.now()
    cal = working_calendar()
    deadline = timing.moved(instance.deadline, working_days, cal)
    alert, alert_at = (
        ("", None)
        if instance.suspended
        else timing.next_alert(definition.state(instance.state), deadline, after=now, calendar=cal)
    )
    return commit(
        Planned(
            instance=instance,
            definition=definition,
            actor=actor,
            kind=DecisionKind.EXTEND,
            to_state=instance.state,
            changes={
                "deadline": deadline,
                "extended_days": instance.extended_days + working_days,
                "next_alert": alert,
                "next_alert_at": alert_at,
            },
            reason=why,
            organisation_id=acting.organisation_id,
            working_days=working_days,
            audit={"working_days": working_days},
        )
    )


def workflow_alert_claim(*, instance_id: int, alert: str, due_at: datetime) -> bool:
    """Take a due alert (as `workflow_alerts_due` gave it) for sending: True for exactly one
    caller, so concurrent sweeps never send it twice, and False once the instance has moved
    on (a transition since resets its alerts); the next alert becomes the one after it."""
    instance = WorkflowInstance.objects.filter(
        pk=instance_id, next_alert=alert, next_alert_at=due_at
    ).first()
    if instance is None or not alert:
        return False
    definition = definition_of(instance)
    key, at = timing.next_alert(definition.state(instance.state), instance.deadline, done=alert)
    updated = WorkflowInstance.objects.filter(
        pk=instance_id, revision=instance.revision, next_alert=alert, next_alert_at=due_at
    ).update(next_alert=key, next_alert_at=at)
    return updated == 1
