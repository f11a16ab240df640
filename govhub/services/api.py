"""What other apps may import from services."""

from __future__ import annotations

from govhub.services.data import (
    SERVICES_VERSION,
    EvidenceItem,
    LegalBasisItem,
    ServiceInput,
)
from govhub.services.demo import demo_services_load

__all__ = [
    "SERVICES_VERSION",
    "EvidenceItem",
    "LegalBasisItem",
    "ServiceInput",
    "demo_services_load",
]
