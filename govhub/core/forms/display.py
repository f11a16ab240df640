"""Answers as a readable summary: labels in the page's language, organisations and other
records by name with a link, dates and numbers as people write them. Never JSON.

`answers_display_many` resolves the records of many answer sets in one batch per source, so
a page showing 200 artefacts costs the same few queries as a page showing one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from govhub.core.formats import long_date
from govhub.core.forms.definition import Definition, Question, text
from govhub.core.forms.registry import file_hooks, reference_source
from govhub.core.forms.validation import ADDRESS_PARTS

Resolved = dict[str, Mapping[int, tuple[str, str | None]]]


@dataclass(frozen=True)
class Item:
    """One shown value: its text and, for a record or file, its link."""

    text: str
    url: str | None = None


@dataclass
class Row:
    """One question and its answer: items, or for a repeatable group a table."""

    label: str
    items: list[Item] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    table: list[list[Row]] = field(default_factory=list)


def _number(q: Question, value: float) -> str:
    shown = number_format(value, use_l10n=True, force_grouping=True)
    unit = text(q.unit)
    return f"{shown} {unit}" if unit else shown


def _items(q: Question, value: Any, resolved: Resolved) -> list[Item]:
    if q.type == "number":
        return [Item(_number(q, value))]
    if q.type == "date":
        return [Item(long_date(dt.date.fromisoformat(value)))]
    if q.type in ("choice", "multiple_choice"):
        names = {o.value: text(o.label) for o in q.options}
        return [
            Item(names.get(v) or str(v)) for v in (value if isinstance(value, list) else [value])
        ]
    if q.type == "yes_no":
        return [Item(_("Yes") if value else _("No"))]
    if q.type == "address":
        return [Item(value[p]) for p, _l, _r in ADDRESS_PARTS if value.get(p)]
    if q.type in ("organisation", "reference"):
        known = resolved.get(q.reference_source, {})
        items = []
        for v in value if isinstance(value, list) else [value]:
            name, url = known.get(
                v, (_("Record no. %(id)s (no longer available)") % {"id": v}, None)
            )
            items.append(Item(name, url))
        return items
    if q.type == "file":
        describe = file_hooks().describe
        name, url = describe(value) if describe else (_("A file"), None)
        return [Item(name, url)]
    return [Item(str(value))]


def _rows(
    questions: Iterable[Question], answers: Mapping[str, Any], resolved: Resolved
) -> list[Row]:
    rows = []
    for q in questions:
        if q.key not in answers:
            continue
        value = answers[q.key]
        if q.type == "group":
            rows.append(
                Row(
                    label=text(q.label),
                    columns=[text(s.label) for s in q.questions],
                    table=[
                        [
                            Row(text(s.label), _items(s, r[s.key], resolved) if s.key in r else [])
                            for s in q.questions
                        ]
                        for r in value
                    ],
                )
            )
        else:
            rows.append(Row(text(q.label), _items(q, value, resolved)))
    return rows


def _wanted(
    questions: Iterable[Question], answers: Mapping[str, Any], into: dict[str, set[int]]
) -> None:
    for q in questions:
        value = answers.get(q.key)
        if value is None:
            continue
        if q.type in ("organisation", "reference"):
            into.setdefault(q.reference_source, set()).update(
                value if isinstance(value, list) else [value]
            )
        elif q.type == "group":
            for row in value:
                _wanted(q.questions, row, into)


def _resolve(wanted: dict[str, set[int]]) -> Resolved:
    resolved: Resolved = {}
    for name, ids in wanted.items():
        source = reference_source(name)
        resolved[name] = source.resolve(ids) if source and ids else {}
    return resolved


def answers_display_many(items: Iterable[tuple[Definition, Mapping[str, Any]]]) -> list[list[Row]]:
    """The summary rows of each (definition, answers), records resolved once per source."""
    pairs = list(items)
    wanted: dict[str, set[int]] = {}
    for definition, answers in pairs:
        _wanted(definition.shown(answers), answers, wanted)
    resolved = _resolve(wanted)
    return [_rows(d.shown(a), a, resolved) for d, a in pairs]


def answers_display(definition: Definition, answers: Mapping[str, Any]) -> list[Row]:
    """The summary rows of one set of answers, in the active language."""
    return answers_display_many([(definition, answers)])[0]


def answers_summary(definition: Definition, answers: Mapping[str, Any]) -> SafeString:
    """The answers as an HTML summary list (`core/forms/summary.html`)."""
    return render_to_string(
        "core/forms/summary.html", {"rows": answers_display(definition, answers)}
    )
