"""Programmes in search: title and summary; a step-1 programme that was never public is
found only by its initiator's people until a transition makes it public."""

from __future__ import annotations

from typing import Any

import pytest

from govhub.core.api import SearchDocument, search, search_put, search_reindex
from govhub.organisations.tests.factories import MembershipFactory, OrganisationFactory
from govhub.programmes import transitions
from govhub.programmes.models import Contribution
from govhub.programmes.search import KIND, programme_search_document
from govhub.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def found(text: str, viewer: Any = None) -> list[int]:
    return [h.object_id for h in search(text, kinds=[KIND], viewer=viewer).hits]


def test_a_step_one_programme_is_found_only_by_its_initiator_until_public():
    # given: indexed by the rebuild that the migration runs
    initiator = OrganisationFactory(kind="local_body")
    own = MembershipFactory(organisation=initiator).user
    outsider = MembershipFactory(organisation=OrganisationFactory(kind="local_body")).user
    hidden = ProgrammeFactory(title="Flood warning", summary="Sirens", initiator=initiator)
    public = ProgrammeFactory(title="Flood defences", current_step=3)
    # when
    search_reindex(KIND)
    # then
    assert sorted(found("flood", own)) == sorted([hidden.pk, public.pk])
    assert found("flood", outsider) == [public.pk]
    assert found("sirens", own) == [hidden.pk]
    assert found("flood") == [public.pk]


def test_the_document_says_who_may_find_it():
    programme = ProgrammeFactory(title="Roads")
    assert programme_search_document(programme).organisation_id == programme.initiator_id
    programme.current_step = 2
    assert programme_search_document(programme).organisation_id is None
    assert programme_search_document(programme).title == {"": "Roads"}


def test_leaving_the_first_step_makes_the_programme_found_by_everyone(
    django_capture_on_commit_callbacks,
):
    # given: at step 1 with its problem stated, indexed as its initiator's private object
    province = OrganisationFactory(kind="local_body")
    person = MembershipFactory(organisation=province).user
    programme = ProgrammeFactory(title="Village hubs", current_step=1)
    Contribution.objects.create(
        programme=programme,
        step=1,
        type="problem",
        organisation=province,
        author=person,
        title="Floods",
    )
    search_put(KIND, SearchDocument(programme.pk, {"": "Village hubs"}, {}, 10**9))
    assert found("village") == []
    # when
    with django_capture_on_commit_callbacks(execute=True):
        transitions.programme_advance(actor=person, programme_id=programme.pk, expected_step=1)
    # then
    assert found("village") == [programme.pk]


def test_a_later_transition_leaves_the_index_alone(django_capture_on_commit_callbacks):
    # given: step 5, an entry that no longer says what the programme is (as a marker)
    programme = ProgrammeFactory(title="Village hubs", current_step=5)
    search_put(KIND, SearchDocument(programme.pk, {"": "Marker"}, {}, None))
    person = MembershipFactory(organisation=OrganisationFactory(kind="ministry_agency")).user
    # when
    with django_capture_on_commit_callbacks(execute=True):
        transitions.programme_advance(actor=person, programme_id=programme.pk, expected_step=5)
    # then: not re-indexed (titles and visibility do not change after the first step)
    assert found("marker") == [programme.pk]
    assert found("village") == []
