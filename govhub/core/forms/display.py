"""Answers as a readable summary: labels in the page's language, organisations and other
records by name with a link, dates and numbers as people write them. Never JSON.

`answers_display_many` resolves the records of many answer sets in one batch per source, so
a page showing 200 artefacts costs the same few queries as a page showing one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html import escape
from typing import Any, NamedTuple

from django.utils import numberformat, translation
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from govhub.core.formats import long_date
from govhub.core.forms.definition import Definition, Question, text
from govhub.core.forms.registry import file_hooks, reference_source
from govhub.core.forms.validation import ADDRESS_PARTS

Resolved = dict[str, Mapping[int, tuple[str, str | None]]]


class Item(NamedTuple):
    """One shown value: its text and, for a record or file, its link (a tuple: a page makes
    thousands of these, and a frozen dataclass costs three times as much to make)."""

    text: str
    url: str | None = None


@dataclass(slots=True)
class Row:
    """One question and its answer: items, or for a repeatable group a table."""

    label: str
    items: list[Item] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    table: list[list[Row]] = field(default_factory=list)


@dataclass
class _Shown:
    """What one display call needs, worked out once: the language, its number format, and
    the texts and dates already shown (a page shows the same labels hundreds of times)."""

    resolved: Resolved
    language: str = field(default_factory=lambda: translation.get_language() or "en")
    texts: dict[int, str] = field(default_factory=dict)
    dates: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        lang = self.language
        self.decimal = str(get_format("DECIMAL_SEPARATOR", lang, use_l10n=True))
        self.thousands = str(get_format("THOUSAND_SEPARATOR", lang, use_l10n=True))
        self.grouping = get_format("NUMBER_GROUPING", lang, use_l10n=True)

    def text(self, value: Any) -> str:
        if value is None or isinstance(value, str):
            return value or ""
        found = self.texts.get(id(value))
        if found is None:
            found = self.texts[id(value)] = text(value, self.language)
        return found

    def number(self, q: Question, value: float) -> str:
        if self.grouping == 3 and isinstance(value, int):  # most figures: Python groups them
            shown = f"{value:,}".replace(",", self.thousands)
        else:
            shown = numberformat.format(
                value,
                self.decimal,
                grouping=self.grouping,
                thousand_sep=self.thousands,
                force_grouping=True,
                use_l10n=True,
            )
        unit = self.text(q.unit)
        return f"{shown} {unit}" if unit else shown

    def date(self, value: str) -> str:
        found = self.dates.get(value)
        if found is None:
            found = self.dates[value] = long_date(dt.date.fromisoformat(value), self.language)
        return found


def _items(q: Question, value: Any, shown: _Shown) -> list[Item]:
    if q.type == "number":
        return [Item(shown.number(q, value))]
    if q.type == "date":
        return [Item(shown.date(value))]
    if q.type in ("choice", "multiple_choice"):
        names = {o.value: shown.text(o.label) for o in q.options}
        return [
            Item(names.get(v) or str(v)) for v in (value if isinstance(value, list) else [value])
        ]
    if q.type == "yes_no":
        return [Item(_("Yes") if value else _("No"))]
    if q.type == "address":
        return [Item(value[p]) for p, _l, _r in ADDRESS_PARTS if value.get(p)]
    if q.type in ("organisation", "reference"):
        known = shown.resolved.get(q.reference_source, {})
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


def _rows(questions: Iterable[Question], answers: Mapping[str, Any], shown: _Shown) -> list[Row]:
    rows = []
    for q in questions:
        if q.key not in answers:
            continue
        value = answers[q.key]
        if q.type == "group":
            rows.append(
                Row(
                    label=shown.text(q.label),
                    columns=[shown.text(s.label) for s in q.questions],
                    table=[
                        [
                            Row(
                                shown.text(s.label),
                                _items(s, r[s.key], shown) if s.key in r else [],
                            )
                            for s in q.questions
                        ]
                        for r in value
                    ],
                )
            )
        else:
            rows.append(Row(shown.text(q.label), _items(q, value, shown)))
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
    shown = _Shown(_resolve(wanted))
    return [_rows(d.shown(a), a, shown) for d, a in pairs]


def answers_display(definition: Definition, answers: Mapping[str, Any]) -> list[Row]:
    """The summary rows of one set of answers, in the active language."""
    return answers_display_many([(definition, answers)])[0]


def _items_html(items: Iterable[Item]) -> str:
    return "<br>".join(
        f'<a href="{_esc(item.url)}">{_esc(item.text)}</a>' if item.url else _esc(item.text)
        for item in items
    )


def summary_html(rows: Iterable[Row]) -> SafeString:
    """Summary rows as an HTML summary list: a question a line, a repeatable group as a
    table. Built in Python with the standard library's escaping, not with template includes
    and `format_html`: a step page shows hundreds of these, and those cost more than the
    rest of the page (measured with `make bench`, scenario step_page)."""
    parts = ['<dl class="facts summary-list">']
    for row in rows:
        parts.append(f"\n  <dt>{_esc(row.label)}</dt>\n  <dd>")
        if row.table:
            head = "".join(f'<th scope="col">{_esc(c)}</th>' for c in row.columns)
            body = "".join(
                "<tr>" + "".join(f"<td>{_items_html(cell.items)}</td>" for cell in cells) + "</tr>"
                for cells in row.table
            )
            parts.append(
                f"<table>\n    <thead><tr>{head}</tr></thead>\n"
                f"    <tbody>{body}</tbody>\n  </table>"
            )
        else:
            parts.append(_items_html(row.items))
        parts.append("</dd>")
    if len(parts) == 1:
        parts.append(f"\n  <dt>{_esc(_('Answers'))}</dt><dd>{_esc(_('None given.'))}</dd>")
    parts.append("\n</dl>")
    return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped)


def _esc(value: Any) -> str:
    return escape(str(value), quote=True)


def answers_summary(definition: Definition, answers: Mapping[str, Any]) -> SafeString:
    """The answers as an HTML summary list (`summary_html`)."""
    return summary_html(answers_display(definition, answers))
