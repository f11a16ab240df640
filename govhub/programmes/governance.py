"""The governance model (phases, steps, organisation kinds, participation matrix) as data.

The default is the seed's ISG model (`governance_model.json`); a deployment may point
`GOVHUB_GOVERNANCE_MODEL` at another file. The model is validated at start-up, and each
programme keeps a snapshot of the model it started with, so changing the file never
changes a running programme's rules.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

DEFAULT_PATH = Path(__file__).resolve().parent / "governance_model.json"


class GovernanceModelError(ValueError):
    """The model file is not usable; the message names the problem."""


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


@dataclass(frozen=True)
class KindEntry:
    key: str
    sector: str
    name: str


@dataclass(frozen=True)
class GovernanceModel:
    version: str
    phases: tuple[Phase, ...]
    steps: tuple[Step, ...]
    kinds: tuple[KindEntry, ...]
    participation: dict[str, frozenset[int]]
    raw: dict[str, Any]

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

    def public(self) -> dict[str, Any]:
        """The shape of `GET /api/v1/governance-model`."""
        return {
            "phases": [
                {"number": p.number, "name": p.name, "steps": list(p.steps)} for p in self.phases
            ],
            "steps": [{"number": s.number, "name": s.name, "phase": s.phase} for s in self.steps],
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


def _int_list(value: Any, where: str) -> list[int]:
    _require(
        isinstance(value, list)
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value),
        f"{where} must be a list of step numbers",
    )
    return list(value)


def parse(raw: dict[str, Any], known_kinds: dict[str, str]) -> GovernanceModel:
    """Validate a model against the organisation kinds GovHub knows (key -> sector)."""
    _require(isinstance(raw, dict), "the model must be a JSON object")
    for key in ("version", "phases", "steps", "organisation_kinds", "participation"):
        _require(key in raw, f"missing '{key}'")
    steps_raw = raw["steps"]
    _require(isinstance(steps_raw, list) and len(steps_raw) > 0, "'steps' must be a non-empty list")
    numbers = [s.get("number") for s in steps_raw if isinstance(s, dict)]
    _require(
        numbers == list(range(1, len(steps_raw) + 1)),
        f"steps must be numbered 1 to {len(steps_raw)} in order, found {numbers}",
    )
    phase_numbers = {p.get("number") for p in raw["phases"] if isinstance(p, dict)}
    steps = []
    for s in steps_raw:
        _require(
            isinstance(s.get("name"), str) and s["name"].strip() != "",
            f"step {s['number']} needs a name",
        )
        _require(
            s.get("phase") in phase_numbers,
            f"step {s['number']} is in unknown phase {s.get('phase')!r}",
        )
        steps.append(Step(number=s["number"], name=s["name"], phase=s["phase"]))
    phases = []
    for p in raw["phases"]:
        listed = _int_list(p.get("steps"), f"phase {p.get('number')}'s steps")
        expected = [s.number for s in steps if s.phase == p.get("number")]
        _require(
            listed == expected,
            f"phase {p.get('number')} lists steps {listed}, but its steps are {expected}",
        )
        phases.append(Phase(number=p["number"], name=str(p.get("name", "")), steps=tuple(listed)))
    kinds = []
    for k in raw["organisation_kinds"]:
        key = k.get("key")
        _require(key in known_kinds, f"unknown organisation kind {key!r}")
        _require(
            k.get("sector") == known_kinds[key],
            f"kind {key!r} belongs to sector {known_kinds[key]!r}, not {k.get('sector')!r}",
        )
        kinds.append(KindEntry(key=key, sector=k["sector"], name=str(k.get("name", key))))
    kind_keys = {k.key for k in kinds}
    participation: dict[str, frozenset[int]] = {}
    _require(isinstance(raw["participation"], dict), "'participation' must be an object")
    for key, listed in raw["participation"].items():
        _require(key in kind_keys, f"participation names unknown organisation kind {key!r}")
        for number in _int_list(listed, f"participation of {key!r}"):
            _require(
                1 <= number <= len(steps),
                f"step {number} in the participation of {key!r} is out of range 1-{len(steps)}",
            )
        participation[key] = frozenset(listed)
    for step in steps:
        _require(
            any(step.number in allowed for allowed in participation.values()),
            f"no organisation kind may act at step {step.number} ({step.name})",
        )
    return GovernanceModel(
        version=str(raw["version"]),
        phases=tuple(phases),
        steps=tuple(steps),
        kinds=tuple(kinds),
        participation=participation,
        raw=raw,
    )


def load(path: Path, known_kinds: dict[str, str]) -> GovernanceModel:
    """Read and validate a model file; errors name the file and the problem."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GovernanceModelError(f"cannot read {path}: {exc}") from exc
    try:
        return parse(raw, known_kinds)
    except GovernanceModelError as exc:
        raise GovernanceModelError(f"governance model {path}: {exc}") from exc


@lru_cache(maxsize=1)
def _cached(path: str, kinds: tuple[tuple[str, str], ...]) -> GovernanceModel:
    return load(Path(path), dict(kinds))


def current_model() -> GovernanceModel:
    """The deployment's model: GOVHUB_GOVERNANCE_MODEL, or the seed's."""
    from django.conf import settings

    from govhub.organisations.api import KINDS

    path = getattr(settings, "GOVHUB_GOVERNANCE_MODEL", "") or str(DEFAULT_PATH)
    return _cached(path, tuple((str(k.key), str(k.sector)) for k in KINDS))


_SNAPSHOTS: dict[str, GovernanceModel] = {}


def snapshot_model(raw: dict[str, Any]) -> GovernanceModel:
    """The model a programme started with, from its stored snapshot.

    Parsed once per process and version: every request of a programme needs it, and
    validating the whole model each time cost more than the rest of a gate decision.
    """
    from govhub.organisations.api import KINDS

    version = str(raw.get("version", ""))
    cached = _SNAPSHOTS.get(version)
    if cached is not None and cached.raw == raw:
        return cached
    model = parse(raw, {str(k.key): str(k.sector) for k in KINDS})
    if len(_SNAPSHOTS) < 64:
        _SNAPSHOTS[version] = model
    return model


@lru_cache(maxsize=1)
def seed_version() -> str:
    """The version of the seed's model shipped with GovHub."""
    return str(json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))["version"])
