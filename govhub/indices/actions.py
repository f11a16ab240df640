"""Every write to the indices: the import of the UN E-Government Survey files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from govhub.core.api import audit_record
from govhub.indices import sources
from govhub.indices.models import Country, Edition, Score

COUNTRY_FIELDS = ("name", "m49", "region", "subregion", "income", "ldc", "lldc", "sids")
SCORE_FIELDS = ("rank", "egdi", "osi", "hci", "tii", "epi")
_BATCH = 500  # well under SQLite's limit on query parameters


@dataclass(frozen=True)
class ImportResult:
    """What an import did: rows created, updated, removed and left as they were."""

    created: int
    updated: int
    removed: int
    unchanged: int
    editions_changed: tuple[int, ...]
    unmatched: tuple[sources.Unmatched, ...]

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.removed


@dataclass
class _Tally:
    created: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0

    def add(self, other: _Tally) -> None:
        self.created += other.created
        self.updated += other.updated
        self.removed += other.removed
        self.unchanged += other.unchanged


def _country_fields(country: sources.Country) -> dict[str, Any]:
    return {f: getattr(country, f) for f in COUNTRY_FIELDS}


def _score_values(score: sources.Score) -> tuple[Any, ...]:
    return tuple(getattr(score, f) for f in SCORE_FIELDS)


def _sync_countries(countries: dict[str, sources.Country]) -> _Tally:
    tally = _Tally()
    existing = {c.iso3: c for c in Country.objects.all()}
    new, changed = [], []
    for iso3, country in countries.items():
        row, fields = existing.get(iso3), _country_fields(country)
        if row is None:
            new.append(Country(iso3=iso3, **fields))
        elif {f: getattr(row, f) for f in COUNTRY_FIELDS} != fields:
            for name, value in fields.items():
                setattr(row, name, value)
            changed.append(row)
        else:
            tally.unchanged += 1
    gone = existing.keys() - countries.keys()
    Country.objects.bulk_create(new, batch_size=_BATCH)
    Country.objects.bulk_update(changed, COUNTRY_FIELDS, batch_size=_BATCH)
    if gone:
        Country.objects.filter(iso3__in=gone).delete()
    tally.created, tally.updated, tally.removed = len(new), len(changed), len(gone)
    return tally


def _sync_editions(years: set[int], now: Any) -> set[int]:
    """Create or relabel the edition rows of `years`; returns the years whose row changed."""
    existing = {e.year: e for e in Edition.objects.all()}
    changed: set[int] = set()
    for year in sorted(years):
        source = sources.authoritative_file(year)
        edition = existing.get(year)
        if edition is None:
            Edition.objects.create(year=year, source=source, imported_at=now)
            changed.add(year)
        elif edition.source != source:
            Edition.objects.filter(year=year).update(source=source)
            changed.add(year)
    return changed


def _sync_scores(scores: list[sources.Score]) -> tuple[_Tally, set[int]]:
    tally, years = _Tally(), set()
    existing = {
        (row[0], row[1]): row[2:]
        for row in Score.objects.values_list("country_id", "edition_id", "pk", *SCORE_FIELDS)
    }
    new, changed = [], []
    for score in scores:
        values = _score_values(score)
        row = existing.pop((score.iso3, score.year), None)
        fields = dict(zip(SCORE_FIELDS, values, strict=True))
        if row is None:
            new.append(Score(country_id=score.iso3, edition_id=score.year, **fields))
        elif tuple(row[1:]) != values:
            changed.append(Score(pk=row[0], country_id=score.iso3, edition_id=score.year, **fields))
        else:
            tally.unchanged += 1
            continue
        years.add(score.year)
    Score.objects.bulk_create(new, batch_size=_BATCH)
    Score.objects.bulk_update(changed, SCORE_FIELDS, batch_size=_BATCH)
    if existing:  # rows the files no longer hold
        Score.objects.filter(pk__in=[row[0] for row in existing.values()]).delete()
        years.update(year for _iso3, year in existing)
    tally.created, tally.updated, tally.removed = len(new), len(changed), len(existing)
    return tally, years


def indices_import(*, dataset: sources.Dataset | None = None, actor: Any = None) -> ImportResult:
    """Load every Survey edition from the shipped files (idempotent); one audit entry if changed."""
    data = dataset if dataset is not None else sources.load()
    now = timezone.now()
    with transaction.atomic():
        in_data = {score.year for score in data.scores}
        tally = _sync_countries(data.countries)
        countries_changed = tally.created + tally.updated + tally.removed > 0
        years = _sync_editions(in_data, now)
        score_tally, score_years = _sync_scores(data.scores)
        tally.add(score_tally)
        years |= score_years
        dropped = Edition.objects.exclude(year__in=in_data)  # their scores went above
        years |= set(dropped.values_list("year", flat=True))
        dropped.delete()
        if countries_changed:  # every edition's groups depend on the classifications
            years |= in_data
        if years:
            Edition.objects.filter(year__in=years).update(imported_at=now)
        result = ImportResult(
            created=tally.created,
            updated=tally.updated,
            removed=tally.removed,
            unchanged=tally.unchanged,
            editions_changed=tuple(sorted(years)),
            unmatched=tuple(data.unmatched),
        )
        if result.changed or years:
            audit_record(
                actor=actor,
                verb="indices.import",
                target_label="UN E-Government Survey",
                changes={
                    "created": result.created,
                    "updated": result.updated,
                    "removed": result.removed,
                    "editions": list(result.editions_changed),
                    "unmatched": len(result.unmatched),
                },
            )
    return result
