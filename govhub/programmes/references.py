"""What the programme forms' pickers offer and how their answers are named on the pages:
the reference sources registered with core's forms engine at start-up (ADR 0017).

A picker's choices depend on the form's context (`programme`, `viewer`, `step`); naming
answers in bulk (`resolve`) costs one query per source however many artefacts a page shows.
A referenced contribution is named by its title only when it is public (resolve does not know
who is looking); otherwise by its type and number.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from govhub.core.api import (
    FormDefinitionError,
    ReferenceSource,
    definition_file_read,
    reference_source_register,
)
from govhub.organisations.api import organisation_choices, organisation_names
from govhub.programmes import queries
from govhub.programmes.forms import type_label
from govhub.programmes.models import Contribution, ContributionStatus, Visibility

FORMS_DIR = Path(__file__).resolve().parent / "forms"
FORM_PREFIX = "programmes."
# Source name -> the contribution types it offers, and whether only the open step's count.
CONTRIBUTION_SOURCES: dict[str, tuple[tuple[str, ...], bool]] = {
    "programmes.objective": (("objective",), False),
    "programmes.answerable": (("proposal", "position", "assessment"), True),
    "programmes.task": (("task",), False),
}


def form_key(kind: str) -> str:
    """The form definition of an artefact type."""
    return f"{FORM_PREFIX}{kind}"


def _organisation_resolve(ids: Collection[int]) -> dict[int, tuple[str, str | None]]:
    return {
        pk: (name, reverse("organisations:detail", args=[pk]))
        for pk, name in organisation_names(ids, get_language()).items()
    }


def _organisation_choices(context: Mapping[str, Any]) -> list[tuple[int, str]]:
    return organisation_choices(get_language())


def contribution_name(kind: str, number: int, title: str, visibility: str) -> str:
    """How a referenced contribution is named: its title only if it is public."""
    if visibility == Visibility.PUBLIC:
        return _("%(title)s (no. %(number)d)") % {"title": title, "number": number}
    return _("%(type)s no. %(number)d") % {"type": type_label(kind), "number": number}


def _contribution_source(name: str, types: tuple[str, ...], open_step: bool) -> ReferenceSource:
    def choices(context: Mapping[str, Any]) -> list[tuple[int, str]]:
        programme = context.get("programme")
        if programme is None:
            return []
        rows = queries.contribution_list(programme=programme, viewer=context.get("viewer")).filter(
            type__in=types, status=ContributionStatus.ACTIVE
        )
        if open_step:
            rows = rows.filter(step=programme.current_step)
        return [
            (c.pk, contribution_name(c.type, c.pk, c.title, Visibility.PUBLIC))
            for c in rows.select_related(None).only("id", "type", "title")
        ]

    def resolve(ids: Collection[int]) -> dict[int, tuple[str, str | None]]:
        rows = Contribution.objects.filter(pk__in=list(ids), type__in=types).values_list(
            "id", "type", "title", "visibility", "programme_id", "step"
        )
        return {
            pk: (
                contribution_name(kind, pk, title, visibility),
                reverse("programmes:step", args=[programme_id, step]) + f"#contribution-{pk}",
            )
            for pk, kind, title, visibility, programme_id, step in rows
        }

    return ReferenceSource(name=name, choices=choices, resolve=resolve)


def references_register() -> None:
    """Register the sources the programme forms name (called from `ready()`)."""
    reference_source_register(
        ReferenceSource(
            name="organisation", choices=_organisation_choices, resolve=_organisation_resolve
        )
    )
    for name, (types, open_step) in CONTRIBUTION_SOURCES.items():
        reference_source_register(_contribution_source(name, types, open_step))


def forms_check() -> None:
    """Read every shipped programme form: a broken file stops start-up, naming the problem."""
    for path in sorted(FORMS_DIR.glob("*.yaml")):
        try:
            document = definition_file_read(path)
        except FormDefinitionError as exc:
            raise ImproperlyConfigured(str(exc)) from exc
        if document["key"] != form_key(path.stem):
            raise ImproperlyConfigured(f"{path}: its key must be {form_key(path.stem)!r}")
