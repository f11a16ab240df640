"""Artefacts as people read them: each contribution's answers as a summary in the page's
language (labels, choices by name, organisations and referenced artefacts by name with a
link, dates and numbers localised), through its type's form definition. Never JSON.

A contribution's answers never change once given (a correction is a new contribution), so
the summary of one that names no other record (no organisation, reference or file: its text
depends on nothing else) is kept per process, by contribution, form version and language.
A step page shows hundreds of them, and making them again cost more than the rest of the
page (`make bench`, scenario step_page).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import get_language

from govhub.core.api import (
    answers_check,
    answers_display_many,
    answers_summary_html,
    form_definitions_get,
)
from govhub.programmes.models import Contribution
from govhub.programmes.references import form_key

# Contributions added before artefacts were forms hold answers to the first version.
FIRST_VERSION = 1
LINKED_TYPES = frozenset({"organisation", "reference", "file"})
CACHE_SIZE = 20_000  # summaries of about 1 KB: at most ~20 MB per process

# Keyed by id *and* creation time: an id a rolled-back transaction gave out is given again.
_SUMMARIES: OrderedDict[tuple[int, Any, int, str], SafeString] = OrderedDict()
_LINKED: dict[tuple[str, int], bool] = {}


def _links(definition: Any) -> bool:
    """Whether a form has a question whose answer names another record."""
    key = (definition.key, definition.version)
    found = _LINKED.get(key)
    if found is None:
        stack = list(definition.questions)
        found = False
        while stack:
            q = stack.pop()
            found = found or q.type in LINKED_TYPES
            stack.extend(q.questions)
        _LINKED[key] = found
    return found


def contribution_summaries(contributions: Sequence[Contribution]) -> list[SafeString]:
    """The HTML summary of each contribution's answers, in order ("" when it has none): one
    query for the form versions and one per reference source, however many there are."""
    language = get_language() or ""
    wanted = {(form_key(c.type), c.form_version or FIRST_VERSION) for c in contributions}
    definitions = form_definitions_get(wanted)
    out = [SafeString("")] * len(contributions)
    todo: list[tuple[int, Any, Any, tuple[int, Any, int, str] | None]] = []
    for index, c in enumerate(contributions):
        version = c.form_version or FIRST_VERSION
        definition = definitions.get((form_key(c.type), version))
        if definition is None or not isinstance(c.data, dict):
            continue
        key = None if _links(definition) else (c.pk, c.created_at, version, language)
        cached = _SUMMARIES.get(key) if key else None
        if cached is not None:
            out[index] = cached
            continue
        # Answers given under a form version were checked against it when they were
        # written; older data (no version) is read through the form, keeping only what still
        # reads as it says. The display shows the form's questions only (what the server
        # computed, e.g. a draft's version, is shown by the page itself).
        answers = (
            answers_check(definition, c.data, check_references=False).answers
            if c.form_version is None
            else c.data
        )
        todo.append((index, definition, answers, key))
    shown = answers_display_many((d, a) for _i, d, a, _k in todo)
    for (index, _d, _a, key), rows in zip(todo, shown, strict=True):
        html = answers_summary_html(rows) if rows else SafeString("")
        out[index] = html
        if key is not None:
            _SUMMARIES[key] = html
            if len(_SUMMARIES) > CACHE_SIZE:
                _SUMMARIES.popitem(last=False)
    return out
