"""Programmes' artefact types as workflow input types: the model file names them per step
(`forms`, and `required_inputs` where a step needs one before it closes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from govhub.core.api import input_type_register
from govhub.programmes.governance import GENERIC_TYPES, subject_step
from govhub.programmes.models import Contribution, ContributionStatus, Programme

FORMS_DIR = Path(__file__).resolve().parent / "forms"


def artefact_types() -> list[str]:
    """Every artefact type programmes knows: one form definition file each."""
    found = sorted(p.stem for p in FORMS_DIR.glob("*.yaml"))
    return list(dict.fromkeys([*found, *GENERIC_TYPES]))


def _present(type_: str) -> Any:
    def present(ctx: Any) -> bool:
        programme_id, step = subject_step(ctx)
        return Contribution.objects.filter(
            programme_id=programme_id,
            step=step,
            type=type_,
            status=ContributionStatus.ACTIVE,
        ).exists()

    return present


def register() -> None:
    for type_ in artefact_types():
        input_type_register(type_, _present(type_), label=type_.replace("_", " "))


def can_view_subject(user: Any, subject_id: str) -> bool:
    """Who may see a programme's workflow: whoever may see the programme."""
    from govhub.programmes.permissions import can_view_programme

    programme = (
        Programme.objects.filter(pk=int(subject_id)).first() if subject_id.isdigit() else None
    )
    return programme is not None and can_view_programme(user, programme)
