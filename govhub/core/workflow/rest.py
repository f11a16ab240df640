"""REST: workflow definitions (public: how a process runs), and an instance's history with
the transitions the caller may take (a token; the subject's app decides who sees it)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Path, Router, Schema

from govhub.core.permissions import api_access
from govhub.core.rest import PUBLIC_OPERATION
from govhub.core.workflow.queries import (
    access_workflow_instance,
    definition_of,
    is_overdue,
    workflow_available_transitions,
    workflow_definition,
    workflow_definitions,
    workflow_history,
)
from govhub.core.workflow.schema import KEY

router = Router(tags=["workflows"])
WorkflowKey = Annotated[
    str, Path(..., pattern=KEY["pattern"], description="The workflow's key, e.g. isg-programme")
]


class WorkflowSummaryOut(Schema):
    key: str
    version: int
    name: str


class WorkflowRefOut(Schema):
    name: str = Field(..., description="A registered predicate or guard")
    argument: Any = Field(None, description="Its argument, if it takes one")


class WorkflowTimeLimitOut(Schema):
    working_days: int
    reminders: list[int] = Field(..., description="Working days before the deadline")
    escalations: list[int] = Field(..., description="Working days after the deadline")


class WorkflowStateOut(Schema):
    key: str
    name: str
    phase: str | None
    final: bool
    participants: list[str] = Field(..., description="Organisation kinds taking part")
    time_limit: WorkflowTimeLimitOut | None
    required_inputs: list[str]
    guards: list[WorkflowRefOut]
    tags: list[str]


class WorkflowTransitionOut(Schema):
    name: str
    label: str
    from_: str = Field(..., alias="from")
    to: str
    kind: str = Field(..., description="forward, or return (state guards and inputs skipped)")
    reason_required: bool
    who: list[WorkflowRefOut] = Field(..., description="All must hold for the acting organisation")
    guards: list[WorkflowRefOut]


class WorkflowPhaseOut(Schema):
    key: str
    name: str


class WorkflowWhoOut(Schema):
    who: list[WorkflowRefOut]


class WorkflowExtensionOut(Schema):
    who: list[WorkflowRefOut]
    max_working_days: int


class WorkflowOut(Schema):
    key: str
    version: int
    name: str
    initial: str
    phases: list[WorkflowPhaseOut]
    states: list[WorkflowStateOut]
    transitions: list[WorkflowTransitionOut]
    suspension: WorkflowWhoOut | None
    extension: WorkflowExtensionOut | None


class WorkflowDecisionOut(Schema):
    id: int
    kind: str = Field(..., description="start, transition, suspend, resume or extend")
    transition: str
    from_state: str
    to_state: str
    reason: str
    working_days: int | None
    actor_id: int | None
    organisation_id: int | None
    created_at: datetime
    deadline: datetime | None


class WorkflowUnmetOut(Schema):
    code: str
    message: str


class WorkflowAvailableOut(Schema):
    name: str
    label: str
    to: str
    to_name: str
    kind: str
    reason_required: bool
    organisation_ids: list[int] = Field(..., description="Organisations you may act for")
    ready: bool = Field(..., description="Whether nothing stops it now")
    unmet: list[WorkflowUnmetOut]


class WorkflowInstanceOut(Schema):
    id: int
    workflow: str
    version: int
    subject_type: str
    subject_id: str
    state: str
    state_name: str
    entered_at: datetime
    deadline: datetime | None
    overdue: bool
    suspended_at: datetime | None
    extended_days: int
    history: list[WorkflowDecisionOut]
    available_transitions: list[WorkflowAvailableOut]


@router.get(
    "/workflows",
    response=list[WorkflowSummaryOut],
    auth=None,
    openapi_extra=PUBLIC_OPERATION,
    summary="The workflow definitions in force",
)
def workflow_list(request: HttpRequest) -> Any:
    return [{"key": d.key, "version": d.version, "name": d.name} for d in workflow_definitions()]


@router.get(
    "/workflows/instances/{instance_id}",
    response=WorkflowInstanceOut,
    summary="A workflow instance: its state, deadline, history and what you may do next",
    openapi_extra=api_access("govhub.core.workflow.queries.can_view_workflow_instance"),
)
def workflow_instance_detail(request: HttpRequest, instance_id: int) -> Any:
    viewer = request.auth  # type: ignore[attr-defined]
    instance = access_workflow_instance(viewer, instance_id)
    definition = definition_of(instance)
    return {
        "id": instance.pk,
        "workflow": instance.definition_key,
        "version": definition.version,
        "subject_type": instance.subject_type,
        "subject_id": instance.subject_id,
        "state": instance.state,
        "state_name": definition.state(instance.state).name,
        "entered_at": instance.entered_at,
        "deadline": instance.deadline,
        "overdue": is_overdue(instance),
        "suspended_at": instance.suspended_at,
        "extended_days": instance.extended_days,
        "history": list(workflow_history(instance)),
        "available_transitions": [
            {
                "name": t.name,
                "label": t.label,
                "to": t.to,
                "to_name": t.to_name,
                "kind": t.kind,
                "reason_required": t.reason_required,
                "organisation_ids": list(t.organisation_ids),
                "ready": t.ready,
                "unmet": [{"code": u.code, "message": u.message} for u in t.unmet],
            }
            for t in workflow_available_transitions(instance, viewer=viewer)
        ],
    }


@router.get(
    "/workflows/{key}",
    response=WorkflowOut,
    by_alias=True,
    auth=None,
    openapi_extra=PUBLIC_OPERATION,
    summary="One workflow definition: states, transitions, who, guards, time limits",
)
def workflow_detail(request: HttpRequest, key: WorkflowKey) -> Any:
    return workflow_definition(key).public()
