"""Plain data that other apps may import (stdlib only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

# The data version (govhub.core.versions) of the public catalogue: bumped by every write that
# changes what the public reads (publication, withdrawal, news).
SERVICES_VERSION = "services"


@dataclass(frozen=True)
class LegalBasisItem:
    """A law or regulation a service rests on."""

    title: str
    article: str = ""
    url: str = ""


@dataclass(frozen=True)
class EvidenceItem:
    """A document or proof an applicant brings."""

    name: str
    description: str = ""


@dataclass(frozen=True)
class ServiceInput:
    """A service's fields, as a form, the API or the demo gives them."""

    identifier: str
    name: str
    authority_id: int
    audiences: tuple[str, ...]
    name_translations: dict[str, str] = field(default_factory=dict)
    description: str = ""
    description_translations: dict[str, str] = field(default_factory=dict)
    event_codes: tuple[str, ...] = ()
    legal_basis: tuple[LegalBasisItem, ...] = ()
    evidence: tuple[EvidenceItem, ...] = ()
    cost_amount: Decimal | None = None
    cost_currency: str = ""
    cost_description: str = ""
    processing_days: int | None = None
    output_type: str = "none"
    channels: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
