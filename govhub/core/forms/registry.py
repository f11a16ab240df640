"""Plugins the forms engine calls, registered by the apps (core imports no domain app).

A *reference source* answers an organisation picker or any `reference` question: the
choices a person may pick (given the form's context, e.g. the programme) and, for display,
each id's name and link, resolved in one batch. *File hooks* check a file reference and
receive an upload; core/files registers them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from govhub.core.forms.definition import Question

# id -> (name, link or None); ids that do not exist are left out.
Resolve = Callable[[Collection[int]], Mapping[int, tuple[str, str | None]]]
Choices = Callable[[Mapping[str, Any]], list[tuple[int, str]]]


@dataclass(frozen=True)
class ReferenceSource:
    """Where the records a `reference` question names come from."""

    name: str
    choices: Choices
    resolve: Resolve


@dataclass(frozen=True)
class FileHooks:
    """How a `file` question checks a stored file's reference and stores an upload."""

    validate: Callable[[str, Question], str | None]
    receive: Callable[[UploadedFile[Any], Question], str] | None = None
    describe: Callable[[str], tuple[str, str | None]] | None = None


_SOURCES: dict[str, ReferenceSource] = {}
_REFERENCE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _default_file_check(reference: str, question: Question) -> str | None:
    if _REFERENCE.fullmatch(reference):
        return None
    return _("Choose a file to upload.")


_FILES: list[FileHooks] = [FileHooks(validate=_default_file_check)]


def reference_source_register(source: ReferenceSource) -> None:
    """Register (or replace) a reference source; `organisation` serves organisation pickers."""
    _SOURCES[source.name] = source


def reference_source_unregister(name: str) -> None:
    _SOURCES.pop(name, None)


def reference_source(name: str) -> ReferenceSource | None:
    return _SOURCES.get(name)


def file_hooks_register(hooks: FileHooks) -> None:
    """Register how files are checked and received (replaces the default)."""
    _FILES[0] = hooks


def file_hooks() -> FileHooks:
    return _FILES[0]


def file_hooks_reset() -> None:
    _FILES[0] = FileHooks(validate=_default_file_check)
