"""The governance model of programmes: a workflow definition read as phases, steps,
organisation kinds and the participation matrix.

The model is core's workflow definition `isg-programme` (`isg-programme.yaml`, the seed's ten
steps); a deployment replaces it with its own file under the same key and a new version
(`GOVHUB_WORKFLOWS`), or names another key (`GOVHUB_PROGRAMME_WORKFLOW`). Each step is a
state that is not final, in the file's order; what happens at a step is named in the file,
not in code: its participants, its guards (the gate's conditions), the artefact types
(`forms`) that may be added there, and its tags (`issues_document`, `holds_drafts`,
`holds_review`). A programme keeps the version it started on (`Programme.model_version`,
"key:version"), so changing the file never changes a running programme's rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from govhub.core.api import workflow_definition, workflow_definition_version

DEFAULT_PATH = Path(__file__).resolve().parent / "isg-programme.yaml"
DEFAULT_KEY = "isg-programme"
SUBJECT = "programmes.programme"
# Tags a step may carry in the model file.
ISSUES_DOCUMENT = "issues_document"
HOLDS_DRAFTS = "holds_drafts"
HOLDS_REVIEW = "holds_review"
TAGS = frozenset({ISSUES_DOCUMENT, HOLDS_DRAFTS, HOLDS_REVIEW})
# The artefact type of a step whose model names none.
GENERIC_TYPES = ("contribution",)


class GovernanceModelError(ValueError):
    """The model is not usable for programmes; the message names the problem."""


@dataclass(frozen=True)
class Phase:
    number: int
    name: str
    steps: tuple[int, ...]


@dataclass(frozen=True)
class Step:
    number: int
    name: str
    phase: int
    state: str
    types: tuple[str, ...]
    tags: frozenset[str]


@dataclass(frozen=True)
class KindEntry:
    key: str
    sector: str
    name: str


@dataclass(frozen=True)
class GovernanceModel:
    version: str  # "key:version" of the workflow definition
    phases: tuple[Phase, ...]
    steps: tuple[Step, ...]
    kinds: tuple[KindEntry, ...]
    participation: dict[str, frozenset[int]]
    definition: Any  # core's workflow Definition
    final_state: str

    @property
    def step_count(self) -> int:
        return len(self.steps)

    def step(self, number: int) -> Step:
        return self.steps[number - 1]

    def may_take_part(self, kind: str, step: int) -> bool:
        """Whether organisations of `kind` take part at `step` (the matrix)."""
        return step in self.participation.get(kind, frozenset())

    def kinds_at(self, step: int) -> list[str]:
        return [k.key for k in self.kinds if self.may_take_part(k.key, step)]

    def types_at(self, step: int) -> tuple[str, ...]:
        """The artefact types that may be added at `step`."""
        return self.step(step).types or GENERIC_TYPES

    def has_tag(self, step: int, tag: str) -> bool:
        return 1 <= step <= self.step_count and tag in self.step(step).tags

    def tagged(self, tag: str) -> list[int]:
        """The steps that carry `tag`, in order."""
        return [s.number for s in self.steps if tag in s.tags]

    def state_of(self, step: int, *, closed: bool = False) -> str:
        """The workflow state of `step` (of the final state, for a closed programme)."""
        return self.final_state if closed else self.step(step).state

    def step_of(self, state: str) -> int:
        """The step of a workflow state (the final state counts as the last step)."""
        for s in self.steps:
            if s.state == state:
                return s.number
        return self.step_count

    def public(self) -> dict[str, Any]:
        """The shape of `GET /api/v1/governance-model`."""
        return {
            "workflow": self.version,
            "phases": [
                {"number": p.number, "name": p.name, "steps": list(p.steps)} for p in self.phases
            ],
            "steps": [
                {
                    "number": s.number,
                    "name": s.name,
                    "phase": s.phase,
                    "types": list(self.types_at(s.number)),
                    "tags": sorted(s.tags),
                }
                for s in self.steps
            ],
            "organisation_kinds": [
                {"key": k.key, "sector": k.sector, "name": k.name} for k in self.kinds
            ],
            "participation": {
                k.key: sorted(self.participation.get(k.key, frozenset())) for k in self.kinds
            },
        }


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise GovernanceModelError(message)


def from_definition(definition: Any, known_kinds: dict[str, str]) -> GovernanceModel:
    """Read a workflow definition as a governance model; `known_kinds` maps the organisation
    kinds GovHub knows to their sectors."""
    where = f"workflow {definition.key!r} version {definition.version}"
    states = list(definition.states.values())
    finals = [s for s in states if s.final]
    _require(len(finals) == 1, f"{where}: a programme's model has exactly one final state")
    steps_raw = [s for s in states if not s.final]
    _require(bool(steps_raw), f"{where}: a programme's model needs at least one step")
    phase_keys = [key for key, _name in definition.phases]
    steps = []
    for number, state in enumerate(steps_raw, start=1):
        _require(state.phase in phase_keys, f"{where}: step {state.key!r} needs one of the phases")
        unknown = sorted(set(state.participants) - set(known_kinds))
        _require(not unknown, f"{where}: step {state.key!r} names unknown kinds {unknown}")
        _require(bool(state.participants), f"{where}: nobody takes part in step {state.key!r}")
        _require(
            state.tags <= TAGS,
            f"{where}: step {state.key!r} has unknown tags {sorted(state.tags - TAGS)}",
        )
        steps.append(
            Step(
                number=number,
                name=state.name,
                phase=phase_keys.index(state.phase) + 1,
                state=state.key,
                types=state.forms,
                tags=state.tags,
            )
        )
    for number, step in enumerate(steps, start=1):
        target = steps[number].state if number < len(steps) else finals[0].key
        name = "advance" if number < len(steps) else "close"
        _require(
            any(
                t.name == name and t.target == target
                for t in definition.transitions_from(step.state)
            ),
            f"{where}: step {step.state!r} needs a transition {name!r} to {target!r}",
        )
    phases = tuple(
        Phase(
            number=i,
            name=name,
            steps=tuple(s.number for s in steps if s.phase == i),
        )
        for i, (_key, name) in enumerate(definition.phases, start=1)
    )
    # Kinds in GovHub's order (organisations' KINDS): the names' mapping keeps no order once
    # stored (PostgreSQL's jsonb sorts an object's keys).
    names: dict[str, str] = definition.document.get("participant_names", {})
    used = {kind for s in steps_raw for kind in s.participants}
    order = [k for k in known_kinds if k in used]
    kinds = tuple(
        KindEntry(key=k, sector=known_kinds[k], name=str(names.get(k) or k)) for k in order
    )
    participation = {
        k.key: frozenset(s.number for s in steps if k.key in steps_raw[s.number - 1].participants)
        for k in kinds
    }
    return GovernanceModel(
        version=f"{definition.key}:{definition.version}",
        phases=phases,
        steps=tuple(steps),
        kinds=kinds,
        participation=participation,
        definition=definition,
        final_state=finals[0].key,
    )


_MODELS: dict[str, GovernanceModel] = {}


def _known_kinds() -> dict[str, str]:
    from govhub.organisations.api import KINDS

    return {str(k.key): str(k.sector) for k in KINDS}


def model_of(definition: Any) -> GovernanceModel:
    cached = _MODELS.get(definition.sha256)
    if cached is None:
        cached = from_definition(definition, _known_kinds())
        if len(_MODELS) < 64:
            _MODELS[definition.sha256] = cached
    return cached


def model_key() -> str:
    return str(getattr(settings, "GOVHUB_PROGRAMME_WORKFLOW", "") or DEFAULT_KEY)


def current_model() -> GovernanceModel:
    """The deployment's model: the workflow definition in force under `model_key()`."""
    return model_of(workflow_definition(model_key()))


def model_of_version(version: str) -> GovernanceModel:
    """The model a programme started on, from its "key:version" (read once per process)."""
    key, _sep, number = version.rpartition(":")
    try:
        return model_of(workflow_definition_version(key, int(number)))
    except ValueError as exc:
        raise GovernanceModelError(f"unknown model version {version!r}") from exc


def subject_step(ctx: Any) -> tuple[int, int]:
    """The programme and the step a workflow guard or input checker looks at (the state
    being left)."""
    return int(ctx.subject_id), model_of(ctx.definition).step_of(ctx.state.key)


def programme_model(programme: Any) -> GovernanceModel:
    """The model `programme` runs on (the version it started on)."""
    return model_of_version(programme.model_version)
