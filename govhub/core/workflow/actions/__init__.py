"""Every write to a workflow: start, transition, suspend, resume, extend, claim an alert."""

from govhub.core.workflow.actions.clock import (
    workflow_alert_claim,
    workflow_extend,
    workflow_resume,
    workflow_suspend,
)
from govhub.core.workflow.actions.transitions import (
    Planned,
    Within,
    commit,
    plan_transition,
    workflow_adopt,
    workflow_start,
    workflow_transition,
)
from govhub.core.workflow.rules import eligible, unmet

__all__ = [
    "Planned",
    "Within",
    "commit",
    "eligible",
    "plan_transition",
    "unmet",
    "workflow_adopt",
    "workflow_alert_claim",
    "workflow_extend",
    "workflow_resume",
    "workflow_start",
    "workflow_suspend",
    "workflow_transition",
]
