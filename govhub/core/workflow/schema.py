"""The JSON Schema (2020-12) of a workflow definition document: its shape. The consistency
of what it names (states, phases) is checked in `definition.py`, the plugins it names in
`definition.problems`."""

from __future__ import annotations

from typing import Any

KEY = {"type": "string", "pattern": "^[a-z][a-z0-9_-]{0,63}$"}
NAME_LIST = {"type": "array", "items": {"type": "string", "minLength": 1}}
# A reference to a registered predicate or guard: its name, or {name: argument}.
REF = {
    "oneOf": [
        {"type": "string", "minLength": 1},
        {"type": "object", "minProperties": 1, "maxProperties": 1},
    ]
}
WHO = {"type": "array", "items": REF, "minItems": 1}
DAYS = {"type": "integer", "minimum": 0, "maximum": 3650}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["key", "version", "name", "initial", "states", "transitions"],
    "properties": {
        "key": KEY,
        "version": {"type": "integer", "minimum": 1},
        "name": {"type": "string", "minLength": 1},
        "description": {"type": "string"},
        "source": {"type": "string"},
        # What this process calls each kind of participant (key -> name), in display order.
        "participant_names": {
            "type": "object",
            "additionalProperties": {"type": "string", "minLength": 1},
        },
        "initial": KEY,
        "phases": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["key", "name"],
                "properties": {"key": KEY, "name": {"type": "string", "minLength": 1}},
            },
        },
        "states": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["key", "name"],
                "properties": {
                    "key": KEY,
                    "name": {"type": "string", "minLength": 1},
                    "phase": KEY,
                    "final": {"type": "boolean"},
                    "participants": NAME_LIST,
                    "time_limit": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["working_days"],
                        "properties": {
                            "working_days": {**DAYS, "minimum": 1},
                            "reminders": {"type": "array", "items": DAYS},
                            "escalations": {"type": "array", "items": DAYS},
                        },
                    },
                    "required_inputs": NAME_LIST,
                    "forms": NAME_LIST,
                    "guards": {"type": "array", "items": REF},
                    "tags": NAME_LIST,
                },
            },
        },
        "transitions": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "from", "to", "who"],
                "properties": {
                    "name": KEY,
                    "label": {"type": "string", "minLength": 1},
                    "from": {"oneOf": [KEY, {"type": "array", "items": KEY, "minItems": 1}]},
                    "to": KEY,
                    "who": WHO,
                    "guards": {"type": "array", "items": REF},
                    "kind": {"enum": ["forward", "return"]},
                    "reason": {"enum": ["required", "optional"]},
                },
            },
        },
        "suspension": {
            "type": "object",
            "additionalProperties": False,
            "required": ["who"],
            "properties": {"who": WHO},
        },
        "extension": {
            "type": "object",
            "additionalProperties": False,
            "required": ["who", "max_working_days"],
            "properties": {"who": WHO, "max_working_days": {**DAYS, "minimum": 1}},
        },
    },
}
