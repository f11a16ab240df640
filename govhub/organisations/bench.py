# ruff: noqa: RUF001 (names in Russian: Cyrillic letters that look Latin are meant)
"""Generated organisations for scale benchmarks (`govhub bench load --organisations N`).

Written in bulk (COPY on PostgreSQL), without the actions or the audit log: load-test data
for a throw-away database, never demo or production data. Each row is what
`organisation_create` would have stored (sector from the kind, a subtype that fits it, a
parent of an allowed kind, the search names), so every page reads it as it reads real data.

An organisation's kind follows from its position alone (a fixed cycle of 100 with the mix
below), so a programme loader can pick an initiator or a lead agency of a given kind by
arithmetic, with no list of a million ids in memory.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import reset_queries, transaction
from django.utils import timezone

from govhub.core.api import bulk_analyze, bulk_ids_settle, bulk_insert, bulk_next_id
from govhub.organisations.kinds import ALLOWED_PARENT_KINDS, KIND_INFO, Kind
from govhub.organisations.models import Membership, Organisation, Role

# Out of every 100: few higher bodies, a tenth ministries and agencies, many local bodies,
# businesses the largest group, a fifth civil society.
MIX: dict[str, int] = {
    Kind.HIGHER_BODY: 2,
    Kind.MINISTRY_AGENCY: 10,
    Kind.LOCAL_BODY: 23,
    Kind.BUSINESS: 45,
    Kind.CSO: 20,
}
_RNG = random.Random(10)  # noqa: S311 (a fixed order, not cryptography)
_SHUFFLED = _RNG.sample([k for k, n in MIX.items() for _ in range(n)][1:], 99)
CYCLE: tuple[str, ...] = (Kind.HIGHER_BODY, *_SHUFFLED)  # a higher body first: parents early
POSITIONS: dict[str, tuple[int, ...]] = {
    kind: tuple(i for i, k in enumerate(CYCLE) if k == kind) for kind in MIX
}
PARENT_SHARE = 0.2  # of the units that may have a parent, this many get one
TRANSLATED_SHARE = 0.3  # names also given in Russian and Dari

# (English, Russian, Dari): places, and topics (the Russian in the genitive).
PLACES = (
    ("Arden", "Арден", "آردن"),
    ("Belmor", "Белмор", "بلمور"),
    ("Carrow", "Карроу", "کارو"),
    ("Dunmere", "Данмир", "دنمیر"),
    ("Elsby", "Элсби", "السبی"),
    ("Farrow", "Фарроу", "فارو"),
    ("Glenholt", "Гленхолт", "گلنهولت"),
    ("Harwick", "Харвик", "هارویک"),
    ("Ivel", "Ивел", "ایول"),
    ("Kestrel Bay", "Кестрел-Бей", "خلیج کسترل"),
    ("Lowmoor", "Лоумур", "لومور"),
    ("Marsh End", "Марш-Энд", "مارش اند"),
)
TOPICS = (
    ("Health", "здравоохранения", "صحت عامه"),
    ("Education", "образования", "معارف"),
    ("Water", "водных ресурсов", "آب"),
    ("Energy", "энергетики", "انرژی"),
    ("Agriculture", "сельского хозяйства", "زراعت"),
    ("Transport", "транспорта", "ترانسپورت"),
    ("Finance", "финансов", "مالیه"),
    ("Justice", "юстиции", "عدلیه"),
    ("Digital Services", "цифровых услуг", "خدمات دیجیتال"),
    ("Housing", "жилищного строительства", "مسکن"),
)
TRADES = ("Trading", "Construction", "Logistics", "Software", "Textiles", "Farms", "Foods")
SUBTYPES: dict[str, tuple[str, ...]] = {
    Kind.BUSINESS: ("micro", "micro", "small", "small", "small", "medium", "large"),
    Kind.CSO: ("ngo", "ngo", "ngo", "union", "public_chamber", "other_cso"),
}
FIELDS = (
    "id",
    "name",
    "name_translations",
    "kind",
    "sector",
    "subtype",
    "parent_id",
    "contact_email",
    "website",
    "search_names",
    "created_at",
    "updated_at",
)


@dataclass(frozen=True)
class GeneratedOrganisations:
    """The organisations one load wrote: ids `first_id` .. `first_id + count - 1`."""

    first_id: int
    count: int

    def kind(self, organisation_id: int) -> str:
        return CYCLE[(organisation_id - self.first_id) % len(CYCLE)]

    def pick(self, rng: random.Random, kind: str | None = None) -> int:
        """A random one (of `kind`, when given and there is one)."""
        if kind is None or self.count < len(CYCLE):
            return self.first_id + rng.randrange(self.count)
        block = rng.randrange(self.count // len(CYCLE))
        return self.first_id + block * len(CYCLE) + rng.choice(POSITIONS[kind])

    def some(self, most: int) -> list[int]:
        """Up to `most` ids spread over the whole range."""
        step = max(1, self.count // most)
        return [self.first_id + i for i in range(0, self.count, step)][:most]


@dataclass(frozen=True)
class ExistingOrganisations:
    """Organisations already in the database (when a load adds programmes only)."""

    ids: tuple[int, ...]
    by_kind: dict[str, tuple[int, ...]]

    def pick(self, rng: random.Random, kind: str | None = None) -> int:
        """A random one (of `kind`, when given and there is one)."""
        return rng.choice(self.by_kind.get(kind or "") or self.ids)

    def some(self, most: int) -> list[int]:
        """Up to `most` of them."""
        return list(self.ids[:most])


def bench_organisations_existing(most: int = 10_000) -> ExistingOrganisations:
    """Up to `most` active organisations already there, to start generated programmes."""
    rows = list(
        Organisation.objects.filter(is_active=True).order_by("id").values_list("id", "kind")[:most]
    )
    by_kind: dict[str, list[int]] = {}
    for pk, kind in rows:
        by_kind.setdefault(kind, []).append(pk)
    return ExistingOrganisations(
        ids=tuple(pk for pk, _k in rows), by_kind={k: tuple(v) for k, v in by_kind.items()}
    )


def _names(kind: str, n: int, rng: random.Random) -> tuple[str, dict[str, str]]:
    """A name of the kind's usual shape, numbered (a million names stay distinct), and for
    some the same name in Russian and Dari."""
    place, topic = rng.choice(PLACES), rng.choice(TOPICS)
    if kind == Kind.HIGHER_BODY:
        en, ru, fa = f"Council of {place[0]}", f"Совет {place[1]}", f"شورای {place[2]}"
    elif kind == Kind.MINISTRY_AGENCY and rng.random() < 0.5:
        en, ru, fa = f"Ministry of {topic[0]}", f"Министерство {topic[1]}", f"وزارت {topic[2]}"
    elif kind == Kind.MINISTRY_AGENCY:
        en, ru, fa = f"Agency for {topic[0]}", f"Агентство {topic[1]}", f"اداره {topic[2]}"
    elif kind == Kind.LOCAL_BODY:
        en, ru, fa = f"{place[0]} Municipality", f"Муниципалитет {place[1]}", f"شاروالی {place[2]}"
    elif kind == Kind.BUSINESS:
        trade = rng.choice(TRADES)
        en, ru, fa = f"{place[0]} {trade}", f"{place[1]} {trade}", f"{place[2]} {trade}"
    else:
        en = f"{topic[0]} Association of {place[0]}"
        ru, fa = f"Ассоциация {topic[1]} ({place[1]})", f"انجمن {topic[2]} {place[2]}"
    if rng.random() >= TRANSLATED_SHARE:
        return f"{en} {n}", {}
    return f"{en} {n}", {"ru": f"{ru} {n}", "fa-af": f"{fa} {n}"}


def _row(i: int, first_id: int, rng: random.Random, now: Any) -> tuple[Any, ...]:
    kind = CYCLE[i % len(CYCLE)]
    name, translations = _names(kind, i + 1, rng)
    block = i // len(CYCLE)
    parent_id = None
    parent_kinds = [k for k in ALLOWED_PARENT_KINDS[kind] if k != Kind.HIGHER_BODY or block]
    if block and parent_kinds and rng.random() < PARENT_SHARE:
        parent_kind = rng.choice(parent_kinds)
        j = rng.randrange(block) * len(CYCLE) + rng.choice(POSITIONS[parent_kind])
        parent_id = first_id + j  # an earlier one: never a cycle
    subtype = rng.choice(SUBTYPES[kind]) if kind in SUBTYPES else ""
    slug = f"org{first_id + i}"
    created = now - timedelta(days=rng.random() * 5 * 365)
    search = "\n".join(x.casefold() for x in (name, *translations.values()))
    return (
        first_id + i,
        name,
        translations,
        kind,
        KIND_INFO[kind].sector,
        subtype,
        parent_id,
        f"info@{slug}.bench.example",
        f"https://{slug}.bench.example",
        search,
        created,
        created,
    )


def _batches(count: int, size: int) -> Iterator[range]:
    for start in range(0, count, size):
        yield range(start, min(count, start + size))


def bench_organisations_load(
    *, count: int, seed: int = 0, batch: int = 5000
) -> GeneratedOrganisations:
    """Write `count` generated organisations in batches (one transaction each)."""
    rng = random.Random(seed)  # noqa: S311 (reproducible test data, not secrets)
    first_id, now = bulk_next_id(Organisation), timezone.now()
    for rows in _batches(count, batch):
        with transaction.atomic():
            bulk_insert(Organisation, FIELDS, (_row(i, first_id, rng, now) for i in rows))
        reset_queries()  # with DEBUG on, Django keeps every statement (each batch's, large)
    bulk_ids_settle(Organisation)
    return GeneratedOrganisations(first_id=first_id, count=count)


def bench_members_add(*, user: Any, organisation_ids: list[int]) -> None:
    """Make `user` a member of these organisations (an author of generated contributions
    acts for the organisation, as `contribution_add` requires)."""
    Membership.objects.bulk_create(
        [Membership(user=user, organisation_id=i, role=Role.MEMBER) for i in organisation_ids],
        ignore_conflicts=True,
    )


def organisation_tables_analyze() -> None:
    """Refresh the planner's statistics of the organisation tables after a load."""
    bulk_analyze(Organisation, Membership)
