"""Reads of the catalogue; each returns a queryset that already joins what its pages show."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from govhub.core.api import search_filter, versions_read
from govhub.organisations.api import ORGANISATIONS_VERSION
from govhub.services.data import SERVICES_VERSION
from govhub.services.models import (
    Audience,
    Event,
    Service,
    ServiceNews,
    ServiceStatus,
    ServiceVersion,
)
from govhub.services.search import KIND as SEARCH_KIND

AUDIENCE_FIELDS = {
    Audience.CITIZENS: "for_citizens",
    Audience.BUSINESSES: "for_businesses",
    Audience.GOVERNMENT: "for_government",
}


@dataclass(frozen=True)
class CatalogueFilters:
    """The catalogue's filters; empty means "any"."""

    q: str = ""
    audience: str = ""
    event: str = ""
    authority: int | None = None
    stage: int | None = None
    output: str = ""


def service_list(filters: CatalogueFilters | None = None) -> QuerySet[Service]:
    """Published services, filtered, by name (each filter has its index: see the model)."""
    f = filters or CatalogueFilters()
    qs = Service.objects.filter(status=ServiceStatus.PUBLISHED).select_related("authority")
    if f.audience in AUDIENCE_FIELDS:
        qs = qs.filter(**{AUDIENCE_FIELDS[Audience(f.audience)]: True})
    if f.event:
        qs = qs.filter(events__code=f.event)
    if f.authority is not None:
        qs = qs.filter(authority_id=f.authority)
    if f.stage is not None:
        qs = qs.filter(stage=f.stage)
    if f.output:
        qs = qs.filter(output_type=f.output)
    needle = (f.q or "").replace("\x00", "").strip()[:100]
    if needle:
        qs = search_filter(qs, needle, kind=SEARCH_KIND)
    return qs.order_by("name", "id")


def agency_service_list(authority_id: int) -> QuerySet[Service]:
    """An agency's services, drafts and withdrawn ones included, last changed first."""
    return Service.objects.filter(authority_id=authority_id).order_by("-updated_at", "-id")


def news_list(service: Service | None = None) -> QuerySet[ServiceNews]:
    """News of published services (or of one service), newest first."""
    qs = ServiceNews.objects.select_related("service")
    if service is not None:
        return qs.filter(service=service).order_by("-date", "-id")
    return qs.filter(service__status=ServiceStatus.PUBLISHED).order_by("-date", "-id")


def newly_published(limit: int = 10) -> list[Service]:
    """The services first published most recently."""
    qs = Service.objects.filter(status=ServiceStatus.PUBLISHED).select_related("authority")
    return list(qs.order_by("-first_published_at", "-id")[:limit])


def version_list(service: Service) -> QuerySet[ServiceVersion]:
    """A service's published versions, newest first (the archive)."""
    return ServiceVersion.objects.filter(service=service).order_by("-number")


def version_get(service: Service, number: int) -> ServiceVersion | None:
    return ServiceVersion.objects.filter(service=service, number=number).first()


def event_list() -> list[Event]:
    """The vocabulary, life events first."""
    return list(Event.objects.order_by("kind", "position", "id"))


def events_by_code(codes: list[str]) -> dict[str, Event]:
    return {e.code: e for e in Event.objects.filter(code__in=codes)}


def catalogue_version() -> str:
    """Changes with every publication, withdrawal and news entry, and with every change of an
    organisation (the pages name the authorities): one query."""
    return versions_read(SERVICES_VERSION, ORGANISATIONS_VERSION)


def service_events(service: Service) -> list[Event]:
    return list(service.events.order_by("kind", "position", "id"))


def published_with_events() -> QuerySet[Service]:
    """Every published service with its events and authority, for the CPSV-AP catalogue."""
    return (
        Service.objects.filter(status=ServiceStatus.PUBLISHED)
        .select_related("authority")
        .prefetch_related("events")
        .order_by("name", "id")
    )
