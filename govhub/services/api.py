"""What other apps may import from services."""

from __future__ import annotations

from govhub.services.bench import bench_services_load, service_tables_analyze
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
    "bench_services_load",
    "demo_services_load",
    "service_tables_analyze",
]
