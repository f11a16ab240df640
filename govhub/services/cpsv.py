"""CPSV-AP 3.2 output: the catalogue and each service as `cpsv:PublicService` (an adapter
over our own models; docs/adr/0026-services-catalogue.md).

Every node the shapes check the class of is typed here, concepts included, so the output
conforms to the official shapes without loading any vocabulary.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from govhub.services.models import Audience, Channel, OutputType, Service, ServiceStatus
from govhub.services.rdf import XSD, Graph, Literal, texts

PREFIXES = {
    "cpsv": "http://purl.org/vocab/cpsv#",
    "cv": "http://data.europa.eu/m8g/",
    "dct": "http://purl.org/dc/terms/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "adms": "http://www.w3.org/ns/adms#",
    "xsd": XSD,
}
EU = "http://publications.europa.eu/resource/authority/"
# Our interface languages in the EU's language authority table (ISO 639-3 for Dari).
LANGUAGE_CODES = {"en": "ENG", "ru": "RUS", "fa-af": "PRS"}


def _main() -> str:
    return str(settings.LANGUAGE_CODE)


def _concept(graph: Graph, iri: str, label: str) -> str:
    graph.add_type(iri, "skos:Concept")
    graph.add(iri, "skos:prefLabel", Literal(label, _main()))
    return iri


def _vocabulary(base: str, scheme: str, key: str) -> str:
    return f"{base}/services/vocabulary/{scheme}/{key}"


def _authority(graph: Graph, base: str, service: Service) -> str:
    authority = service.authority
    iri = f"{base}/organisations/{authority.pk}/"
    graph.add_type(iri, "cv:PublicOrganisation")
    for text in texts(authority.name, authority.name_translations, _main()):
        graph.add(iri, "skos:prefLabel", text)
    jurisdiction = f"{base}/services/catalogue#jurisdiction"
    graph.add_type(jurisdiction, "dct:Location")
    graph.add(iri, "dct:spatial", jurisdiction)
    return iri


def _lists(graph: Graph, iri: str, service: Service) -> None:
    for n, item in enumerate(service.legal_basis, start=1):
        legal = item["url"] or f"{iri}#legal-{n}"
        graph.add_type(legal, "eli:LegalResource")
        title = item["title"] + (f", {item['article']}" if item["article"] else "")
        graph.add(legal, "dct:title", Literal(title, _main()))
        graph.add(iri, "cv:hasLegalResource", legal)
    for n, item in enumerate(service.evidence, start=1):
        evidence = f"{iri}#evidence-{n}"
        graph.add_type(evidence, "cv:Evidence")
        graph.add(evidence, "dct:identifier", Literal(f"{service.identifier}-evidence-{n}"))
        graph.add(evidence, "dct:title", Literal(item["name"], _main()))
        if item["description"]:
            graph.add(evidence, "dct:description", Literal(item["description"], _main()))
        graph.add(iri, "cpsv:hasInput", evidence)


def _offer(graph: Graph, base: str, iri: str, service: Service) -> None:
    if service.output_type != OutputType.NONE:
        output = f"{iri}#output"
        graph.add_type(output, "cv:Output")
        graph.add(output, "dct:identifier", Literal(f"{service.identifier}-output"))
        label = str(OutputType(service.output_type).label)
        graph.add(output, "dct:title", Literal(label, _main()))
        kind = _vocabulary(base, "output", service.output_type)
        graph.add(output, "dct:type", _concept(graph, kind, label))
        graph.add(iri, "cpsv:produces", output)
    if service.cost_amount is not None:
        cost = f"{iri}#cost"
        graph.add_type(cost, "cv:Cost")
        graph.add(cost, "dct:identifier", Literal(f"{service.identifier}-cost"))
        graph.add(cost, "cv:hasValue", Literal(str(float(service.cost_amount)), "", XSD + "double"))
        currency = f"{EU}currency/{service.cost_currency}"
        graph.add(cost, "cv:currency", _concept(graph, currency, service.cost_currency))
        if service.cost_description:
            graph.add(cost, "dct:description", Literal(service.cost_description, _main()))
        graph.add(iri, "cv:hasCost", cost)
    for key in service.channels:
        channel = f"{iri}#channel-{key}"
        graph.add_type(channel, "cv:Channel")
        graph.add(channel, "dct:identifier", Literal(f"{service.identifier}-{key}"))
        kind = _vocabulary(base, "channel", key)
        graph.add(channel, "dct:type", _concept(graph, kind, str(Channel(key).label)))
        graph.add(iri, "cv:hasChannel", channel)


def service_graph(graph: Graph, service: Service, base: str) -> None:
    """Add `service` (published, with its authority and events loaded) to `graph`."""
    iri = f"{base}/services/{service.identifier}/"
    graph.add_type(iri, "cpsv:PublicService")
    graph.add(iri, "dct:identifier", Literal(service.identifier))
    for text in texts(service.name, service.name_translations, _main()):
        graph.add(iri, "dct:title", text)
    description = service.description or service.name
    for text in texts(description, service.description_translations, _main()):
        graph.add(iri, "dct:description", text)
    graph.add(iri, "cv:hasCompetentAuthority", _authority(graph, base, service))
    for key in service.audiences:
        concept = _vocabulary(base, "audience", key)
        graph.add(iri, "dct:audience", _concept(graph, concept, str(Audience(key).label)))
    for event in service.events.all():
        node = f"{base}/services/events/{event.code}"
        graph.add_type(
            node, "cv:Event", "cv:LifeEvent" if event.kind == "life" else "cv:BusinessEvent"
        )
        graph.add(node, "dct:identifier", Literal(event.code))
        for text in texts(event.name, event.name_translations, _main()):
            graph.add(node, "dct:title", text)
        graph.add(iri, "cv:isGroupedBy", node)
    if service.processing_days is not None:
        duration = f"P{service.processing_days}D"
        graph.add(iri, "cv:processingTime", Literal(duration, "", XSD + "duration"))
    for code in service.languages:
        language = f"{EU}language/{LANGUAGE_CODES.get(code, code.upper())}"
        graph.add_type(language, "dct:LinguisticSystem")
        graph.add(iri, "dct:language", language)
    status = _vocabulary(base, "status", ServiceStatus.PUBLISHED)
    graph.add(iri, "adms:status", _concept(graph, status, str(ServiceStatus.PUBLISHED.label)))
    _lists(graph, iri, service)
    _offer(graph, base, iri, service)


def catalogue_graph(services: Iterable[Service], base: str) -> Graph:
    """Every given service in one graph."""
    graph = Graph(PREFIXES)
    for service in services:
        service_graph(graph, service, base)
    return graph
