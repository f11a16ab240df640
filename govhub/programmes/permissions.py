"""Who may see and contribute to programmes. Deny by default."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404

from govhub.core.api import workflow_allows
from govhub.organisations.api import MembershipInfo, memberships_for
from govhub.programmes.governance import GovernanceModel, programme_model
from govhub.programmes.models import Contribution, Programme, ProgrammeStatus


def is_public(programme: Programme) -> bool:
    """Programmes are public once past step 1 (transparency), and when closed; once public,
    for good (a return to step 1 does not hide them)."""
    return (
        programme.first_public_at is not None
        or programme.current_step > 1
        or programme.status == ProgrammeStatus.CLOSED
    )


def _is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_staff and user.is_active)


def _participates(memberships: list[MembershipInfo], programme: Programme) -> bool:
    model = programme_model(programme)
    return any(can_contribute(m, programme, model) for m in memberships)


def can_view_programme(
    user: Any, programme: Programme, *, memberships: list[MembershipInfo] | None = None
) -> bool:
    """Public past step 1; at step 1, people acting for a participating organisation
    (`memberships`: the user's, when the caller has them already)."""
    if is_public(programme) or _is_staff(user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return _participates(memberships_for(user) if memberships is None else memberships, programme)


def access_programme(user: Any, programme_id: int) -> Programme:
    """The programme if the user may see it, else 404 (existence is not revealed)."""
    programme = Programme.objects.select_related("initiator").filter(pk=programme_id).first()
    if programme is None or not can_view_programme(user, programme):
        raise Http404
    return programme


def takes_part(membership: MembershipInfo, model: GovernanceModel, step: int) -> bool:
    """The participation matrix: the membership's organisation kind takes part in `step`."""
    return model.may_take_part(membership.kind, step)


def can_start_programme(membership: MembershipInfo, model: GovernanceModel) -> bool:
    """Acting for `membership`, expose a problem: its kind takes part in step 1 of `model`."""
    return takes_part(membership, model, 1)


def can_contribute(
    membership: MembershipInfo, programme: Programme, model: GovernanceModel
) -> bool:
    """Acting for `membership`, add to the programme's current step: its kind takes part
    there (whether the step is still open is a state rule, refused with 409)."""
    return takes_part(membership, model, programme.current_step)


def can_decide_gate(
    membership: MembershipInfo, programme: Programme, model: GovernanceModel
) -> bool:
    """Acting for `membership`, decide the current step's gate (advance, send back, set a
    contribution aside, open a new cycle): whoever the model lets close the step (in the
    seed's model, a government body taking part in it)."""
    if not can_contribute(membership, programme, model):
        return False
    step = min(programme.current_step, model.step_count)
    name = "advance" if step < model.step_count else "close"
    return workflow_allows(model.definition, model.state_of(step), name, acting=membership)


def can_issue(membership: MembershipInfo, programme: Programme, model: GovernanceModel) -> bool:
    """Acting for `membership`, issue the programme's document at its issuance step: the
    gate's deciders there (whether this is the issuance step is a state rule, refused with
    409)."""
    return can_decide_gate(membership, programme, model)


def can_withdraw_contribution(
    user: Any, contribution: Contribution, *, memberships: list[MembershipInfo]
) -> bool:
    """Withdraw or replace a contribution: its author, still acting for its organisation
    (`memberships`: the user's). Whether its step is still open is a state rule (409)."""
    own = {m.organisation_id for m in memberships}
    return contribution.author_id == getattr(user, "pk", None) and (
        contribution.organisation_id in own
    )


def acting_for(
    rule: Callable[[MembershipInfo, Programme, GovernanceModel], bool],
    memberships: list[MembershipInfo],
    programme: Programme,
    model: GovernanceModel,
) -> list[MembershipInfo]:
    """The memberships under which `rule` lets the person act on the programme now."""
    return [m for m in memberships if rule(m, programme, model)]
