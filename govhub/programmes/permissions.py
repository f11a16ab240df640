"""Who may see and contribute to programmes. Deny by default."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from govhub.organisations.api import MembershipInfo, memberships_for
from govhub.programmes.governance import snapshot_model
from govhub.programmes.models import Programme, ProgrammeStatus


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
    model = snapshot_model(programme.model_snapshot)
    return any(model.may_take_part(m.kind, programme.current_step) for m in memberships)


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
