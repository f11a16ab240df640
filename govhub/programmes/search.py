"""Programmes in the search index: the title and the summary.

A programme at step 1 that was never public is indexed as its initiator's private object,
so no other organisation finds it by search (step-1 visibility by organisation kind is the
programme list's own rule: a page that searches programmes narrows `programme_list(viewer)`
with `search_condition`). Titles and summaries never change after creation; visibility
changes when it first leaves its first step, which re-indexes the programme (later
transitions cost nothing here: advance is a hot write).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from govhub.core.api import SearchDocument, search_put, search_visibility, workflow_definition
from govhub.programmes.models import Programme, ProgrammeStatus

KIND = "programmes.programme"
FIELDS = ("id", "title", "summary", "initiator_id", "current_step", "status", "first_public_at")


def programme_search_document(programme: Any) -> SearchDocument:
    """What the index holds of a programme (any model version with these fields)."""
    public = (
        programme.first_public_at is not None
        or programme.current_step > 1
        or programme.status == ProgrammeStatus.CLOSED
    )
    return SearchDocument(
        object_id=programme.pk,
        title={"": programme.title},
        body={"": programme.summary or ""},
        organisation_id=None if public else programme.initiator_id,
    )


def programme_index(programme: Any) -> None:
    """Keep the index in step with a written programme (call it in the writing action)."""
    search_put(KIND, programme_search_document(programme))


def programme_reindex_after(taken: Any) -> None:
    """After a programme first leaves its first step: it is public from now on (its texts
    are as indexed; only who may find it changes, in one update)."""
    if (
        taken.subject_type == KIND
        and taken.kind == "transition"
        and taken.from_state == workflow_definition(taken.definition_key).initial
    ):
        search_visibility(KIND, int(taken.subject_id), None)


def programme_search_documents(model: Any = None) -> Iterator[SearchDocument]:
    """Every programme's entry, for a rebuild; a migration passes its historical model."""
    model = model or Programme
    for programme in model.objects.only(*FIELDS).iterator(2000):
        yield programme_search_document(programme)
