"""Workflow definitions: versioned documents (YAML or JSON) of states, transitions, who may
take each, guards, working-day time limits, reminders, escalations and required inputs.

`parse` checks a document's shape (a JSON Schema) and its consistency (states that exist,
a way out of every state, reminders inside the time limit); `problems` resolves its names
against the registries. Both name what is wrong, so a deployment's file fails at start-up
with a message saying where.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema  # no stubs installed (types-jsonschema)
import yaml
from django.utils.translation import gettext

from govhub.core.workflow.registry import REGISTRY, Registry
from govhub.core.workflow.schema import SCHEMA


class DefinitionError(ValueError):
    """A definition is not usable; `problems` names each thing wrong."""

    def __init__(self, where: str, problems: list[str]) -> None:
        super().__init__(f"workflow definition {where}: " + "; ".join(problems))
        self.where = where
        self.problems = problems


@dataclass(frozen=True)
class Ref:
    """A named predicate or guard, with its argument (None when it takes none)."""

    name: str
    arg: Any = None

    @classmethod
    def of(cls, raw: Any) -> Ref:
        if isinstance(raw, str):
            return cls(raw)
        ((name, arg),) = raw.items()
        return cls(str(name), arg)

    def public(self) -> dict[str, Any]:
        return {"name": self.name, "argument": self.arg}


@dataclass(frozen=True)
class TimeLimit:
    working_days: int
    reminders: tuple[int, ...] = ()
    escalations: tuple[int, ...] = ()


@dataclass(frozen=True)
class State:
    key: str
    name: str
    phase: str = ""
    final: bool = False
    participants: frozenset[str] = frozenset()
    time_limit: TimeLimit | None = None
    required_inputs: tuple[str, ...] = ()
    # The input (form) types that may be given while the case is in this state.
    forms: tuple[str, ...] = ()
    guards: tuple[Ref, ...] = ()
    tags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Transition:
    name: str
    source: str
    target: str
    who: tuple[Ref, ...]
    guards: tuple[Ref, ...] = ()
    kind: str = "forward"
    reason_required: bool = False
    label: str = ""


@dataclass(frozen=True)
class Definition:
    key: str
    version: int
    name: str
    initial: str
    phases: tuple[tuple[str, str], ...]
    states: dict[str, State]
    transitions: tuple[Transition, ...]
    suspension: tuple[Ref, ...] | None
    extension: tuple[tuple[Ref, ...], int] | None
    document: dict[str, Any] = field(repr=False, compare=False)
    sha256: str = ""

    def state(self, key: str) -> State:
        return self.states[key]

    def transitions_from(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if t.source == state]

    def public(self) -> dict[str, Any]:
        """The definition as `GET /api/v1/workflows/{key}` shows it (names in the active
        language where the catalogue has them)."""
        return {
            "key": self.key,
            "version": self.version,
            "name": gettext(self.name),
            "initial": self.initial,
            "phases": [{"key": k, "name": gettext(n)} for k, n in self.phases],
            "states": [_state_public(s) for s in self.states.values()],
            "transitions": [
                {
                    "name": t.name,
                    "label": gettext(t.label) if t.label else t.name,
                    "from": t.source,
                    "to": t.target,
                    "kind": t.kind,
                    "reason_required": t.reason_required,
                    "who": [r.public() for r in t.who],
                    "guards": [r.public() for r in t.guards],
                }
                for t in self.transitions
            ],
            "suspension": None
            if self.suspension is None
            else {"who": [r.public() for r in self.suspension]},
            "extension": None
            if self.extension is None
            else {
                "who": [r.public() for r in self.extension[0]],
                "max_working_days": self.extension[1],
            },
        }


def _state_public(s: State) -> dict[str, Any]:
    limit = s.time_limit
    return {
        "key": s.key,
        "name": gettext(s.name),
        "phase": s.phase or None,
        "final": s.final,
        "participants": sorted(s.participants),
        "time_limit": None
        if limit is None
        else {
            "working_days": limit.working_days,
            "reminders": list(limit.reminders),
            "escalations": list(limit.escalations),
        },
        "required_inputs": list(s.required_inputs),
        "forms": list(s.forms),
        "guards": [r.public() for r in s.guards],
        "tags": sorted(s.tags),
    }


def _shape_problems(raw: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    problems = []
    for error in sorted(validator.iter_errors(raw), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in error.absolute_path) or "(the document)"
        problems.append(f"{where}: {error.message}")
    return problems


def _state(raw: dict[str, Any]) -> State:
    limit = raw.get("time_limit")
    return State(
        key=raw["key"],
        name=raw["name"],
        phase=raw.get("phase", ""),
        final=bool(raw.get("final", False)),
        participants=frozenset(raw.get("participants", [])),
        time_limit=None
        if limit is None
        else TimeLimit(
            working_days=limit["working_days"],
            reminders=tuple(sorted(set(limit.get("reminders", [])), reverse=True)),
            escalations=tuple(sorted(set(limit.get("escalations", [])))),
        ),
        required_inputs=tuple(raw.get("required_inputs", [])),
        forms=tuple(raw.get("forms", [])),
        guards=tuple(Ref.of(g) for g in raw.get("guards", [])),
        tags=frozenset(raw.get("tags", [])),
    )


def _transitions(raw: list[dict[str, Any]]) -> list[Transition]:
    found = []
    for t in raw:
        sources = t["from"] if isinstance(t["from"], list) else [t["from"]]
        for source in sources:
            found.append(
                Transition(
                    name=t["name"],
                    source=source,
                    target=t["to"],
                    who=tuple(Ref.of(w) for w in t["who"]),
                    guards=tuple(Ref.of(g) for g in t.get("guards", [])),
                    kind=t.get("kind", "forward"),
                    reason_required=t.get("reason", "optional") == "required",
                    label=t.get("label", ""),
                )
            )
    return found


def _consistency_problems(
    states: dict[str, State], transitions: list[Transition], raw: dict[str, Any]
) -> list[str]:
    problems = []
    keys = [s["key"] for s in raw["states"]]
    problems += [
        f"state {k!r} is defined twice" for k in sorted({k for k in keys if keys.count(k) > 1})
    ]
    if raw["initial"] not in states:
        problems.append(f"initial state {raw['initial']!r} is not a state")
    phases = {p["key"] for p in raw.get("phases", [])}
    for state in states.values():
        if state.phase and state.phase not in phases:
            problems.append(f"state {state.key!r} is in unknown phase {state.phase!r}")
        if state.final and (
            state.time_limit or state.required_inputs or state.guards or state.forms
        ):
            problems.append(f"final state {state.key!r} has a time limit, inputs, forms or guards")
        limit = state.time_limit
        for days in limit.reminders if limit else ():
            if days >= limit.working_days:  # type: ignore[union-attr]
                problems.append(
                    f"state {state.key!r}: a reminder {days} working days before the deadline "
                    f"comes before the state's {limit.working_days} days begin"  # type: ignore[union-attr]
                )
    seen: set[tuple[str, str, str]] = set()
    for t in transitions:
        for end, label in ((t.source, "from"), (t.target, "to")):
            if end not in states:
                problems.append(f"transition {t.name!r} goes {label} unknown state {end!r}")
        if (t.name, t.source, t.target) in seen:
            problems.append(f"transition {t.name!r} from {t.source!r} to {t.target!r} is repeated")
        seen.add((t.name, t.source, t.target))
        if t.source in states and states[t.source].final:
            problems.append(f"transition {t.name!r} leaves final state {t.source!r}")
        if t.source == t.target:
            problems.append(f"transition {t.name!r} goes from {t.source!r} to itself")
    for state in states.values():
        if not state.final and not any(t.source == state.key for t in transitions):
            problems.append(f"state {state.key!r} has no way out (no transition, not final)")
    return problems


def parse(raw: Any, where: str = "(document)") -> Definition:
    """Check a definition's shape and consistency; raises DefinitionError naming each problem."""
    problems = _shape_problems(raw)
    if problems:
        raise DefinitionError(where, problems)
    states = {s["key"]: _state(s) for s in raw["states"]}
    transitions = _transitions(raw["transitions"])
    problems = _consistency_problems(states, transitions, raw)
    if problems:
        raise DefinitionError(where, problems)
    extension = raw.get("extension")
    return Definition(
        key=raw["key"],
        version=raw["version"],
        name=raw["name"],
        initial=raw["initial"],
        phases=tuple((p["key"], p["name"]) for p in raw.get("phases", [])),
        states=states,
        transitions=tuple(transitions),
        suspension=tuple(Ref.of(w) for w in raw["suspension"]["who"])
        if "suspension" in raw
        else None,
        extension=(tuple(Ref.of(w) for w in extension["who"]), extension["max_working_days"])
        if extension
        else None,
        document=raw,
        sha256=digest(raw),
    )


