"""Services in the search index: the name and the description, in every language given.

A published service is public; a draft is its authority's private entry (its officials find
it in their own list); a withdrawn one leaves the index (its archive is read, not searched).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from govhub.core.api import SearchDocument, search_delete, search_put
from govhub.services.models import Service, ServiceStatus

KIND = "services.service"
FIELDS = (
    "id",
    "name",
    "name_translations",
    "description",
    "description_translations",
    "authority_id",
    "status",
)


def service_search_document(service: Any) -> SearchDocument:
    """What the index holds of a service (any model version with these fields)."""
    return SearchDocument(
        object_id=service.pk,
        title={"": service.name, **(service.name_translations or {})},
        body={"": service.description or "", **(service.description_translations or {})},
        organisation_id=None if service.status == ServiceStatus.PUBLISHED else service.authority_id,
    )


def service_index(service: Any) -> None:
    """Keep the index in step with a written service (call it in the writing action)."""
    if service.status == ServiceStatus.WITHDRAWN:
        search_delete(KIND, service.pk)
    else:
        search_put(KIND, service_search_document(service))


def service_search_documents(model: Any = None) -> Iterator[SearchDocument]:
    """Every draft and published service's entry, for a rebuild."""
    model = model or Service
    rows = model.objects.exclude(status=ServiceStatus.WITHDRAWN).only(*FIELDS)
    for service in rows.iterator(2000):
        yield service_search_document(service)
