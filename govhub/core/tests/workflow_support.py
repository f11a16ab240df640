"""Fixtures for the workflow tests: a clean registry, the test definitions, and acting
organisations as plain data (core knows no organisations)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from govhub.core.workflow import registry
from govhub.core.workflow.registry import Unmet

HERE = Path(__file__).resolve().parent
SIX_STEPS = HERE / "workflows" / "six-steps.yaml"
ISG = HERE.parent.parent / "programmes" / "isg-programme.yaml"
# What the programmes app will register for the ISG definition (the seed's gate conditions).
ISG_GUARDS = (
    "problem_stated",
    "commission_balanced",
    "objectives_adopted",
    "lead_agency_named",
    "proposals_answered",
    "draft_present",
    "assessment_filed",
    "objections_answered",
    "document_issued",
    "tasks_closed",
    "review_written",
)


@dataclass(frozen=True)
class Member:
    organisation_id: int
    kind: str
    sector: str
    role: str = "manager"


MINISTRY = Member(1, "ministry_agency", "government")
LOCAL = Member(2, "local_body", "government")
BUSINESS = Member(3, "business", "business")
HIGHER = Member(4, "higher_body", "government")


class Flags:
    """What the test guards and inputs look at: flags per subject id, forms present."""

    def __init__(self) -> None:
        self.flags: set[tuple[str, str]] = set()
        self.forms: set[str] = set()


@pytest.fixture
def workflow_registry(settings: Any) -> Iterator[Flags]:
    """The registry as core ships it, plus the test definition's guard and input; restored
    afterwards."""
    saved = copy.copy(registry.REGISTRY)
    registry.REGISTRY.predicates = dict(saved.predicates)
    registry.REGISTRY.guards = {}
    registry.REGISTRY.inputs = {}
    registry.REGISTRY.subjects = {}
    registry.REGISTRY.definitions = [SIX_STEPS]
    registry.REGISTRY.listeners = []
    registry.REGISTRY.membership_source = None
    settings.GOVHUB_WORKFLOWS = []
    settings.GOVHUB_HOLIDAYS = []
    settings.GOVHUB_WEEKEND = ["sat", "sun"]
    settings.TIME_ZONE = "UTC"  # the tests' dates are UTC days
    flags = Flags()

    def flag(ctx: Any, name: Any) -> list[Unmet]:
        if (ctx.subject_id, name) in flags.flags:
            return []
        return [Unmet(f"{name}_missing", f"Not {name} yet.")]

    def check_flag(arg: Any) -> str | None:
        return None if isinstance(arg, str) else "needs a flag name"

    registry.guard_register("flag", flag, check_arg=check_flag)
    registry.input_type_register(
        "application_form", lambda ctx: ctx.subject_id in flags.forms, label="The application"
    )
    yield flags
    registry.REGISTRY.predicates = saved.predicates
    registry.REGISTRY.guards = saved.guards
    registry.REGISTRY.inputs = saved.inputs
    registry.REGISTRY.subjects = saved.subjects
    registry.REGISTRY.definitions = saved.definitions
    registry.REGISTRY.listeners = saved.listeners
    registry.REGISTRY.membership_source = saved.membership_source


def written() -> dict[str, int]:
    """Row counts of everything a workflow write touches (a refusal leaves them as they are)."""
    from govhub.core.models import AuditEntry
    from govhub.core.workflow.models import (
        WorkflowDecision,
        WorkflowDefinitionVersion,
        WorkflowInstance,
    )

    return {
        m.__name__: m.objects.count()
        for m in (AuditEntry, WorkflowDecision, WorkflowDefinitionVersion, WorkflowInstance)
    }
