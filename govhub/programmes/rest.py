"""REST: the governance model, programmes and their contributions."""

import json
from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from govhub.accounts.api import optional_viewer
from govhub.core.api import LIST_DESCRIPTION, PUBLIC_OPERATION, KeysetPage, api_access
from govhub.programmes import actions, permissions, queries, transitions
from govhub.programmes.governance import current_model, programme_model
from govhub.programmes.models import (
    Contribution,
    ContributionStatus,
    Programme,
    ProgrammeStatus,
    Visibility,
)

router = Router(tags=["programmes"])

# Every transition names the step it expects, so a repeated request never moves twice.
ExpectedStep = Annotated[
    int, Field(ge=1, le=100, description="The step the programme is at (409 step_changed if not)")
]


class PhaseOut(Schema):
    number: int
    name: str
    steps: list[int]


class StepOut(Schema):
    number: int
    name: str
    phase: int
    types: list[str] = Field(..., description="The artefact types that may be added there")
    tags: list[str] = Field(
        ..., description="issues_document, holds_drafts, holds_review: what the step is for"
    )


class KindOut(Schema):
    key: str
    sector: str
    name: str


class GovernanceModelOut(Schema):
    workflow: str = Field(..., description="The workflow definition, key:version")
    phases: list[PhaseOut]
    steps: list[StepOut]
    organisation_kinds: list[KindOut]
    participation: dict[str, list[int]]


class ProgrammeOut(Schema):
    id: int
    title: str
    summary: str
    current_step: int
    status: ProgrammeStatus
    initiator_id: int
    model_version: str
    created_at: datetime
    participating_kinds: list[str]
    deadline: datetime | None
    overdue: bool
    lead_agency_id: int | None
    document_id: str | None
    previous_cycle_id: int | None

    @staticmethod
    def resolve_overdue(obj: Programme) -> bool:
        return queries.is_overdue(obj)

    @staticmethod
    def resolve_document_id(obj: Programme) -> str | None:
        return obj.document_id or None

    @staticmethod
    def resolve_participating_kinds(obj: Programme) -> list[str]:
        return programme_model(obj).kinds_at(obj.current_step)


class ProgrammeDetailOut(ProgrammeOut):
    workflow_instance_id: int | None = Field(
        ...,
        description="Its workflow instance: GET /api/v1/workflows/instances/{id} gives the "
        "history and the transitions the caller may take now",
    )

    @staticmethod
    def resolve_workflow_instance_id(obj: Programme) -> int | None:
        return obj.workflow_id


class ProgrammeIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    summary: str = Field("", max_length=20_000)
    organisation_id: int | None = Field(None, description="The organisation you act for")


class ProgrammeFilters(Schema):
    status: ProgrammeStatus | None = None
    step: int | None = Field(None, ge=1, le=100)


class ContributionOut(Schema):
    id: int
    step: int
    type: str
    organisation_id: int
    title: str
    body: str
    data: dict[str, Any]
    form_version: int | None = Field(
        ...,
        description="The version of the form `programmes.<type>` that `data` answers "
        "(GET /forms/programmes.<type>/versions/{n}/schema); null for older contributions",
    )
    visibility: Visibility
    created_at: datetime
    status: ContributionStatus = Field(
        ..., description="active; withdrawn by its author or set aside by a gatekeeper"
    )
    status_reason: str
    status_changed_at: datetime | None
    status_organisation_id: int | None = Field(
        ..., description="Who withdrew it (its organisation) or set it aside"
    )
    replaces_id: int | None


class WithdrawIn(Schema):
    reason: str = Field("", max_length=5000)


class SetAsideIn(Schema):
    reason: str = Field(..., min_length=1, max_length=5000)
    organisation_id: int | None = Field(None, description="The organisation you act for")


class DecisionIn(Schema):
    organisation_id: int | None = Field(None, description="The organisation you act for")
    expected_step: ExpectedStep


class ReturnIn(Schema):
    to_step: int = Field(..., ge=1, le=100)
    reason: str = Field(..., min_length=1, max_length=5000)
    organisation_id: int | None = None
    expected_step: ExpectedStep