def digest(raw: dict[str, Any]) -> str:
    """A fingerprint of a document's content (key order and layout do not count)."""
    canonical = json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _ref_problems(refs: tuple[Ref, ...], table: dict[str, Any], what: str, where: str) -> list[str]:
    problems = []
    for ref in refs:
        plugin = table.get(ref.name)
        if plugin is None:
            problems.append(f"{where}: unknown {what} {ref.name!r}")
            continue
        check = getattr(plugin, "check_arg", None)
        problem = check(ref.arg) if check else None
        if problem:
            problems.append(f"{where}: {what} {ref.name!r} {problem}")
    return problems


def problems(definition: Definition, registry: Registry | None = None) -> list[str]:
    """The names in `definition` that no registry knows (or whose argument is wrong)."""
    reg = registry or REGISTRY
    found: list[str] = []
    for state in definition.states.values():
        where = f"state {state.key!r}"
        found += _ref_problems(state.guards, reg.guards, "guard", where)
        found += [
            f"{where}: unknown input type {key!r}"
            for key in dict.fromkeys(state.required_inputs + state.forms)
            if key not in reg.inputs
        ]
    for t in definition.transitions:
        where = f"transition {t.name!r} from {t.source!r}"
        found += _ref_problems(t.who, reg.predicates, "predicate", where)
        found += _ref_problems(t.guards, reg.guards, "guard", where)
        if (
            any(r.name == "takes_part" for r in t.who)
            and not definition.states[t.source].participants
        ):
            found.append(f"{where}: 'takes_part', but state {t.source!r} lists no participants")
    if definition.suspension:
        found += _ref_problems(definition.suspension, reg.predicates, "predicate", "suspension")
    if definition.extension:
        found += _ref_problems(definition.extension[0], reg.predicates, "predicate", "extension")
    return list(dict.fromkeys(found))


