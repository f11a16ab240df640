"""The rules a write checks before its transaction: who may act, for which organisation,
what still stops a transition, the reason given."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from govhub.core.errors import Conflict, Forbidden, InvalidInput, reject_nul
from govhub.core.workflow.data import GuardContext, WhoContext
from govhub.core.workflow.definition import Definition, Ref, State, Transition
from govhub.core.workflow.models import WorkflowInstance
from govhub.core.workflow.registry import REGISTRY, Acting, Unmet

MAX_REASON = 5000


def state_changed() -> Conflict:
    """409 state_changed: someone moved the case since it was read."""
    return Conflict(
        _("This case changed since you read it; reload it and decide again."),
        code="state_changed",
    )


def allowed(
    refs: tuple[Ref, ...],
    *,
    actor: Any,
    acting: Acting | None,
    instance: WorkflowInstance | None,
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


def choose_acting(
    candidates: list[Acting], organisation_id: Any, code: str, message: str
) -> Acting:
    """The one organisation the person acts for here (`organisation_id` chooses)."""
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


def clean_reason(value: Any, *, required: bool) -> str:
    reason = value.strip() if isinstance(value, str) else ""
    reject_nul(reason)
    if (required and not reason) or len(reason) > MAX_REASON:
        raise InvalidInput(
            _("Say why, in up to 5,000 characters."),
            code="reason_required",
            details=[{"loc": ["body", "reason"]}],
        )
    return reason


def expect_state(instance: WorkflowInstance, expected_state: str | None) -> None:
    """A write names the state it expects, so a stale or repeated request never moves twice."""
    if expected_state is not None and expected_state != instance.state:
        raise state_changed()