class StepDecisionOut(Schema):
    id: int
    action: str
    from_step: int
    to_step: int
    reason: str
    organisation_id: int | None
    created_at: datetime


# Documented by hand: the handler checks participation before it reads the body.
CONTRIBUTION_IN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title"],
    "properties": {
        "type": {"type": "string", "description": "Artefact type allowed at the current step"},
        "title": {"type": "string", "maxLength": 200},
        "body": {"type": "string", "maxLength": 20000},
        "data": {
            "type": "object",
            "description": "The answers to the type's form `programmes.<type>`: its JSON "
            "Schema is GET /forms/programmes.<type>/versions/{n}/schema",
        },
        "visibility": {"type": "string", "enum": list(Visibility.values)},
        "organisation_id": {"type": "integer", "description": "The organisation you act for"},
        "replaces": {
            "type": "integer",
            "description": "Your own contribution at this step that this one replaces "
            "(it is withdrawn)",
        },
    },
}


@router.get(
    "/governance-model",
    response=GovernanceModelOut,
    auth=None,
    openapi_extra=PUBLIC_OPERATION,
    summary="Phases, steps, organisation kinds and the participation matrix",
)
def governance_model(request: HttpRequest) -> dict[str, Any]:
    return current_model().public()


@router.get(
    "/programmes",
    response=list[ProgrammeOut],
    auth=None,
    openapi_extra=PUBLIC_OPERATION,
    summary="List programmes",
    description=LIST_DESCRIPTION,
)
@paginate(KeysetPage)
def programme_list(
    request: HttpRequest,
    filters: ProgrammeFilters = Query(...),  # type: ignore[type-arg]  # noqa: B008
) -> Any:
    return queries.programme_list(
        viewer=optional_viewer(request), status=filters.status or "", step=filters.step
    )


@router.post(
    "/programmes",
    response={201: ProgrammeOut},
    summary="Expose a problem (step 1)",
    openapi_extra=api_access(permissions.can_start_programme),
)
def programme_create(request: HttpRequest, payload: ProgrammeIn) -> Status[Programme]:
    programme = transitions.programme_create(
        actor=request.user,
        organisation_id=payload.organisation_id,
        title=payload.title,
        summary=payload.summary,
    )
    return Status(201, programme)


@router.get(
    "/programmes/{programme_id}",
    response=ProgrammeDetailOut,
    auth=None,
    openapi_extra=PUBLIC_OPERATION,
    summary="One programme",
)
def programme_get(request: HttpRequest, programme_id: int) -> Programme:
    return permissions.access_programme(optional_viewer(request), programme_id)


@router.get(
    "/programmes/{programme_id}/contributions",
    response=list[ContributionOut],
    auth=None,
    openapi_extra=PUBLIC_OPERATION,
    summary="A programme's contributions you may see",
)
def contribution_list(request: HttpRequest, programme_id: int) -> Any:
    viewer = optional_viewer(request)
    programme = permissions.access_programme(viewer, programme_id)
    return queries.contribution_list(programme=programme, viewer=viewer)


@router.post(
    "/programmes/{programme_id}/contributions",
    response={201: ContributionOut},
    summary="Contribute at the current step (organisations the matrix allows there)",
    openapi_extra={
        **api_access(permissions.can_contribute),
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": CONTRIBUTION_IN_SCHEMA}},
        },
    },
)
def contribution_add(request: HttpRequest, programme_id: int) -> Status[Contribution]:
    # The body is read here, not by a schema, so that the participation check comes first.
    try:
        payload: Any = json.loads(request.body or b"null")
    except ValueError:
        payload = None
    named = payload.get("organisation_id") if isinstance(payload, dict) else None
    named = request.GET.get("organisation_id", named)
    contribution = actions.contribution_add(
        actor=request.user, programme_id=programme_id, organisation_id=named, payload=payload
    )
    return Status(201, contribution)