def read(path: Path) -> Any:
    """A definition file's document: YAML (.yaml, .yml) or JSON."""
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() in (".yaml", ".yml"):
        return yaml.safe_load(text)
    return json.loads(text)


def load(path: Path) -> Definition:
    """Read and check the shape of one definition file; errors name the file. The file's
    bytes are read each time, but parsed again only when they changed: pages and transitions
    ask for the definitions in force several times a request, and parsing the YAML cost
    milliseconds each time."""
    try:
        content = path.read_bytes()
        seen = (str(path), hashlib.sha256(content).hexdigest())
        known = _FILES.get(seen)
        if known is not None:
            return known
        raw = read(path)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise DefinitionError(str(path), [f"cannot read it: {exc}"]) from exc
    definition = _load_cached(str(path), digest(raw) if isinstance(raw, dict) else "", raw)
    if len(_FILES) < 256:
        _FILES[seen] = definition
    return definition


_FILES: dict[tuple[str, str], Definition] = {}
_PARSED: dict[tuple[str, str], Definition] = {}


def _load_cached(where: str, sha: str, raw: Any) -> Definition:
    cached = _PARSED.get((where, sha)) if sha else None
    if cached is not None:
        return cached
    definition = parse(raw, where)
    if len(_PARSED) < 256:
        _PARSED[(where, sha)] = definition
    return definition


_STORED: dict[str, Definition] = {}


def from_stored(document: Callable[[], dict[str, Any]], sha: str) -> Definition:
    """The definition an instance started on, from its stored document (parsed once per
    process: every transition needs it, and its fingerprint was taken when it was stored)."""
    cached = _STORED.get(sha)
    if cached is not None:
        return cached
    definition = parse(document(), f"stored version {sha[:12]}")
    if len(_STORED) < 256:
        _STORED[sha] = definition
    return definition


def configured_paths() -> list[Path]:
    """Definition files in force: those apps ship, then the deployment's (GOVHUB_WORKFLOWS),
    which replace a shipped one of the same key."""
    from django.conf import settings

    extra = getattr(settings, "GOVHUB_WORKFLOWS", [])
    if isinstance(extra, str):
        extra = [extra]
    return [*REGISTRY.definitions, *(Path(p) for p in extra if str(p).strip())]


def current_definitions() -> dict[str, Definition]:
    """The definitions in force, by key (a later file of the same key replaces an earlier)."""
    found: dict[str, Definition] = {}
    for path in configured_paths():
        definition = load(path)
        found[definition.key] = definition
    return found
