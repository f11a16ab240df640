from __future__ import annotations

import dataclasses

import pytest

from govhub.core.models import AuditEntry
from govhub.indices import actions, sources
from govhub.indices.models import Country, Edition, Score

pytestmark = pytest.mark.django_db

ROWS = 193 + 193 * len(sources.EDITIONS)  # countries + scores


@pytest.fixture(scope="module")
def dataset() -> sources.Dataset:
    return sources.load()


def test_first_import_loads_everything():
    # when (its time is measured by `make bench`, not here)
    result = actions.indices_import()
    # then
    assert (result.created, result.updated, result.removed, result.unchanged) == (ROWS, 0, 0, 0)
    assert result.editions_changed == sources.EDITIONS
    assert result.unmatched == ()
    assert Country.objects.count() == 193
    assert Score.objects.count() == 1930
    assert list(Edition.objects.values_list("year", "source")) == [
        (year, sources.authoritative_file(year)) for year in sources.EDITIONS
    ]
    entry = AuditEntry.objects.get(verb="indices.import")
    assert entry.actor_id is None
    assert entry.changes == {
        "created": ROWS,
        "updated": 0,
        "removed": 0,
        "editions": list(sources.EDITIONS),
        "unmatched": 0,
    }


def test_missing_values_are_stored_as_null_never_zero():
    # when
    actions.indices_import()
    # then
    assert Score.objects.filter(egdi=0).count() == 0
    south_sudan = Score.objects.get(country_id="SSD", edition_id=2010)
    assert (south_sudan.rank, south_sudan.egdi, south_sudan.hci) == (None, None, None)
    assert Score.objects.get(country_id="IRQ", edition_id=2005).epi == 0.0
    denmark = Score.objects.get(country_id="DNK", edition_id=2024)
    assert (denmark.rank, denmark.egdi) == (1, 0.98474)
    assert Country.objects.get(iso3="TUR").name == "Türkiye"


def test_second_import_changes_nothing(dataset):
    # given
    actions.indices_import(dataset=dataset)
    stamps = dict(Edition.objects.values_list("year", "imported_at"))
    # when
    result = actions.indices_import(dataset=dataset)
    # then
    assert (result.created, result.updated, result.removed, result.unchanged) == (0, 0, 0, ROWS)
    assert result.changed == 0
    assert result.editions_changed == ()
    assert AuditEntry.objects.filter(verb="indices.import").count() == 1
    assert dict(Edition.objects.values_list("year", "imported_at")) == stamps


def test_a_changed_value_updates_one_row_and_its_edition(dataset):
    # given
    actions.indices_import(dataset=dataset)
    stamps = dict(Edition.objects.values_list("year", "imported_at"))
    scores = [
        dataclasses.replace(s, egdi=0.5) if (s.iso3, s.year) == ("DNK", 2022) else s
        for s in dataset.scores
    ]
    # when
    result = actions.indices_import(dataset=dataclasses.replace(dataset, scores=scores))
    # then
    assert (result.created, result.updated, result.removed) == (0, 1, 0)
    assert result.editions_changed == (2022,)
    assert Score.objects.get(country_id="DNK", edition_id=2022).egdi == 0.5
    after = dict(Edition.objects.values_list("year", "imported_at"))
    assert after[2022] > stamps[2022]
    assert after[2024] == stamps[2024]
    assert AuditEntry.objects.filter(verb="indices.import").count() == 2


def test_a_dropped_row_is_removed_and_a_country_change_touches_every_edition(dataset):
    # given
    actions.indices_import(dataset=dataset)
    countries = dict(dataset.countries)
    countries["DNK"] = dataclasses.replace(countries["DNK"], income=None)
    scores = [s for s in dataset.scores if (s.iso3, s.year) != ("SSD", 2005)]
    # when
    result = actions.indices_import(
        dataset=dataclasses.replace(dataset, countries=countries, scores=scores)
    )
    # then
    assert (result.created, result.updated, result.removed) == (0, 1, 1)
    assert result.editions_changed == sources.EDITIONS
    assert Country.objects.get(iso3="DNK").income is None
    assert not Score.objects.filter(country_id="SSD", edition_id=2005).exists()


def test_an_edition_no_longer_in_the_data_is_removed(dataset):
    # given
    actions.indices_import(dataset=dataset)
    scores = [s for s in dataset.scores if s.year != 2005]
    # when
    result = actions.indices_import(dataset=dataclasses.replace(dataset, scores=scores))
    # then
    assert (result.created, result.updated, result.removed) == (0, 0, 193)
    assert result.editions_changed == (2005,)
    assert not Edition.objects.filter(year=2005).exists()
    assert Score.objects.count() == 193 * 9
