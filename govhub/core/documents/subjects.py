"""Where a document's subject lives: apps register their subject types (core imports none)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class SubjectPage:
    url_name: str  # takes the subject id as its one argument
    label: str | Promise  # what the link says, e.g. "The programme"


_PAGES: dict[str, SubjectPage] = {}


def document_subject_register(subject_type: str, *, url_name: str, label: str | Promise) -> None:
    """Let issued documents about `subject_type` ("app.model") link to the subject's page."""
    _PAGES[subject_type] = SubjectPage(url_name, label)


def document_subject_link(subject_type: str, subject_id: str) -> tuple[str, str] | None:
    """The subject's page address and link text, or None if no app registered the type."""
    page = _PAGES.get(subject_type)
    if page is None:
        return None
    try:
        return reverse(page.url_name, args=[subject_id]), str(page.label)
    except NoReverseMatch:
        return None
