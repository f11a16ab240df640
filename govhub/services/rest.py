"""REST: the catalogue (`GET /services`, `GET /services/{identifier}`), public."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from govhub.accounts.api import optional_viewer
from govhub.core.api import LIST_DESCRIPTION, PUBLIC_OPERATION, KeysetPage
from govhub.services import permissions, queries
from govhub.services.models import Audience, OutputType, Service, ServiceStatus

router = Router(tags=["services"])
Identifier = Annotated[
    str,
    Path(
        ...,
        pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
        max_length=80,
        description="The service's identifier, e.g. birth-certificate",
    ),
]


class LegalBasisOut(Schema):
    title: str
    article: str
    url: str


class EvidenceOut(Schema):
    name: str
    description: str


class CostOut(Schema):
    amount: Decimal
    currency: str
    description: str


class NewsOut(Schema):
    date: date
    text: str
    text_translations: dict[str, str]


class ServiceOut(Schema):
    identifier: str
    name: str
    name_translations: dict[str, str]
    description: str
    description_translations: dict[str, str]
    authority_id: int
    audiences: list[Audience]
    events: list[str] = Field(..., description="Codes of life and business events")
    legal_basis: list[LegalBasisOut]
    evidence: list[EvidenceOut]
    cost: CostOut | None
    processing_days: int | None = Field(..., description="Legal processing time, working days")
    output_type: OutputType
    channels: list[str]
    languages: list[str]
    status: ServiceStatus
    stage: int = Field(..., description="UN stage, computed from what the service offers")
    version: int
    first_published_at: datetime | None

    @staticmethod
    def resolve_events(obj: Service) -> list[str]:
        return [e.code for e in obj.events.all()]

    @staticmethod
    def resolve_cost(obj: Service) -> dict[str, Any] | None:
        if obj.cost_amount is None:
            return None
        return {
            "amount": obj.cost_amount,
            "currency": obj.cost_currency,
            "description": obj.cost_description,
        }


class ServiceDetailOut(ServiceOut):
    news: list[NewsOut]

    @staticmethod
    def resolve_news(obj: Service) -> list[Any]:
        return list(queries.news_list(obj)[:50])


class ServiceFilters(Schema):
    q: str | None = Field(None, max_length=100, description="Words in the name or description")
    audience: Audience | None = None
    event: str | None = Field(None, max_length=64, description="An event code")
    authority: int | None = Field(None, ge=1, le=2**63 - 1)
    stage: int | None = Field(None, ge=1, le=4)
    output: OutputType | None = None


@router.get(
    "/services",
    response=list[ServiceOut],
    auth=None,
    openapi_extra=PUBLIC_OPERATION,
    summary="List published services",
    description=LIST_DESCRIPTION,
)
@paginate(KeysetPage)
def service_list(
    request: HttpRequest,
    filters: ServiceFilters = Query(...),  # type: ignore[type-arg]  # noqa: B008
) -> Any:
    return queries.service_list(
        queries.CatalogueFilters(
            q=filters.q or "",
            audience=filters.audience or "",
            event=filters.event or "",
            authority=filters.authority,
            stage=filters.stage,
            output=filters.output or "",
        )
    ).prefetch_related("events")


@router.get(
    "/services/{identifier}",
    response=ServiceDetailOut,
    auth=None,
    openapi_extra=PUBLIC_OPERATION,
    summary="One service (a draft only for its authority's members)",
)
def service_get(request: HttpRequest, identifier: Identifier) -> Service:
    return permissions.access_service(optional_viewer(request), identifier)
