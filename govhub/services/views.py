"""The public catalogue, each service's page and archive, and its CPSV-AP documents."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from govhub.core.api import (
    MAX_CURSOR_LENGTH,
    anonymous_page_cache,
    list_page,
    list_query,
    public,
    signed_in,
)
from govhub.organisations.api import organisation_names, organisation_relatives
from govhub.services import permissions, queries
from govhub.services.cpsv import catalogue_graph
from govhub.services.forms import CatalogueFilterForm
from govhub.services.models import Audience, Channel, OutputType, Service, ServiceStatus, Stage

PAGE_SIZE = 30
TURTLE = "text/turtle; charset=utf-8"
JSONLD = "application/ld+json; charset=utf-8"


def _filters(request: HttpRequest, form: CatalogueFilterForm, **fixed: Any) -> Any:
    data = form.cleaned_data if form.is_valid() else {}
    return queries.CatalogueFilters(
        q=data.get("q", ""),
        audience=data.get("audience", ""),
        event=data.get("event", ""),
        stage=data.get("stage"),
        output=data.get("output", ""),
        **fixed,
    )


@dataclass(frozen=True)
class Row:
    url: str
    name: str
    authority: str
    output: str
    stage: int
    stage_label: str


def _rows(services: list[Service]) -> list[Row]:
    """Plain rows: labels and the address resolved once a page, not once a cell (Django's
    `get_FOO_display` and `{% url %}` per row were most of the page's time)."""
    language = get_language() or ""
    outputs = {k: str(v) for k, v in OutputType.choices}
    stages = {k: str(v) for k, v in Stage.choices}
    base = reverse("services:catalogue")
    return [
        Row(
            url=f"{base}{s.identifier}/",
            name=s.display_name(language),
            authority=s.authority.display_name(language),
            output=outputs[s.output_type],
            stage=s.stage,
            stage_label=stages[s.stage],
        )
        for s in services
    ]


def _filter_fields(form: CatalogueFilterForm) -> list[dict[str, Any]]:
    """The select filters as plain data (Django's widget templates cost most of a page)."""
    chosen = form.data if form.is_bound else {}
    return [
        {
            "name": name,
            "label": form.fields[name].label,
            "options": [
                (value, str(label), str(value) == chosen.get(name, ""))
                for value, label in form.fields[name].choices  # type: ignore[attr-defined]
            ],
        }
        for name in ("audience", "event", "stage", "output")
    ]


def _listing(
    request: HttpRequest, template: str, extra: dict[str, Any], **fixed: Any
) -> HttpResponse:
    form = CatalogueFilterForm(request.GET or None, events=queries.event_list())
    services = queries.service_list(_filters(request, form, **fixed))
    page = list_page(services, request.GET, PAGE_SIZE)
    return render(
        request,
        template,
        {
            "form": form,
            "filters": _filter_fields(form),
            "page": page,
            "rows": _rows(page.object_list),
            "query": list_query(request.GET),
            "can_create": permissions.can_create_service(request.user),
            **extra,
        },
    )


def _catalogue_key(request: HttpRequest) -> str:
    """The page's identity: its valid filters and place in the list, nothing else from the
    URL (checked by hand, not by the form: this runs on every anonymous view)."""
    get = request.GET.get
    after, before, event = get("after", ""), get("before", ""), get("event", "")
    return "|".join(
        [
            request.path,
            get("q", "").strip()[:100],
            get("audience", "") if get("audience", "") in Audience.values else "",
            event if len(event) <= 64 else "",
            get("stage", "") if get("stage", "") in ("1", "2", "3") else "",
            get("output", "") if get("output", "") in OutputType.values else "",
            after if len(after) <= MAX_CURSOR_LENGTH else "",
            before if len(before) <= MAX_CURSOR_LENGTH else "",
        ]
    )


def _catalogue_version(request: HttpRequest) -> str:
    return queries.catalogue_version()


@public
@require_GET
@anonymous_page_cache(seconds=600, key=_catalogue_key, version=_catalogue_version)
def catalogue(request: HttpRequest) -> HttpResponse:
    return _listing(request, "services/catalogue.html", {})


@public
@require_GET
@anonymous_page_cache(seconds=600, key=_catalogue_key, version=_catalogue_version)
def authority(request: HttpRequest, authority_id: int) -> HttpResponse:
    """An authority's published services, with links to its ministry and its units."""
    names = organisation_names([authority_id], get_language())
    if authority_id not in names:
        raise Http404
    parent, units = organisation_relatives(authority_id)
    related = organisation_names(
        [o.id for o in ([parent] if parent else []) + units], get_language()
    )
    extra = {
        "authority_name": names[authority_id],
        "authority_id": authority_id,
        "parent": (parent.id, related[parent.id]) if parent else None,
        "units": [(u.id, related[u.id]) for u in units if u.sector == "government"],
        "is_member": permissions.can_view_agency_services(request.user, authority_id),
    }
    return _listing(request, "services/authority.html", extra, authority=authority_id)


@signed_in(permissions.can_view_agency_services)
@require_GET
def agency(request: HttpRequest, authority_id: int) -> HttpResponse:
    """The agency's own list: every service, drafts included (its members)."""
    if not permissions.can_view_agency_services(request.user, authority_id):
        raise Http404
    page = list_page(queries.agency_service_list(authority_id), request.GET, PAGE_SIZE)
    return render(
        request,
        "services/agency.html",
        {
            "authority_id": authority_id,
            "authority_name": organisation_names([authority_id], get_language())[authority_id],
            "page": page,
            "query": list_query(request.GET),
            "can_edit": permissions.can_edit_services_of(request.user, authority_id),
        },
    )


@public
@require_GET
@anonymous_page_cache(seconds=600, key=_catalogue_key, version=_catalogue_version)
def whats_new(request: HttpRequest) -> HttpResponse:
    page = list_page(queries.news_list(), request.GET, PAGE_SIZE)
    return render(
        request,
        "services/whats_new.html",
        {"page": page, "query": list_query(request.GET), "new": queries.newly_published()},
    )


def _facts(content: dict[str, Any]) -> dict[str, Any]:
    """Labels for a service's (or an archived version's) coded values."""
    events = queries.events_by_code(content.get("event_codes", []))
    return {
        "audiences": [
            label
            for key, label in (
                ("for_citizens", Service._meta.get_field("for_citizens").verbose_name),
                ("for_businesses", Service._meta.get_field("for_businesses").verbose_name),
                ("for_government", Service._meta.get_field("for_government").verbose_name),
            )
            if content.get(key)
        ],
        "events": [events[c].display_name() for c in content.get("event_codes", []) if c in events],
        "channels": [Channel(c).label for c in content.get("channels", [])],
        "output": OutputType(content.get("output_type", "none")).label,
        "stage": Stage(content.get("stage", 1)).label,
    }


@public
@require_GET
def detail(request: HttpRequest, identifier: str) -> HttpResponse:
    service = permissions.access_service(request.user, identifier)
    content = {
        **{f: getattr(service, f) for f in ("for_citizens", "for_businesses", "for_government")},
        "event_codes": [e.code for e in queries.service_events(service)],
        "channels": service.channels,
        "output_type": service.output_type,
        "stage": service.stage,
    }
    return render(
        request,
        "services/detail.html",
        {
            "service": service,
            "facts": _facts(content),
            "news": list(queries.news_list(service)[:20]),
            "versions": list(queries.version_list(service)[:1]),
            "can_edit": permissions.can_edit_service(request.user, service),
            "is_draft": service.status == ServiceStatus.DRAFT,
        },
    )


@public
@require_GET
def archive(request: HttpRequest, identifier: str) -> HttpResponse:
    service = permissions.access_service(request.user, identifier)
    return render(
        request,
        "services/archive.html",
        {"service": service, "versions": list(queries.version_list(service))},
    )


@public
@require_GET
def archived(request: HttpRequest, identifier: str, number: int) -> HttpResponse:
    service = permissions.access_service(request.user, identifier)
    version = queries.version_get(service, number)
    if version is None:
        raise Http404
    content = version.content
    lang = get_language() or ""
    return render(
        request,
        "services/archived.html",
        {
            "service": service,
            "version": version,
            "content": content,
            "name": (content.get("name_translations") or {}).get(lang) or content["name"],
            "description": (content.get("description_translations") or {}).get(lang)
            or content["description"],
            "authority": organisation_names([content["authority_id"]], lang).get(
                content["authority_id"], ""
            ),
            "facts": _facts(content),
        },
    )


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _rdf(request: HttpRequest, services: list[Service], fmt: str) -> HttpResponse:
    graph = catalogue_graph(services, _base(request))
    if fmt == "ttl":
        return HttpResponse(graph.turtle(), content_type=TURTLE)
    return HttpResponse(graph.jsonld(), content_type=JSONLD)


@public
@require_GET
def catalogue_rdf(request: HttpRequest, fmt: str) -> HttpResponse:
    """Every published service as CPSV-AP 3.2 (JSON-LD or Turtle)."""
    return _rdf(request, list(queries.published_with_events()), fmt)


@public
@require_GET
def service_rdf(request: HttpRequest, identifier: str, fmt: str) -> HttpResponse:
    """One published service as CPSV-AP 3.2 (drafts and withdrawn services: 404)."""
    service = permissions.access_service(request.user, identifier)
    if service.status != ServiceStatus.PUBLISHED:
        raise Http404
    return _rdf(request, [service], fmt)
