from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from govhub.organisations import queries
from govhub.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_list_filters_by_sector_kind_and_name():
    # given
    a = OrganisationFactory(kind="business", subtype="small", name="Alpha Bakery")
    OrganisationFactory(kind="cso", subtype="ngo", name="Beta Union")
    c = OrganisationFactory(kind="local_body", name="Alpha Town", name_translations={"ru": "Альфа"})
    OrganisationFactory(kind="local_body", name="Gone", is_active=False)
    # then
    assert list(queries.organisation_list(sector="business")) == [a]
    assert list(queries.organisation_list(kind="local_body")) == [c]
    assert list(queries.organisation_list(search="alpha")) == [a, c]
    assert list(queries.organisation_list(search="Альфа")) == [c]


def _directory_queries(client: Client, path: str) -> int:
    from django.core.cache import cache

    cache.clear()  # a render, not a hit (factories write without the actions' version bump)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_directory_page_uses_a_constant_number_of_queries():
    # given: a small directory, then one 20 times larger, with parents to join
    parent = OrganisationFactory(kind="local_body", name="Province")
    for _ in range(5):
        OrganisationFactory(kind="local_body", parent=parent)
    client = Client()
    small = _directory_queries(client, "/organisations/")
    for _ in range(100):
        OrganisationFactory(kind="local_body", parent=parent)
    # when
    large = _directory_queries(client, "/organisations/")
    filtered = _directory_queries(client, "/organisations/?sector=government&page=2")
    # then: data version + count + one page of rows (parents joined), whatever the size
    assert small == large == filtered == 3


def test_api_list_uses_a_constant_number_of_queries():
    for _ in range(10):
        OrganisationFactory()
    client = Client()
    with CaptureQueriesContext(connection) as small:
        client.get("/api/v1/organisations")
    for _ in range(60):
        OrganisationFactory(parent=OrganisationFactory(kind="higher_body"))
    with CaptureQueriesContext(connection) as large:
        client.get("/api/v1/organisations")
    assert len(small.captured_queries) == len(large.captured_queries) == 2


def test_list_orders_by_the_name_in_the_readers_language():
    # given
    b = OrganisationFactory(
        kind="cso", subtype="ngo", name="Alpha", name_translations={"ru": "Бета"}
    )
    a = OrganisationFactory(
        kind="cso", subtype="ngo", name="Beta", name_translations={"ru": "Альфа"}
    )
    c = OrganisationFactory(kind="cso", subtype="ngo", name="Gamma")  # no Russian name
    # then
    assert list(queries.organisation_list()) == [b, a, c]
    assert list(queries.organisation_list(language="ru")) == [c, a, b]  # Latin sorts first
    assert list(queries.organisation_list(language="fa-af")) == [b, a, c]  # falls back


def test_anonymous_directory_is_served_from_cache_until_the_data_changes(
    staff, django_capture_on_commit_callbacks
):
    # given: a rendered directory
    org = OrganisationFactory(kind="cso", subtype="ngo", name="Old Name")
    client = Client()
    assert "Old Name" in client.get("/organisations/").content.decode()
    # when: asked again, only the data version is read
    with CaptureQueriesContext(connection) as hit:
        again = client.get("/organisations/")
    assert len(hit.captured_queries) == 1
    assert "Old Name" in again.content.decode()
    # then: an edit changes the version, and the next page shows it
    from govhub.organisations.actions import organisation_update

    with django_capture_on_commit_callbacks(execute=True):
        organisation_update(actor=staff, organisation_id=org.pk, changes={"name": "New Name"})
    fresh = client.get("/organisations/").content.decode()
    assert "New Name" in fresh
    assert "Old Name" not in fresh


def test_signed_in_directory_is_never_cached(user):
    from conftest import signed_in_client

    client = signed_in_client(user)
    client.get("/organisations/")
    with CaptureQueriesContext(connection) as second:
        client.get("/organisations/")
    assert len(second.captured_queries) > 1


def test_directory_cache_key_ignores_junk_but_not_filters():
    OrganisationFactory(kind="cso", subtype="ngo", name="Civic")
    OrganisationFactory(kind="business", subtype="small", name="Shop")
    client = Client()
    assert "Shop" not in client.get("/organisations/?kind=cso").content.decode()
    with CaptureQueriesContext(connection) as junk:
        page = client.get("/organisations/?kind=cso&utm_source=x").content.decode()
    assert len(junk.captured_queries) == 1  # served from the kind=cso copy
    assert "Civic" in page
    assert "Shop" in client.get("/organisations/?kind=business").content.decode()
