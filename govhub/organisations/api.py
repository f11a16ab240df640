"""What other apps may import from organisations."""

from __future__ import annotations

from typing import Any

from govhub.organisations.actions import demo_organisation_ensure
from govhub.organisations.data import MembershipInfo, OrganisationInput
from govhub.organisations.kinds import KINDS, Kind, KindInfo, Sector, Subtype
from govhub.organisations.models import Role
from govhub.organisations.queries import memberships_of

__all__ = [
    "KINDS",
    "Kind",
    "KindInfo",
    "MembershipInfo",
    "OrganisationInput",
    "Role",
    "Sector",
    "Subtype",
    "demo_organisation_ensure",
    "memberships_for",
]


def memberships_for(user: Any) -> list[MembershipInfo]:
    """The organisations a person acts for, as plain data."""
    return [
        MembershipInfo(
            organisation_id=m.organisation_id,
            organisation_name=m.organisation.name,
            kind=m.organisation.kind,
            sector=m.organisation.sector,
            role=m.role,
        )
        for m in memberships_of(user)
    ]
