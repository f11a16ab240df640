"""Plain data that other apps may import (stdlib only)."""

from __future__ import annotations

from dataclasses import dataclass, field

# The data version (govhub.core.versions) of everything organisations show to others: names,
# kinds, parents, which are active. Bumped by every organisation write; in the cache key of
# every cached page that shows an organisation (the directory, programme pages).
ORGANISATIONS_VERSION = "organisations"


@dataclass(frozen=True)
class OrganisationInput:
    """The fields of an organisation profile, as given by a form, the API or a command."""

    name: str
    kind: str
    subtype: str = ""
    parent_id: int | None = None
    name_translations: dict[str, str] = field(default_factory=dict)
    description: str = ""
    contact_email: str = ""
    phone: str = ""
    address: str = ""
    website: str = ""


@dataclass(frozen=True)
class MembershipInfo:
    organisation_id: int
    organisation_name: str
    kind: str
    sector: str
    role: str


@dataclass(frozen=True)
class OrganisationBrief:
    """An organisation as other apps need it: who it is and where it sits."""

    id: int
    name: str
    kind: str
    sector: str