@router.post(
    "/programmes/{programme_id}/contributions/{contribution_id}/withdraw",
    response=ContributionOut,
    summary="Withdraw your own contribution before its step closes (it stays, marked withdrawn)",
    openapi_extra=api_access(permissions.can_withdraw_contribution),
)
def contribution_withdraw(
    request: HttpRequest, programme_id: int, contribution_id: int, payload: WithdrawIn
) -> Contribution:
    return actions.contribution_withdraw(
        actor=request.user,
        programme_id=programme_id,
        contribution_id=contribution_id,
        reason=payload.reason,
    )


@router.delete(
    "/programmes/{programme_id}/contributions/{contribution_id}",
    response=ContributionOut,
    summary="Withdraw your own contribution (as .../withdraw, without a reason)",
    openapi_extra=api_access(permissions.can_withdraw_contribution),
)
def contribution_delete(request: HttpRequest, programme_id: int, contribution_id: int) -> Any:
    # Nothing is deleted: the contribution stays in the record, marked withdrawn.
    return actions.contribution_withdraw(
        actor=request.user, programme_id=programme_id, contribution_id=contribution_id
    )


@router.post(
    "/programmes/{programme_id}/contributions/{contribution_id}/set-aside",
    response=ContributionOut,
    summary="Set a contribution aside, with a reason (the step's gatekeepers)",
    openapi_extra=api_access(permissions.can_decide_gate),
)
def contribution_set_aside(
    request: HttpRequest, programme_id: int, contribution_id: int, payload: SetAsideIn
) -> Contribution:
    return actions.contribution_set_aside(
        actor=request.user,
        programme_id=programme_id,
        contribution_id=contribution_id,
        reason=payload.reason,
        organisation_id=payload.organisation_id,
    )


@router.post(
    "/programmes/{programme_id}/advance",
    response=ProgrammeOut,
    summary="Close the current step's gate and move on (422 lists unmet conditions)",
    openapi_extra=api_access(permissions.can_decide_gate),
)
def programme_advance(request: HttpRequest, programme_id: int, payload: DecisionIn) -> Programme:
    return transitions.programme_advance(
        actor=request.user,
        programme_id=programme_id,
        organisation_id=payload.organisation_id,
        expected_step=payload.expected_step,
    )


@router.post(
    "/programmes/{programme_id}/return",
    response=ProgrammeOut,
    summary="Send the programme back to an earlier step, with a reason",
    openapi_extra=api_access(permissions.can_decide_gate),
)
def programme_return(request: HttpRequest, programme_id: int, payload: ReturnIn) -> Programme:
    return transitions.programme_return(
        actor=request.user,
        programme_id=programme_id,
        to_step=payload.to_step,
        reason=payload.reason,
        organisation_id=payload.organisation_id,
        expected_step=payload.expected_step,
    )


@router.get(
    "/programmes/{programme_id}/decisions",
    response=list[StepDecisionOut],
    auth=None,
    openapi_extra=PUBLIC_OPERATION,
    summary="The programme's step decisions (its history)",
)
def decision_list(request: HttpRequest, programme_id: int) -> Any:
    programme = permissions.access_programme(optional_viewer(request), programme_id)
    return queries.decisions_of([programme])[programme.pk]


class IssueIn(Schema):
    legal_status: str = Field(..., min_length=1, max_length=500)
    organisation_id: int | None = None
    expected_step: ExpectedStep


@router.post(
    "/programmes/{programme_id}/issue",
    response=ProgrammeOut,
    summary="Step 8: issue the official, signed document (higher bodies)",
    openapi_extra=api_access(permissions.can_issue),
)
def programme_issue(request: HttpRequest, programme_id: int, payload: IssueIn) -> Programme:
    return transitions.programme_issue(
        actor=request.user,
        programme_id=programme_id,
        legal_status=payload.legal_status,
        organisation_id=payload.organisation_id,
        expected_step=payload.expected_step,
    )


class NewCycleIn(Schema):
    title: str = Field("", max_length=200, description="Defaults to '<title> (cycle N)'")
    organisation_id: int | None = Field(None, description="The organisation you act for")


