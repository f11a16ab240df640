"""The data versions (govhub.core.versions) that programme pages are cached under, and the
bumps that change them: each programme has its own counter, bumped after every committed write
to it, so concurrent writers to different programmes never share a row."""

from __future__ import annotations

from govhub.core.api import TransitionTaken, transition_listener_register, versions_bump
from govhub.programmes.governance import SUBJECT
from govhub.programmes.models import Programme


def programme_version_name(programme_id: int) -> str:
    """The name of one programme's data version."""
    return f"programme:{programme_id}"


def programme_changed(*programme_ids: int) -> None:
    """The programmes' pages change once the current transaction commits."""
    versions_bump(*(programme_version_name(pk) for pk in programme_ids))


def _transition_taken(taken: TransitionTaken) -> None:
    """After a suspension, resumption or extension of a programme's workflow commits: its
    page changes. A start or a move needs nothing here: it writes the programme's own step,
    deadline and status, which the page's version reads, and the move tells the previous
    cycle itself (`programmes.transitions`), so a gate decision costs no extra query."""
    if taken.subject_type != SUBJECT or taken.kind in ("start", "transition"):
        return
    programme_id = int(taken.subject_id)
    previous = (
        Programme.objects.filter(pk=programme_id)
        .values_list("previous_cycle_id", flat=True)
        .first()
    )
    programme_changed(programme_id, *([previous] if previous else []))


def register() -> None:
    """Listen to the workflow engine (called from the app's ready())."""
    transition_listener_register(_transition_taken)
