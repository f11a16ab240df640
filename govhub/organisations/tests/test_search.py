"""Organisations in search: the directory's q, the REST filter, and the index kept by the
actions (create, rename, deactivate)."""

from __future__ import annotations

import pytest
from django.test import Client

from govhub.core.api import search
from govhub.organisations import actions
from govhub.organisations.data import OrganisationInput
from govhub.organisations.queries import organisation_list
from govhub.organisations.search import KIND
from govhub.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def names(search_text: str) -> list[str]:
    return [o.name for o in organisation_list(search=search_text)]


def test_the_directory_finds_names_by_word_prefix_in_any_translation():
    # given
    OrganisationFactory(
        name="Ministry of Public Health",
        name_translations={"ru": "Министерство здравоохранения", "fa-af": "وزارت صحت عامه"},
    )
    OrganisationFactory(name="Kabul Municipality", kind="local_body")
    OrganisationFactory(name="Health Workers Union", kind="cso", subtype="ngo")
    # when / then: as-you-type, in each language, every word
    assert names("minist") == ["Ministry of Public Health"]
    assert names("health") == ["Health Workers Union", "Ministry of Public Health"]
    assert names("здравоохран") == ["Ministry of Public Health"]
    assert names("صحت") == ["Ministry of Public Health"]
    assert names("kabul muni") == ["Kabul Municipality"]
    assert names("kabul health") == []


def test_the_directory_searches_names_not_descriptions():
    OrganisationFactory(name="Water Board", description="Runs the health clinics' water")
    assert names("health") == []
    assert [h.object_id for h in search("health", kinds=[KIND]).hits] != []


def test_a_search_of_no_words_or_only_nul_keeps_its_old_meaning():
    OrganisationFactory(name="Alpha")
    assert names("\x00") == ["Alpha"]  # blank: no filter
    assert names('"!?') == []  # no word: nothing matches


def test_the_index_follows_create_rename_and_deactivation(staff):
    # given
    created = actions.organisation_create(
        actor=staff, data=OrganisationInput(name="Harbour Office", kind="higher_body")
    )
    assert names("harbour") == ["Harbour Office"]
    # when: renamed, with a Dari name
    actions.organisation_update(
        actor=staff,
        organisation_id=created.pk,
        changes={"name": "Port Authority", "name_translations": {"fa-af": "اداره بندر"}},
    )
    # then
    assert names("harbour") == []
    assert names("port auth") == ["Port Authority"]
    assert names("بندر") == ["Port Authority"]
    # when: no longer active
    actions.organisation_update(
        actor=staff, organisation_id=created.pk, changes={"is_active": False}
    )
    # then: not found, and out of the index
    assert names("port") == []
    assert search("port", kinds=[KIND]).hits == []


@pytest.mark.parametrize("q", ['"', "NEAR(", "a" * 10_000, "x\x00", "'; --", "*"])
def test_hostile_searches_are_answered_on_the_page_and_the_api(api_client, q):
    OrganisationFactory(name="Alpha")
    assert Client().get("/organisations/", {"q": q}).status_code == 200
    response = api_client.get("/organisations", q=q[:100])
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_the_api_filter_finds_by_prefix(api_client):
    OrganisationFactory(name="Ministry of Finance")
    OrganisationFactory(name="Finance Watch", kind="cso", subtype="ngo")
    response = api_client.get("/organisations", q="financ")
    assert [o["name"] for o in response.json()["items"]] == ["Finance Watch", "Ministry of Finance"]
