"""The JSON Schema (draft 2020-12) of a form's answers, generated from its definition.

It says what `answers_validate` checks without the database: types, limits, options,
required questions, and conditions (a conditional question is required, and checked, only
when its condition holds). Whether an organisation or file exists is the server's check.
"""

from __future__ import annotations

from typing import Any

from govhub.core.forms.definition import Condition, Definition, Question, text
from govhub.core.forms.validation import ADDRESS_PARTS, DATE, PHONE_PATTERN

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
NON_BLANK = r"\S"


def _nullable(schema: dict[str, Any], q: Question) -> dict[str, Any]:
    if q.required:
        return schema
    return {"anyOf": [schema, {"type": "null"}]}


def _string(q: Question) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if q.limit is not None:
        schema["maxLength"] = q.limit
    if q.required:
        schema["pattern"] = NON_BLANK
    return schema


def question_schema(q: Question) -> dict[str, Any]:
    """The schema of one question's answer."""
    schema: dict[str, Any]
    if q.type in ("text", "long_text"):
        schema = _string(q)
    elif q.type == "email":
        schema = {**_string(q), "format": "email"}
    elif q.type == "phone":
        schema = {"type": "string", "maxLength": q.limit, "pattern": PHONE_PATTERN}
    elif q.type == "number":
        schema = {"type": "integer" if q.integer else "number"}
        if q.minimum is not None:
            schema["minimum"] = q.minimum
        if q.maximum is not None:
            schema["maximum"] = q.maximum
        if q.unit:
            schema["x-unit"] = text(q.unit, "en")
    elif q.type == "date":
        schema = {"type": "string", "format": "date", "pattern": DATE.pattern}
    elif q.type == "choice":
        schema = {"enum": list(q.values)}
    elif q.type == "multiple_choice":
        schema = {"type": "array", "items": {"enum": list(q.values)}, "uniqueItems": True}
        _items(schema, q)
    elif q.type == "yes_no":
        schema = {"type": "boolean"}
    elif q.type == "address":
        schema = {
            "type": "object",
            "properties": {
                part: {"type": "string", "maxLength": limit} for part, limit, _r in ADDRESS_PARTS
            },
            "required": [part for part, _l, required in ADDRESS_PARTS if required],
            "additionalProperties": False,
        }
        for part, _limit, required in ADDRESS_PARTS:
            if required:
                schema["properties"][part]["pattern"] = NON_BLANK
    elif q.type in ("organisation", "reference"):
        one = {"type": "integer", "minimum": 1}
        schema = {"type": "array", "items": one} if q.multiple else dict(one)
        if q.multiple and q.required:
            schema["minItems"] = 1
        schema["x-source"] = q.reference_source
    elif q.type == "file":
        schema = {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"}
    else:
        schema = {"type": "array", "items": _object(q.questions)}
        _items(schema, q)
    schema["title"] = text(q.label, "en")
    if q.hint:
        schema["description"] = text(q.hint, "en")
    return _nullable(schema, q)


def _items(schema: dict[str, Any], q: Question) -> None:
    low = max(q.min_items or 0, 1 if q.required else 0)
    if low:
        schema["minItems"] = low
    if q.max_items is not None:
        schema["maxItems"] = q.max_items


def _condition(c: Condition) -> dict[str, Any]:
    if c.answered is not None:
        answered = {
            "required": [c.question],
            "properties": {c.question: {"not": {"enum": [None, "", [], {}]}}},
        }
        return answered if c.answered else {"not": answered}
    wanted = [c.equals] if not c.one_of else list(c.one_of)
    return {
        "required": [c.question],
        "properties": {
            c.question: {
                "anyOf": [{"enum": wanted}, {"type": "array", "contains": {"enum": wanted}}]
            }
        },
    }


def _object(
    questions: tuple[Question, ...], page_conditions: dict[str, Condition] | None = None
) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    required: list[str] = []
    conditional: list[dict[str, Any]] = []
    for q in questions:
        conditions = [c for c in ((page_conditions or {}).get(q.key), q.when) if c is not None]
        if not conditions:
            properties[q.key] = question_schema(q)
            if q.required:
                required.append(q.key)
            continue
        # Answers to a question not shown are ignored, so only checked when it is shown.
        properties[q.key] = True
        then: dict[str, Any] = {"properties": {q.key: question_schema(q)}}
        if q.required:
            then["required"] = [q.key]
        condition = (
            _condition(conditions[0])
            if len(conditions) == 1
            else {"allOf": [_condition(c) for c in conditions]}
        )
        conditional.append({"if": condition, "then": then})
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = required
    if conditional:
        schema["allOf"] = conditional
    return schema


def answers_schema(definition: Definition) -> dict[str, Any]:
    """The JSON Schema (2020-12) of the answers to `definition`."""
    page_conditions = {
        q.key: page.when for page in definition.pages if page.when for q in page.questions
    }
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": f"urn:govhub:form:{definition.key}:{definition.version}",
        "title": text(definition.title, "en"),
        **_object(definition.questions, page_conditions),
    }
