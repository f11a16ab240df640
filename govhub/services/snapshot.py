"""A service as published, frozen in a `ServiceVersion` for the archive."""

from __future__ import annotations

from typing import Any

from govhub.services.models import Service

FIELDS = (
    "identifier",
    "name",
    "name_translations",
    "description",
    "description_translations",
    "authority_id",
    "for_citizens",
    "for_businesses",
    "for_government",
    "legal_basis",
    "evidence",
    "cost_currency",
    "cost_description",
    "processing_days",
    "output_type",
    "channels",
    "languages",
    "stage",
)


def service_snapshot(service: Service) -> dict[str, Any]:
    """Every public field of `service` as plain JSON (events by code, cost as text)."""
    content: dict[str, Any] = {f: getattr(service, f) for f in FIELDS}
    content["cost_amount"] = None if service.cost_amount is None else str(service.cost_amount)
    content["event_codes"] = sorted(service.events.values_list("code", flat=True))
    return content
