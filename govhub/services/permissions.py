"""Who may do what with public services. Deny by default.

Officials of a service's competent authority (its managers, the organisations app's role for
those who act for it) create, edit, publish and withdraw its services; every member of the
authority sees its drafts; everyone reads published services and the archive of withdrawn
ones. A draft is not known to anyone else (404, not 403).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from govhub.organisations.api import memberships_for
from govhub.services.models import Service, ServiceStatus

# The membership roles that make a person an official who edits the agency's services.
OFFICIAL_ROLES = frozenset({"manager"})


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _roles(user: Any) -> dict[int, str]:
    """The organisations `user` acts for, with the role (one query)."""
    if not _active(user):
        return {}
    return {m.organisation_id: m.role for m in memberships_for(user)}


def official_authorities(user: Any) -> list[int]:
    """The government bodies whose services `user` edits (by id)."""
    return sorted(org for org, role in _roles(user).items() if role in OFFICIAL_ROLES)


def member_authorities(user: Any) -> list[int]:
    return sorted(_roles(user))


def can_edit_services_of(user: Any, authority_id: int) -> bool:
    """Create and edit services of this authority: its officials."""
    return _roles(user).get(authority_id) in OFFICIAL_ROLES


def can_create_service(user: Any) -> bool:
    """Start a service: an official of at least one body (the action checks which)."""
    return bool(official_authorities(user))


def can_edit_service(user: Any, service: Service) -> bool:
    """Edit, publish, withdraw a service and add its news: officials of its authority."""
    return can_edit_services_of(user, service.authority_id)


def can_view_service(user: Any, service: Service) -> bool:
    """Published and withdrawn services (the archive) are public; drafts only to the
    authority's members."""
    if service.status != ServiceStatus.DRAFT:
        return True
    return service.authority_id in _roles(user)


def can_view_agency_services(user: Any, authority_id: int) -> bool:
    """The agency's own list, drafts included: its members."""
    return authority_id in _roles(user)


def access_service(user: Any, identifier: str) -> Service:
    """The service if `user` may see it, else 404 (a draft's existence is not revealed)."""
    service = Service.objects.select_related("authority").filter(identifier=identifier).first()
    if service is None or not can_view_service(user, service):
        raise Http404
    return service