@router.post(
    "/programmes/{programme_id}/new-cycle",
    response={201: ProgrammeOut},
    summary="Step 10: close the programme and open a new cycle linked to it",
    openapi_extra=api_access(permissions.can_decide_gate),
)
def programme_new_cycle(
    request: HttpRequest, programme_id: int, payload: NewCycleIn
) -> Status[Programme]:
    successor = transitions.programme_new_cycle(
        actor=request.user,
        programme_id=programme_id,
        title=payload.title,
        organisation_id=payload.organisation_id,
    )
    return Status(201, successor)


class ClauseOut(Schema):
    text: str
    objective_ids: list[int] = []


class DraftOut(Schema):
    id: int
    version: int
    title: str
    organisation_id: int
    visibility: Visibility
    created_at: datetime
    clauses: list[ClauseOut]

    @staticmethod
    def resolve_version(obj: Contribution) -> int:
        return int(obj.data.get("version", 0))

    @staticmethod
    def resolve_clauses(obj: Contribution) -> list[dict[str, Any]]:
        return list(obj.data.get("clauses", []))


@router.get(
    "/programmes/{programme_id}/drafts",
    response=list[DraftOut],
    auth=None,
    openapi_extra=PUBLIC_OPERATION,
    summary="Step 6: the versions of the programme document you may see",
)
def draft_list(request: HttpRequest, programme_id: int) -> Any:
    viewer = optional_viewer(request)
    programme = permissions.access_programme(viewer, programme_id)
    return queries.draft_versions(programme=programme, viewer=viewer)


class DiffFilters(Schema):
    from_: int | None = Field(None, alias="from", ge=1, description="Default: the one before")
    to: int | None = Field(None, ge=1, description="Default: the latest version")


class SegmentOut(Schema):
    op: str
    text: str


class ClauseChangeOut(Schema):
    op: str = Field(..., description="equal, insert, delete or replace")
    old_number: int | None
    new_number: int | None
    old_text: str
    new_text: str
    old_objective_ids: list[int]
    new_objective_ids: list[int]
    segments: list[SegmentOut] = Field(..., description="Word-level changes of a replace")


class DraftDiffOut(Schema):
    from_version: int
    to_version: int
    changes: list[ClauseChangeOut]


@router.get(
    "/programmes/{programme_id}/drafts/diff",
    response=DraftDiffOut,
    auth=None,
    openapi_extra=PUBLIC_OPERATION,
    summary="Step 6: what changed between two versions of the programme document",
)
def draft_diff(
    request: HttpRequest,
    programme_id: int,
    filters: DiffFilters = Query(...),  # type: ignore[type-arg]  # noqa: B008
) -> dict[str, Any]:
    viewer = optional_viewer(request)
    programme = permissions.access_programme(viewer, programme_id)
    drafts = queries.draft_versions(programme=programme, viewer=viewer)
    diff = queries.draft_diff(drafts=drafts, old=filters.from_, new=filters.to)
    return {
        "from_version": int(diff.old.data["version"]),
        "to_version": int(diff.new.data["version"]),
        "changes": diff.changes,
    }


class AchievementOut(Schema):
    objective_id: int
    objective: str
    indicator: str
    unit: str
    baseline: float
    target: float
    target_date: str | None
    latest: float | None
    measured_at: str | None
    achievement_pct: float | None = Field(
        ..., description="(latest - baseline) / (target - baseline) * 100"
    )
    status: str = Field(..., description="met, partly_met, not_met, no_data or undefined")
    null_reason: str | None = Field(
        None,
        description="why achievement_pct is null: no_data, target_equals_baseline, out_of_range",
    )


@router.get(
    "/programmes/{programme_id}/achievement",
    response=list[AchievementOut],
    auth=None,
    openapi_extra=PUBLIC_OPERATION,
    summary="Step 10: every adopted indicator against its latest reported value",
)
def achievement(request: HttpRequest, programme_id: int) -> Any:
    viewer = optional_viewer(request)
    programme = permissions.access_programme(viewer, programme_id)
    return queries.achievement(programme=programme, viewer=viewer)
