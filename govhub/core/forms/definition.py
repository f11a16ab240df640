"""A form definition: ordered pages of typed questions, read from a JSON/YAML document.

The document is checked twice: against a JSON Schema of definitions (its shape), then for
what a schema cannot say (keys unique across the form, conditions naming an earlier
question, options unique). Every label, hint and option is a string or a mapping of language
code to string ({"en": ..., "ru": ..., "fa-af": ...}); English is the fallback.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from jsonschema import Draft202012Validator

Text = str | Mapping[str, str]

QUESTION_TYPES = (
    "text",
    "long_text",
    "number",
    "date",
    "choice",
    "multiple_choice",
    "yes_no",
    "email",
    "phone",
    "address",
    "organisation",
    "reference",
    "file",
    "group",
)
# Types a repeatable group may hold (no group inside a group, no file in a row).
ROW_TYPES = tuple(t for t in QUESTION_TYPES if t not in ("group", "file", "address"))
DEFAULT_MAX_LENGTH = {"text": 200, "long_text": 2000, "email": 254, "phone": 30}
KEY_PATTERN = "^[a-z][a-z0-9_]{0,62}$"


class FormDefinitionError(ValueError):
    """A definition document that is not a valid form definition; the message names where."""


def text(value: Text | None, language: str | None = None) -> str:
    """The string of `value` in `language` (default: the active one), falling back to English."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    code = (language or translation.get_language() or "en").lower()
    for candidate in (code, code.split("-")[0], "en"):
        if value.get(candidate):
            return value[candidate]
    return next(iter(value.values()), "")


