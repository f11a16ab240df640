"""Cached pages change at once, on every node, when what they show changes: an organisation
renamed through its action, a decision on a programme or on its next cycle. A hit reads its
version by primary key (govhub.core.versions)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from govhub.accounts.tests.factories import UserFactory
from govhub.organisations.actions import organisation_update
from govhub.organisations.tests.factories import MembershipFactory, OrganisationFactory
from govhub.programmes.models import Contribution, Programme
from govhub.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/5"  # this suite's own database, emptied before and after
LOCMEM = "django.core.cache.backends.locmem.LocMemCache"


def _redis() -> Any:
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis server at 127.0.0.1:6379")
    return client


@pytest.fixture
def nodes(request, settings) -> Any:
    """Switch the process between the caches of two web nodes: separate local-memory caches,
    or one Redis that both share."""

    def use(node: str) -> None:
        if request.param == "redis":
            page = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        else:
            page = {"BACKEND": LOCMEM, "LOCATION": f"node-{node}"}
        settings.CACHES = {**settings.CACHES, "default": page, "pages": page}

    if request.param == "redis":
        client = _redis()
        client.flushdb()
        yield use
        client.flushdb()
        client.close()
    else:
        yield use


def _public_programme_naming(organisation: Any) -> Programme:
    programme = ProgrammeFactory(current_step=3, title="Clean water")
    Contribution.objects.create(
        programme=programme,
        step=3,
        type="evidence",
        title="A note",
        visibility="public",
        organisation=organisation,
        author=UserFactory(),
    )
    return programme


def _page(path: str) -> str:
    response = Client().get(path)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("nodes", ["two-local-memory-caches", "redis"], indirect=True)
def test_a_rename_on_one_node_changes_every_cached_page_naming_it_on_every_node(
    nodes, staff, django_capture_on_commit_callbacks
):
    # given: the directory and a programme page naming the organisation, cached on two nodes
    water = OrganisationFactory(kind="ministry_agency", name="Ministry of Water")
    programme = _public_programme_naming(water)
    pages = ("/organisations/", f"/programmes/{programme.pk}/")
    for node in ("a", "b"):
        nodes(node)
        for path in pages:
            assert "Ministry of Water" in _page(path)
            assert "Ministry of Water" in _page(path)  # now a hit
    # when: node a renames it through the organisations action
    nodes("a")
    with django_capture_on_commit_callbacks(execute=True):
        organisation_update(
            actor=staff, organisation_id=water.pk, changes={"name": "Ministry of Rivers"}
        )
    # then: every page on every node shows the new name at once
    for node in ("a", "b"):
        nodes(node)
        for path in pages:
            shown = _page(path)
            assert "Ministry of Rivers" in shown
            assert "Ministry of Water" not in shown


def test_a_programme_page_hit_reads_one_row_by_primary_key():
    # given: a cached programme page
    programme = _public_programme_naming(OrganisationFactory(kind="ministry_agency"))
    _page(f"/programmes/{programme.pk}/")
    # when
    with CaptureQueriesContext(connection) as hit:
        _page(f"/programmes/{programme.pk}/")
    # then: one query, no aggregate over contributions or organisations
    assert len(hit.captured_queries) == 1
    sql = hit.captured_queries[0]["sql"].upper()
    assert "COUNT(" not in sql
    assert "MAX(" not in sql
    assert "CONTRIBUTION" not in sql


def test_a_directory_hit_reads_one_version_row():
    OrganisationFactory(kind="cso", subtype="ngo")
    _page("/organisations/")
    with CaptureQueriesContext(connection) as hit:
        _page("/organisations/")
    assert len(hit.captured_queries) == 1
    assert "core_dataversion" in hit.captured_queries[0]["sql"]
    assert "COUNT(" not in hit.captured_queries[0]["sql"].upper()


def test_a_decision_on_the_next_cycle_changes_the_previous_cycles_page(
    api_client, django_capture_on_commit_callbacks
):
    # given: a closed programme and its next cycle at step 1 (not public yet), page cached
    earlier = ProgrammeFactory(current_step=10, status="closed", title="Care at home")
    province = OrganisationFactory(kind="local_body")
    person = MembershipFactory(organisation=province).user
    successor = ProgrammeFactory(
        current_step=1, title="Care at home, again", previous_cycle=earlier
    )
    Contribution.objects.create(
        programme=successor, step=1, type="problem", organisation=province, author=person
    )
    assert "Care at home, again" not in _page(f"/programmes/{earlier.pk}/")
    # when: the next cycle advances to step 2 through the API
    with django_capture_on_commit_callbacks(execute=True):
        moved = api_client.as_user(person).send(
            "POST", f"/programmes/{successor.pk}/advance", {"expected_step": 1}
        )
    assert moved.status_code == 200
    # then: the earlier cycle's page links to it at once
    assert "Care at home, again" in _page(f"/programmes/{earlier.pk}/")


def test_a_contribution_changes_the_page_once_committed(
    django_capture_on_commit_callbacks,
):
    from govhub.core.api import versions_read
    from govhub.programmes.actions import contribution_add
    from govhub.programmes.versions import programme_version_name

    # given: a step-1 programme and a person of a body that takes part at step 1
    province = OrganisationFactory(kind="local_body")
    person = MembershipFactory(organisation=province).user
    programme = ProgrammeFactory(current_step=1)
    name = programme_version_name(programme.pk)
    before = versions_read(name)
    # when: the body adds a problem statement
    with django_capture_on_commit_callbacks() as callbacks:
        contribution_add(
            actor=person,
            programme_id=programme.pk,
            organisation_id=province.pk,
            payload={"type": "problem", "title": "Floods", "data": {}},
        )
        # then: the version does not change before the commit ...
        assert versions_read(name) == before
    for callback in callbacks:
        callback()
    # ... and does after it
    assert versions_read(name) != before
