"""Registries of named plugins the workflow definitions refer to (STYLE.md, rule 12).

A definition names its predicates ("who may take a transition"), guards (conditions that must
hold before it) and required inputs (form types that must exist before a state is left); apps
register them here from their `AppConfig.ready()`. A name no registry knows is a start-up
error (see `checks.py`). Apps also register where a subject lives (who may see its workflow)
and, once, where a person's organisations come from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from govhub.core.workflow.data import DueAlert, GuardContext, TransitionTaken, WhoContext


class Acting(Protocol):
    """An organisation a person acts for (organisations' `MembershipInfo` fits)."""

    @property
    def organisation_id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def sector(self) -> str: ...
    @property
    def role(self) -> str: ...


@dataclass(frozen=True)
class Unmet:
    """A condition that still stops a transition: a stable code and a translated message."""

    code: str
    message: str
    input: str = ""  # the missing input's key, for `input_missing`


PredicateFn = Callable[["WhoContext", Any], bool]
GuardFn = Callable[["GuardContext", Any], list[Unmet]]
InputFn = Callable[["GuardContext"], bool]
ArgCheck = Callable[[Any], str | None]  # None when the argument is fine, else the problem


@dataclass(frozen=True)
class Predicate:
    name: str
    fn: PredicateFn
    check_arg: ArgCheck | None = None


@dataclass(frozen=True)
class Guard:
    name: str
    fn: GuardFn
    check_arg: ArgCheck | None = None


@dataclass(frozen=True)
class InputType:
    key: str
    present: InputFn
    label: str = ""


@dataclass(frozen=True)
class Subject:
    subject_type: str
    can_view: Callable[[Any, str], bool]


@dataclass
class Registry:
    predicates: dict[str, Predicate] = field(default_factory=dict)
    guards: dict[str, Guard] = field(default_factory=dict)
    inputs: dict[str, InputType] = field(default_factory=dict)
    subjects: dict[str, Subject] = field(default_factory=dict)
    definitions: list[Path] = field(default_factory=list)
    listeners: list[Callable[[TransitionTaken], None]] = field(default_factory=list)
    alert_handlers: dict[str, Callable[[DueAlert], None]] = field(default_factory=dict)
    membership_source: Callable[[Any], Iterable[Acting]] | None = None


REGISTRY = Registry()


def predicate_register(name: str, fn: PredicateFn, *, check_arg: ArgCheck | None = None) -> None:
    """Name a rule of who may take a transition: `fn(context, argument) -> bool`."""
    REGISTRY.predicates[name] = Predicate(name, fn, check_arg)


def guard_register(name: str, fn: GuardFn, *, check_arg: ArgCheck | None = None) -> None:
    """Name a condition: `fn(context, argument)` returns what is still unmet (empty: open)."""
    REGISTRY.guards[name] = Guard(name, fn, check_arg)


def input_type_register(key: str, present: InputFn, *, label: str = "") -> None:
    """Name an input (a form type) a state may require: `present(context)` says whether the
    instance's subject has it."""
    REGISTRY.inputs[key] = InputType(key, present, label)


def subject_register(subject_type: str, *, can_view: Callable[[Any, str], bool]) -> None:
    """Say who may see the workflow of a subject (`can_view(user, subject_id)`); the
    instances of a subject type nobody registered are shown to no one."""
    REGISTRY.subjects[subject_type] = Subject(subject_type, can_view)


def definition_register(path: Path | str) -> None:
    """Ship a definition file with an app (a deployment may replace it: GOVHUB_WORKFLOWS)."""
    resolved = Path(path)
    if resolved not in REGISTRY.definitions:
        REGISTRY.definitions.append(resolved)


def membership_source_register(fn: Callable[[Any], Iterable[Acting]]) -> None:
    """Where the organisations a person acts for come from (core knows no organisations)."""
    REGISTRY.membership_source = fn


def transition_listener_register(fn: Callable[[TransitionTaken], None]) -> None:
    """Call `fn` after each transition commits (never for one that rolled back)."""
    if fn not in REGISTRY.listeners:
        REGISTRY.listeners.append(fn)


def alert_handler_register(subject_type: str, fn: Callable[[DueAlert], None]) -> None:
    """Call `fn(alert)` for each reminder or escalation due on an instance of `subject_type`
    (the periodic sweep claims it first, so it is handled once, whatever number of hosts)."""
    REGISTRY.alert_handlers[subject_type] = fn


def memberships_of(user: Any) -> list[Acting]:
    """The organisations `user` acts for, from the registered source (none without one)."""
    if REGISTRY.membership_source is None or not getattr(user, "is_authenticated", False):
        return []
    return list(REGISTRY.membership_source(user))


# Built-in predicates: by organisation kind, sector, membership role, or taking part at the
# state (the participation matrix). Each argument is a name or a list of names.


def _names(arg: Any) -> frozenset[str]:
    return frozenset([arg] if isinstance(arg, str) else arg)


def _check_names(arg: Any) -> str | None:
    if isinstance(arg, str) and arg:
        return None
    if isinstance(arg, list) and arg and all(isinstance(a, str) and a for a in arg):
        return None
    return "needs a name or a list of names"


def _check_none(arg: Any) -> str | None:
    return None if arg is None else "takes no argument"


def _takes_part(ctx: WhoContext, arg: Any) -> bool:
    return ctx.acting is not None and ctx.acting.kind in ctx.state.participants


def _kind(ctx: WhoContext, arg: Any) -> bool:
    return ctx.acting is not None and ctx.acting.kind in _names(arg)


def _sector(ctx: WhoContext, arg: Any) -> bool:
    return ctx.acting is not None and ctx.acting.sector in _names(arg)


def _role(ctx: WhoContext, arg: Any) -> bool:
    return ctx.acting is not None and ctx.acting.role in _names(arg)


BUILT_IN_PREDICATES = {
    "takes_part": (_takes_part, _check_none),
    "kind": (_kind, _check_names),
    "sector": (_sector, _check_names),
    "role": (_role, _check_names),
}
for _name, (_fn, _check) in BUILT_IN_PREDICATES.items():
    predicate_register(_name, _fn, check_arg=_check)