_TEXT = {
    "oneOf": [
        {"type": "string", "minLength": 1},
        {
            "type": "object",
            "properties": {"en": {"type": "string", "minLength": 1}},
            "required": ["en"],
            "additionalProperties": {"type": "string"},
        },
    ]
}
_CONDITION = {
    "type": "object",
    "properties": {
        "question": {"type": "string", "pattern": KEY_PATTERN},
        "equals": {"type": ["string", "number", "boolean"]},
        "in": {"type": "array", "items": {"type": ["string", "number"]}, "minItems": 1},
        "answered": {"type": "boolean"},
    },
    "required": ["question"],
    "minProperties": 2,
    "maxProperties": 2,
    "additionalProperties": False,
}
_OPTION = {
    "type": "object",
    "properties": {"value": {"type": "string", "minLength": 1}, "label": _TEXT, "hint": _TEXT},
    "required": ["value", "label"],
    "additionalProperties": False,
}
_QUESTION: dict[str, Any] = {
    "type": "object",
    "properties": {
        "key": {"type": "string", "pattern": KEY_PATTERN},
        "type": {"enum": list(QUESTION_TYPES)},
        "label": _TEXT,
        "hint": _TEXT,
        "required": {"type": "boolean"},
        "when": _CONDITION,
        "min_length": {"type": "integer", "minimum": 0},
        "max_length": {"type": "integer", "minimum": 1},
        "min": {"type": "number"},
        "max": {"type": "number"},
        "integer": {"type": "boolean"},
        "unit": _TEXT,
        "options": {"type": "array", "items": _OPTION, "minItems": 1},
        "source": {"type": "string", "minLength": 1},
        "multiple": {"type": "boolean"},
        "min_items": {"type": "integer", "minimum": 0},
        "max_items": {"type": "integer", "minimum": 1},
        "rows": {"type": "integer", "minimum": 1, "maximum": 20},
        "accept": {"type": "array", "items": {"type": "string"}},
        "questions": {"type": "array", "items": {"$ref": "#/$defs/question"}, "minItems": 1},
    },
    "required": ["key", "type", "label"],
    "additionalProperties": False,
    "allOf": [
        {
            "if": {"properties": {"type": {"enum": ["choice", "multiple_choice"]}}},
            "then": {"required": ["options"]},
        },
        {"if": {"properties": {"type": {"const": "reference"}}}, "then": {"required": ["source"]}},
        {"if": {"properties": {"type": {"const": "group"}}}, "then": {"required": ["questions"]}},
    ],
}
DEFINITION_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "GovHub form definition",
    "type": "object",
    "properties": {
        "key": {"type": "string", "pattern": "^[a-z][a-z0-9_.]{0,99}$"},
        "version": {"type": "integer", "minimum": 1},
        "title": _TEXT,
        "description": _TEXT,
        "pages": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {
                    "key": {"type": "string", "pattern": KEY_PATTERN},
                    "title": _TEXT,
                    "when": _CONDITION,
                    "questions": {
                        "type": "array",
                        "items": {"$ref": "#/$defs/question"},
                        "minItems": 1,
                    },
                },
                "required": ["key", "questions"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["key", "version", "title", "pages"],
    "additionalProperties": False,
    "$defs": {"question": _QUESTION},
}


@dataclass(frozen=True)
class Condition:
    """Show a question or page only when an earlier answer is ... (equals, in, answered)."""

    question: str
    equals: Any = None
    one_of: tuple[Any, ...] = ()
    answered: bool | None = None

    def holds(self, answers: Mapping[str, Any]) -> bool:
        value = answers.get(self.question)
        given = value not in (None, "", [], {})
        if self.answered is not None:
            return given == self.answered
        wanted = (self.equals,) if not self.one_of else self.one_of
        if isinstance(value, list):
            return any(v in wanted for v in value)
        return given and value in wanted


@dataclass(frozen=True)
class Option:
    value: str
    label: Text
    hint: Text | None = None


@dataclass(frozen=True)
class Question:
    key: str
    type: str
    label: Text
    hint: Text | None = None
    required: bool = True
    when: Condition | None = None
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    unit: Text | None = None
    options: tuple[Option, ...] = ()
    source: str = ""
    multiple: bool = False
    min_items: int | None = None
    max_items: int | None = None
    rows: int = 1
    accept: tuple[str, ...] = ()
    questions: tuple[Question, ...] = ()

    @property
    def limit(self) -> int | None:
        """The character limit of a text answer."""
        return self.max_length or DEFAULT_MAX_LENGTH.get(self.type)

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(o.value for o in self.options)

    @property
    def reference_source(self) -> str:
        return "organisation" if self.type == "organisation" else self.source


@dataclass(frozen=True)
class Page:
    key: str
    title: Text | None
    questions: tuple[Question, ...]
    when: Condition | None = None


@dataclass(frozen=True)
class Definition:
    """One version of one form, parsed; `document` is what it was parsed from."""

    key: str
    version: int
    title: Text
    pages: tuple[Page, ...]
    description: Text | None = None
    document: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def questions(self) -> tuple[Question, ...]:
        """The top-level questions of every page, in order."""
        return tuple(q for page in self.pages for q in page.questions)

    def question(self, key: str) -> Question:
        return next(q for q in self.questions if q.key == key)

    def shown(self, answers: Mapping[str, Any]) -> tuple[Question, ...]:
        """The questions shown for these answers (their page's and their own conditions hold)."""
        return tuple(
            q
            for page in self.pages
            if page.when is None or page.when.holds(answers)
            for q in page.questions
            if q.when is None or q.when.holds(answers)
        )


def _condition(raw: Mapping[str, Any] | None) -> Condition | None:
    if raw is None:
        return None
    return Condition(
        question=raw["question"],
        equals=raw.get("equals"),
        one_of=tuple(raw.get("in", ())),
        answered=raw.get("answered"),
    )


def _question(raw: Mapping[str, Any]) -> Question:
    return Question(
        key=raw["key"],
        type=raw["type"],
        label=raw["label"],
        hint=raw.get("hint"),
        required=raw.get("required", True),
        when=_condition(raw.get("when")),
        min_length=raw.get("min_length"),
        max_length=raw.get("max_length"),
        minimum=raw.get("min"),
        maximum=raw.get("max"),
        integer=raw.get("integer", False),
        unit=raw.get("unit"),
        options=tuple(
            Option(o["value"], o["label"], o.get("hint")) for o in raw.get("options", ())
        ),
        source=raw.get("source", ""),
        multiple=raw.get("multiple", False),
        min_items=raw.get("min_items"),
        max_items=raw.get("max_items"),
        rows=raw.get("rows", 1),
        accept=tuple(raw.get("accept", ())),
        questions=tuple(_question(q) for q in raw.get("questions", ())),
    )


def _where(path: Any) -> str:
    return "/".join(str(p) for p in path) or "(top)"


def _check_question(q: Question, seen: dict[str, Question], where: str) -> None:
    if q.key in seen:
        raise FormDefinitionError(f"{where}: the key {q.key!r} is used twice")
    if len(set(q.values)) != len(q.values):
        raise FormDefinitionError(f"{where}: {q.key!r} has two options with one value")
    if q.when is not None:
        earlier = seen.get(q.when.question)
        if earlier is None:
            raise FormDefinitionError(
                f"{where}: {q.key!r} depends on {q.when.question!r}, which is not an earlier "
                "question"
            )
        if earlier.options:
            wanted = [q.when.equals] if not q.when.one_of else list(q.when.one_of)
            unknown = [w for w in wanted if w is not None and w not in earlier.values]
            if unknown:
                raise FormDefinitionError(
                    f"{where}: {q.key!r} depends on {q.when.question!r} being {unknown[0]!r}, "
                    "which is not one of its options"
                )
    if q.minimum is not None and q.maximum is not None and q.minimum > q.maximum:
        raise FormDefinitionError(f"{where}: {q.key!r} has min above max")
    if q.type == "group":
        inner: dict[str, Question] = {}
        for sub in q.questions:
            if sub.type not in ROW_TYPES:
                raise FormDefinitionError(
                    f"{where}: a row of {q.key!r} cannot hold a {sub.type} question"
                )
            _check_question(sub, inner, f"{where}/{q.key}")
            inner[sub.key] = sub
    seen[q.key] = q


def parse(document: Mapping[str, Any]) -> Definition:
    """The definition in `document`, or FormDefinitionError naming the first problem."""
    errors = sorted(
        Draft202012Validator(DEFINITION_SCHEMA).iter_errors(document), key=lambda e: list(e.path)
    )
    if errors:
        error = errors[0]
        raise FormDefinitionError(f"{_where(error.absolute_path)}: {error.message}")
    definition = Definition(
        key=document["key"],
        version=document["version"],
        title=document["title"],
        description=document.get("description"),
        pages=tuple(
            Page(
                key=p["key"],
                title=p.get("title"),
                questions=tuple(_question(q) for q in p["questions"]),
                when=_condition(p.get("when")),
            )
            for p in document["pages"]
        ),
        document=document,
    )
    seen: dict[str, Question] = {}
    pages: set[str] = set()
    for page in definition.pages:
        where = f"{definition.key} v{definition.version}/{page.key}"
        if page.key in pages:
            raise FormDefinitionError(f"{where}: the page key is used twice")
        pages.add(page.key)
        if page.when is not None and page.when.question not in seen:
            raise FormDefinitionError(
                f"{where}: the page depends on {page.when.question!r}, which is not on an "
                "earlier page"
            )
        for q in page.questions:
            _check_question(q, seen, where)
    return definition
