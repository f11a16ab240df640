"""Who may do what with organisations. Deny by default."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from govhub.organisations.kinds import ALLOWED_PARENT_KINDS, KIND_INFO, KINDS, Sector
from govhub.organisations.models import Invitation, Membership, Organisation, Role


def _is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_staff and user.is_active)


def is_manager(user: Any, organisation: Organisation) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return Membership.objects.filter(
        user=user, organisation=organisation, role=Role.MANAGER
    ).exists()


def can_view_organisation(user: Any, organisation: Organisation) -> bool:
    """Active organisations are public; inactive ones only to their managers and staff."""
    return organisation.is_active or _is_staff(user) or is_manager(user, organisation)


def can_create_organisation(user: Any, parent: Organisation | None, kind: str) -> bool:
    """Staff create any organisation; a manager adds a unit of a kind allowed under their own.

    A government unit only under a government parent: never under a business or an NGO.
    """
    if _is_staff(user):
        return True
    if parent is None or not is_manager(user, parent):
        return False
    return _manager_may_create(parent, kind)


def can_reclassify_organisation(user: Any) -> bool:
    """Kind, sector and parent are registry facts: only staff and superusers change them."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_staff or user.is_superuser)


def can_add_member_directly(user: Any) -> bool:
    """A membership without an invitation: platform staff only (managers invite)."""
    return can_reclassify_organisation(user)


def creatable_kinds(user: Any, parent: Organisation | None) -> list[str]:
    """The kinds `user` may create under `parent` (None: top level), in the registry's order."""
    fitting = [
        info.key
        for info in KINDS
        if parent is None or parent.kind in ALLOWED_PARENT_KINDS[info.key]
    ]
    if _is_staff(user):
        return fitting
    if parent is None or not is_manager(user, parent):
        return []
    return [k for k in fitting if _manager_may_create(parent, k)]


def _manager_may_create(parent: Organisation, kind: str) -> bool:
    if parent.kind not in ALLOWED_PARENT_KINDS.get(kind, ()):
        return False
    return KIND_INFO[kind].sector != Sector.GOVERNMENT or parent.sector == Sector.GOVERNMENT


def can_manage_organisation(user: Any, organisation: Organisation) -> bool:
    """Edit the profile and memberships: the organisation's managers and platform staff."""
    return _is_staff(user) or is_manager(user, organisation)


def can_view_members(user: Any, organisation: Organisation) -> bool:
    """The member list is private to the organisation's own people and staff."""
    if _is_staff(user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(user=user, organisation=organisation).exists()


def can_view_audit(user: Any, organisation: Organisation) -> bool:
    return can_manage_organisation(user, organisation)


def can_answer_invitation(user: Any, invitation: Invitation) -> bool:
    """Accept or decline an invitation: the signed-in account with the address it was sent to."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool((user.email or "").strip().lower() == invitation.email)


def access_organisation(user: Any, organisation_id: int) -> Organisation:
    """The organisation if the user may see it, else 404 (existence is not revealed)."""
    organisation = Organisation.objects.select_related("parent").filter(pk=organisation_id).first()
    if organisation is None or not can_view_organisation(user, organisation):
        raise Http404
    return organisation
