"""Generated services for scale benchmarks (`govhub bench load --services N`, ADR 0021):
published services of government bodies, written in bulk with their events and version 1,
then indexed for search. What the actions would write, except the audit entries."""

from __future__ import annotations

import random
from typing import Any, Protocol

from django.db import reset_queries, transaction
from django.utils import timezone

from govhub.core.api import (
    bulk_analyze,
    bulk_ids_settle,
    bulk_insert,
    bulk_next_id,
    search_index_bulk,
)
from govhub.services.models import Event, Service, ServiceStatus, ServiceVersion
from govhub.services.search import KIND, service_search_document

WORDS = (
    "birth",
    "marriage",
    "residence",
    "business",
    "licence",
    "permit",
    "building",
    "tax",
    "pension",
    "school",
    "health",
    "vehicle",
    "passport",
    "water",
    "land",
    "trade",
    "export",
    "housing",
    "disability",
    "employment",
    "farm",
    "fishing",
    "radio",
    "data",
    "archive",
)
OUTPUTS = ("certificate", "licence", "permit", "decision", "none")
FIELDS = (
    "id",
    "identifier",
    "name",
    "name_translations",
    "description",
    "authority_id",
    "for_citizens",
    "for_businesses",
    "for_government",
    "output_type",
    "processing_days",
    "cost_amount",
    "cost_currency",
    "channels",
    "languages",
    "status",
    "version",
    "first_published_at",
    "created_at",
    "updated_at",
)


class Organisations(Protocol):
    def pick(self, rng: random.Random, kind: str | None = None) -> int: ...


def _row(pk: int, rng: random.Random, authority: int, now: Any) -> tuple[Any, ...]:
    words = rng.sample(WORDS, 3)
    name = f"{words[0].capitalize()} {words[1]} {words[2]} service {pk}"
    audience = rng.randrange(1, 8)  # a non-empty set of the three audiences, as bits
    return (
        pk,
        f"generated-{pk}",
        name,
        {"ru": f"Услуга {pk}"},
        f"Generated service about {words[0]}, {words[1]} and {words[2]}.",
        authority,
        bool(audience & 1),
        bool(audience & 2),
        bool(audience & 4),
        rng.choice(OUTPUTS),
        rng.randrange(1, 60),
        rng.choice((0, 10, 25, 100)),
        "ARD",
        ["online", "in_person"],
        ["en"],
        ServiceStatus.PUBLISHED,
        1,
        now,
        now,
        now,
    )


def bench_services_load(
    *, count: int, organisations: Organisations, seed: int = 0, batch: int = 5000
) -> range:
    """Write `count` published services of government bodies (ministries and local bodies),
    each with one or two events and its version 1, in batches; index them. Returns ids."""
    rng = random.Random(seed)  # noqa: S311 (reproducible test data, not secrets)
    events = list(Event.objects.values_list("id", flat=True))
    through = Service.events.through
    now = timezone.now()
    first = bulk_next_id(Service)
    for start in range(first, first + count, batch):
        stop = min(first + count, start + batch)
        rows, links, versions = [], [], []
        for pk in range(start, stop):
            kind = "ministry_agency" if pk % 3 else "local_body"
            row = _row(pk, rng, organisations.pick(rng, kind), now)
            rows.append(row)
            links += [(pk, e) for e in rng.sample(events, rng.randrange(1, 3))] if events else []
            versions.append((pk, 1, {"identifier": row[1], "name": row[2]}, now))
        with transaction.atomic():
            bulk_insert(Service, FIELDS, rows)
            bulk_insert(through, ("service_id", "event_id"), links)
            bulk_insert(
                ServiceVersion, ("service_id", "number", "content", "published_at"), versions
            )
            documents = Service.objects.filter(pk__gte=start, pk__lt=stop).only(
                "id",
                "name",
                "name_translations",
                "description",
                "description_translations",
                "authority_id",
                "status",
            )
            search_index_bulk(KIND, (service_search_document(s) for s in documents))
        reset_queries()
    bulk_ids_settle(Service, ServiceVersion, through)
    return range(first, first + count)


def service_tables_analyze() -> None:
    """Refresh the planner's statistics of the service tables after a load."""
    bulk_analyze(Service, ServiceVersion, Service.events.through)
