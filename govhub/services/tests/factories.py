"""Test data for services: a valid input, and people of agencies."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from govhub.services.data import EvidenceItem, LegalBasisItem, ServiceInput


def service_input(authority_id: int, **overrides: Any) -> ServiceInput:
    """A complete, valid service of `authority_id`, fields overridable."""
    fields: dict[str, Any] = {
        "identifier": "birth-certificate",
        "name": "Birth certificate",
        "name_translations": {"ru": "Свидетельство о рождении", "fa-af": "تصدیق تولد"},  # noqa: RUF001
        "description": "A certified copy of the birth record.",
        "description_translations": {"ru": "Заверенная копия записи о рождении."},  # noqa: RUF001
        "authority_id": authority_id,
        "audiences": ("citizens",),
        "event_codes": ("having-a-baby",),
        "legal_basis": (
            LegalBasisItem("Civil Registration Act", "Art. 12", "https://laws.arden.example/cra"),
        ),
        "evidence": (EvidenceItem("Medical birth record", "Issued by the hospital"),),
        "cost_amount": Decimal("0"),
        "cost_currency": "EUR",
        "cost_description": "Free for the first copy",
        "processing_days": 5,
        "output_type": "certificate",
        "channels": ("online", "in_person"),
        "languages": ("en", "fa-af"),
    }
    fields.update(overrides)
    return ServiceInput(**fields)
