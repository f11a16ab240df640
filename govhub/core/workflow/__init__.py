"""Workflow as data: definitions (states, transitions, who, guards, working-day time limits,
reminders, escalations, required inputs) in versioned files, instances that run through them,
and one decision row per step. See docs/adr/0016-workflow-as-data.md.

Apps register their definition files and the predicates, guards and input types those name
(`registry.py`); `workflow_start` and `workflow_transition` are the writes; the REST API shows
definitions and an instance's history with what the viewer may do next.
"""

from govhub.core.workflow.actions import (
    commit,
    plan_transition,
    workflow_adopt,
    workflow_alert_claim,
    workflow_extend,
    workflow_resume,
    workflow_start,
    workflow_suspend,
    workflow_transition,
)
from govhub.core.workflow.calendar import WorkingCalendar, working_calendar
from govhub.core.workflow.data import (
    AvailableTransition,
    DueAlert,
    GuardContext,
    TransitionTaken,
    WhoContext,
)
from govhub.core.workflow.definition import Definition, DefinitionError, State, Transition
from govhub.core.workflow.queries import (
    access_workflow_instance,
    definition_of,
    is_overdue,
    workflow_alerts_due,
    workflow_allows,
    workflow_available_transitions,
    workflow_decisions,
    workflow_definition,
    workflow_definition_version,
    workflow_definitions,
    workflow_history,
    workflow_instance_for,
    workflow_instance_get,
    workflow_instance_ids,
)
from govhub.core.workflow.registry import (
    Acting,
    Unmet,
    alert_handler_register,
    definition_register,
    guard_register,
    input_type_register,
    membership_source_register,
    predicate_register,
    subject_register,
    transition_listener_register,
)

__all__ = [
    "Acting",
    "AvailableTransition",
    "Definition",
    "DefinitionError",
    "DueAlert",
    "GuardContext",
    "State",
    "Transition",
    "TransitionTaken",
    "Unmet",
    "WhoContext",
    "WorkingCalendar",
    "access_workflow_instance",
    "alert_handler_register",
    "commit",
    "definition_of",
    "definition_register",
    "guard_register",
    "input_type_register",
    "is_overdue",
    "membership_source_register",
    "plan_transition",
    "predicate_register",
    "subject_register",
    "transition_listener_register",
    "workflow_adopt",
    "workflow_alert_claim",
    "workflow_alerts_due",
    "workflow_allows",
    "workflow_available_transitions",
    "workflow_decisions",
    "workflow_definition",
    "workflow_definition_version",
    "workflow_definitions",
    "workflow_extend",
    "workflow_history",
    "workflow_instance_for",
    "workflow_instance_get",
    "workflow_instance_ids",
    "workflow_resume",
    "workflow_start",
    "workflow_suspend",
    "workflow_transition",
    "working_calendar",
]
