"""Plain data the workflow engine hands to plugins and callers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from govhub.core.workflow.definition import Definition, State, Transition
    from govhub.core.workflow.models import WorkflowInstance
    from govhub.core.workflow.registry import Acting, Unmet


@dataclass(frozen=True)
class WhoContext:
    """What a predicate sees: the person, the organisation they would act for, the instance
    (None when asked about a definition's state in general) and the state the transition
    leaves."""

    actor: Any
    acting: Acting | None
    instance: WorkflowInstance | None
    definition: Definition
    state: State


@dataclass(frozen=True)
class GuardContext:
    """What a guard or an input checker sees."""

    instance: WorkflowInstance
    definition: Definition
    state: State
    transition: Transition | None
    actor: Any = None
    acting: Acting | None = None

    @property
    def subject_type(self) -> str:
        return self.instance.subject_type

    @property
    def subject_id(self) -> str:
        return self.instance.subject_id


@dataclass(frozen=True)
class TransitionTaken:
    """Told to listeners after a decision commits."""

    instance_id: int
    definition_key: str
    subject_type: str
    subject_id: str
    kind: str
    transition: str
    from_state: str
    to_state: str
    actor_id: int | None
    organisation_id: int | None
    decision_id: int
    deadline: datetime | None


@dataclass(frozen=True)
class AvailableTransition:
    """A transition the viewer may take now, for which organisations, and what still stops
    it (empty: it can be taken)."""

    name: str
    label: str
    to: str
    to_name: str
    kind: str
    reason_required: bool
    organisation_ids: tuple[int, ...]
    unmet: tuple[Unmet, ...] = field(default=())

    @property
    def ready(self) -> bool:
        return not self.unmet


@dataclass(frozen=True)
class DueAlert:
    """A reminder or escalation due: which instance, which alert, since when."""

    instance_id: int
    definition_key: str
    subject_type: str
    subject_id: str
    state: str
    alert: str  # "reminder:5" or "escalation:0": claim it by this key
    kind: str  # "reminder" or "escalation"
    working_days: int
    due_at: datetime
    deadline: datetime | None
