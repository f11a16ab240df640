"""Artefacts as people read them: each contribution's answers as a summary in the page's
language (labels, choices by name, organisations and referenced artefacts by name with a
link, dates and numbers localised), through its type's form definition. Never JSON."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from govhub.core.api import answers_check, answers_display_many, form_definitions_get
from govhub.programmes.models import Contribution
from govhub.programmes.references import form_key

# Contributions added before artefacts were forms hold answers to the first version.
FIRST_VERSION = 1


def contribution_answers(contributions: Sequence[Contribution]) -> list[list[Any]]:
    """The summary rows of each contribution's answers, in order: one query for the form
    versions and one per reference source, however many contributions there are."""
    wanted = {(form_key(c.type), c.form_version or FIRST_VERSION) for c in contributions}
    definitions = form_definitions_get(wanted)
    shown: list[tuple[int, Any, dict[str, Any]]] = []
    for index, c in enumerate(contributions):
        definition = definitions.get((form_key(c.type), c.form_version or FIRST_VERSION))
        if definition is None or not isinstance(c.data, dict):
            continue
        # Only the form's questions, and only answers that still read as the form says (what
        # the server computed, e.g. a draft's version, is shown by the page itself).
        answers = answers_check(definition, c.data, check_references=False).answers
        shown.append((index, definition, answers))
    rows: list[list[Any]] = [[] for _c in contributions]
    displayed = answers_display_many((d, a) for _i, d, a in shown)
    for (index, _d, _a), summary in zip(shown, displayed, strict=True):
        rows[index] = summary
    return rows
