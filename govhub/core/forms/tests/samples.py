"""A definition using every question type (tests only)."""

from __future__ import annotations

from typing import Any

SAMPLE: dict[str, Any] = {
    "key": "tests.sample",
    "version": 1,
    "title": {"en": "Sample", "ru": "Образец", "fa-af": "نمونه"},
    "pages": [
        {
            "key": "about",
            "title": {"en": "About you", "ru": "О вас", "fa-af": "درباره شما"},  # noqa: RUF001
            "questions": [
                {
                    "key": "name",
                    "type": "text",
                    "max_length": 20,
                    "label": {"en": "Name", "ru": "Имя", "fa-af": "نام"},
                    "hint": {"en": "As on your card", "ru": "Как в документе"},
                },
                {"key": "story", "type": "long_text", "label": "Story", "required": False},
                {
                    "key": "share",
                    "type": "number",
                    "label": "Share",
                    "unit": {"en": "%", "fa-af": "٪"},
                    "min": 0,
                    "max": 100,
                },
                {"key": "born", "type": "date", "label": {"en": "Born", "ru": "Родился"}},
                {
                    "key": "role",
                    "type": "choice",
                    "label": {"en": "Role", "ru": "Роль", "fa-af": "نقش"},
                    "options": [
                        {"value": "chair", "label": {"en": "Chair", "ru": "Председатель"}},
                        {"value": "member", "label": {"en": "Member", "ru": "Член"}},
                    ],
                },
                {
                    "key": "why_chair",
                    "type": "long_text",
                    "label": "Why chair",
                    "when": {"question": "role", "equals": "chair"},
                },
                {
                    "key": "topics",
                    "type": "multiple_choice",
                    "label": "Topics",
                    "required": False,
                    "options": [
                        {"value": "health", "label": "Health"},
                        {"value": "roads", "label": "Roads"},
                    ],
                },
                {"key": "agree", "type": "yes_no", "label": "Agree"},
                {"key": "email", "type": "email", "label": "Email", "required": False},
                {"key": "phone", "type": "phone", "label": "Phone", "required": False},
            ],
        },
        {
            "key": "where",
            "title": "Where",
            "questions": [
                {"key": "office", "type": "address", "label": "Office", "required": False},
                {"key": "organisation", "type": "organisation", "label": "Organisation"},
                {"key": "scan", "type": "file", "label": "Scan", "required": False},
                {
                    "key": "indicators",
                    "type": "group",
                    "label": "Indicators",
                    "min_items": 1,
                    "max_items": 3,
                    "rows": 1,
                    "questions": [
                        {"key": "name", "type": "text", "label": "Indicator"},
                        {"key": "target", "type": "number", "label": "Target"},
                        {"key": "by", "type": "date", "label": "By", "required": False},
                    ],
                },
            ],
        },
        {
            "key": "chair",
            "title": "Chairing",
            "when": {"question": "role", "equals": "chair"},
            "questions": [{"key": "term", "type": "number", "label": "Term", "integer": True}],
        },
    ],
}

VALID: dict[str, Any] = {
    "name": "Aziz",
    "share": 12.5,
    "born": "1990-02-03",
    "role": "member",
    "agree": True,
    "organisation": 7,
    "indicators": [{"name": "Coverage", "target": 80}],
}
