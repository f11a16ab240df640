"""Writes that move the clock: suspend, resume, extend; and claiming a due alert."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from govhub.core.errors import Conflict, InvalidInput, RuleBroken
from govhub.core.workflow import timing
from govhub.core.workflow.actions.transitions import Planned, commit
from govhub.core.workflow.calendar import local_day, working_calendar
from govhub.core.workflow.definition import Definition
from govhub.core.workflow.models import (
    DecisionKind,
    WorkflowDecision,
    WorkflowInstance,
)
from govhub.core.workflow.queries import (
    definition_of,
    workflow_instance_get,
)
from govhub.core.workflow.registry import Acting, memberships_of
from govhub.core.workflow.rules import choose_acting, clean_reason, eligible, expect_state


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
    expect_state(instance, expected_state)
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
    acting = choose_acting(
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
    why = clean_reason(reason, required=True)
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
            reason=clean_reason(reason, required=False),
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
    why = clean_reason(reason, required=True)
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
