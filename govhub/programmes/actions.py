"""Every write to programmes: participation rule first, then validation, one transaction,
one audit entry."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhub.core.api import Conflict, Forbidden, InvalidInput, NotFound, audit_record
from govhub.organisations.api import MembershipInfo, memberships_for
from govhub.programmes import permissions
from govhub.programmes.governance import (
    GovernanceModel,
    current_model,
    seed_version,
    snapshot_model,
)
from govhub.programmes.models import Contribution, Programme, ProgrammeStatus, Visibility

# Artefact types of the seed's ten steps; a programme on another model uses "contribution".
STEP_TYPES: dict[int, tuple[str, ...]] = {
    1: ("problem", "evidence"),
    2: ("commission_member",),
    3: ("objective",),
    4: ("designation",),
    5: ("proposal", "position"),
    6: ("draft",),
    7: ("assessment",),
    8: ("issuance",),
    9: ("task", "progress_report"),
    10: ("review",),
}
GENERIC_TYPES = ("contribution",)
MAX_DATA_BYTES = 64 * 1024


def contribution_types(model: GovernanceModel, step: int) -> tuple[str, ...]:
    """The artefact types that may be added at `step` under `model`."""
    if model.version == seed_version():
        return STEP_TYPES[step]
    return GENERIC_TYPES


def _not_a_participant(step: int) -> Forbidden:
    return Forbidden(
        _("Your organisation does not take part in step %(step)d of this programme.")
        % {"step": step},
        code="not_a_participant_at_step",
    )


def acting_organisation(
    *, memberships: list[MembershipInfo], model: GovernanceModel, step: int, named: Any
) -> MembershipInfo:
    """The organisation the person acts for at `step`; refuses anyone the matrix excludes.

    This runs before the request body is validated, so someone who may not take part learns
    nothing about what a valid contribution looks like.
    """
    if named is not None:
        chosen = [m for m in memberships if str(m.organisation_id) == str(named)]
    else:
        chosen = [m for m in memberships if model.may_take_part(m.kind, step)]
    allowed = [m for m in chosen if model.may_take_part(m.kind, step)]
    if not allowed:
        raise _not_a_participant(step)
    if len(allowed) > 1:
        raise InvalidInput(
            _("You act for several organisations here: name one with organisation_id."),
            code="organisation_required",
        )
    return allowed[0]


def _text(payload: dict[str, Any], field: str, *, required: bool, limit: int) -> str:
    value = payload.get(field, "")
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
        raise InvalidInput(
            _("'%(field)s' must be text of up to %(limit)d characters.")
            % {"field": field, "limit": limit},
            code="invalid_input",
            details=[{"loc": ["body", field]}],
        )
    return value.strip()


def _validated(payload: Any, types: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise InvalidInput(_("The request body must be a JSON object."), code="invalid_input")
    kind = payload.get("type")
    if kind not in types:
        raise InvalidInput(
            _("At this step a contribution's type must be one of: %(types)s.")
            % {"types": ", ".join(types)},
            code="invalid_type",
            details=[{"loc": ["body", "type"]}],
        )
    data = payload.get("data", {})
    if not isinstance(data, dict) or len(json.dumps(data)) > MAX_DATA_BYTES:
        raise InvalidInput(
            _("'data' must be a JSON object of at most 64 KiB."), code="invalid_input"
        )
    visibility = payload.get("visibility", Visibility.PUBLIC)
    if visibility not in Visibility.values:
        raise InvalidInput(
            _("'visibility' must be public, restricted or draft."), code="invalid_input"
        )
    return {
        "type": kind,
        "title": _text(payload, "title", required=True, limit=200),
        "body": _text(payload, "body", required=False, limit=20_000),
        "data": data,
        "visibility": visibility,
    }


def programme_create(
    *, actor: Any, organisation_id: int | None, title: str, summary: str = ""
) -> Programme:
    """Expose a problem: start a programme at step 1 for an organisation the actor acts for."""
    model = current_model()
    membership = acting_organisation(
        memberships=memberships_for(actor), model=model, step=1, named=organisation_id
    )
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise InvalidInput(_("The title must have 1 to 200 characters."), code="invalid_title")
    with transaction.atomic():
        programme = Programme.objects.create(
            title=title,
            summary=(summary or "").strip(),
            initiator_id=membership.organisation_id,
            model_version=model.version,
            model_snapshot=model.raw,
        )
        audit_record(
            actor=actor,
            verb="programme.create",
            target=programme,
            organisation_id=membership.organisation_id,
            changes={"title": title, "model_version": model.version},
        )
    return programme


def contribution_add(
    *, actor: Any, programme_id: int, organisation_id: Any, payload: Any
) -> Contribution:
    """Add an artefact at the programme's current step (participants of that step only)."""
    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is None or not permissions.can_view_programme(actor, programme):
        raise NotFound(_("No such programme."), code="programme_not_found")
    model = snapshot_model(programme.model_snapshot)
    step = programme.current_step
    membership = acting_organisation(
        memberships=memberships_for(actor), model=model, step=step, named=organisation_id
    )
    if programme.status != ProgrammeStatus.ACTIVE:
        raise Conflict(_("The programme is closed."), code="programme_closed")
    values = _validated(payload, contribution_types(model, step))
    with transaction.atomic():
        locked = Programme.objects.select_for_update().get(pk=programme.pk)
        if locked.current_step != step:
            raise Conflict(_("The programme moved on; reload and try again."), code="step_changed")
        contribution = Contribution.objects.create(
            programme=locked,
            step=step,
            organisation_id=membership.organisation_id,
            author=actor,
            created_at=timezone.now(),
            **values,
        )
        audit_record(
            actor=actor,
            verb="contribution.add",
            target=contribution,
            organisation_id=membership.organisation_id,
            changes={"programme": programme.pk, "step": step, "type": values["type"]},
        )
    return contribution
