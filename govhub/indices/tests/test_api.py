"""`indices.api`: the self-assessment other apps call with plain arguments."""

from __future__ import annotations

import pytest

from govhub.core.api import InvalidInput, NotFound
from govhub.indices import api, queries
from govhub.indices.sources import Country, Dataset, Score

pytestmark = pytest.mark.django_db


@pytest.fixture
def small() -> None:
    from govhub.indices import actions

    countries = {
        iso3: Country(
            iso3, name, "", "Europe", "Northern Europe", "High income", False, False, False
        )
        for iso3, name in (("AAA", "Alpha"), ("BBB", "Beta"), ("CCC", "Gamma"))
    }
    scores = [
        Score("AAA", 2024, 1, 0.9, None, None, None, None),
        Score("BBB", 2024, 2, 0.6, None, None, None, None),
        Score("CCC", 2024, None, None, None, None, None, None),
    ]
    actions.indices_import(dataset=Dataset(countries=countries, scores=scores, unmatched=[]))


def test_self_assess_ranks_among_the_published_egdi_of_the_edition(small):
    # when
    result = api.self_assess(year=2024, osi=0.7, hci=0.7, tii=0.7)
    # then
    assert isinstance(result, api.SelfAssessment)
    assert result.egdi == pytest.approx(0.7)
    assert (result.rank, result.out_of, result.group) == (2, 3, "high")
    assert queries.published_egdi(2024) == {"AAA": 0.9, "BBB": 0.6}


def test_self_assess_from_raw_hci_values(small):
    # when
    result = api.self_assess(
        year=2024,
        osi=0.5,
        tii=0.5,
        hci_raw={
            "adult_literacy": 90,
            "gross_enrolment": 90,
            "expected_schooling": 18,
            "mean_schooling": 15,
        },
    )
    # then
    assert result.hci == pytest.approx(0.9 / 3 + 2 / 9 * (0.9 + 1 + 1))
    assert result.notes[0].startswith("HCI not normalised")


@pytest.mark.parametrize(
    ("kwargs", "error", "code"),
    [
        ({"osi": 0.5}, InvalidInput, "insufficient_input"),
        ({"year": 2023, "osi": 0.5, "hci": 0.5, "tii": 0.5}, NotFound, "edition_not_found"),
        ({"osi": 2.0, "hci": 0.5, "tii": 0.5}, InvalidInput, "invalid_self_assessment"),
        (
            {"osi": 0.5, "tii": 0.5, "hci_components": {}, "hci_raw": {}},
            InvalidInput,
            "invalid_self_assessment",
        ),
        ({"osi": 0.5, "tii": 0.5, "hci_raw": {"x": 1.0}}, InvalidInput, "invalid_self_assessment"),
    ],
)
def test_self_assess_refuses_with_a_domain_error(small, kwargs, error, code):
    with pytest.raises(error) as info:
        api.self_assess(**{"year": 2024, **kwargs})
    assert info.value.code == code


def test_a_refusal_never_echoes_an_unbounded_input(small):
    # given: 10,000 made-up stage names, which compute lists in its message
    stages = {f"stage-{i}": 1 for i in range(10_000)}
    # when
    with pytest.raises(InvalidInput) as info:
        api.self_assess(year=2024, hci=0.5, tii=0.5, stage_counts=stages, stage_maxima=dict(stages))
    # then
    assert info.value.code == "invalid_self_assessment"
    assert len(info.value.message) <= api.MESSAGE_LIMIT
    assert info.value.message.startswith("unknown stages ['stage-0', ")
    assert info.value.message.endswith("…")
