"""The programme lists flat in the data size (issue 10): the API and the pages page by cursor,
the page after the thousandth row costs what the first does, and reading the model versions
never scans programmes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import signed_in_client
from govhub.core.paging import Keyset
from govhub.organisations.tests.factories import MembershipFactory, OrganisationFactory
from govhub.programmes import queries
from govhub.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

NEXT = re.compile(r'href="\?([^"]*)" rel="next"')
PREVIOUS = re.compile(r'href="\?([^"]*)" rel="prev"')


def test_the_api_walks_every_programme_once_by_cursor(api_client):
    # given: seven public programmes
    made = [ProgrammeFactory(current_step=2).pk for _ in range(7)]
    # when
    seen, cursor, counts = [], "", []
    while True:
        body = api_client.get("/programmes", page_size=3, cursor=cursor).json()
        seen += [p["id"] for p in body["items"]]
        counts.append((body["count"], body["count_exact"]))
        cursor = body["next_cursor"]
        if not cursor:
            break
    # then: newest first, each once; the old page numbers still reach the same rows
    assert seen == made[::-1]
    assert counts == [(7, True)] * 3
    second = api_client.get("/programmes", page=2, page_size=3).json()
    assert [p["id"] for p in second["items"]] == seen[3:6]
    assert second["next_cursor"]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({"cursor": "not-a-cursor"}, "invalid_cursor"),
        ({"cursor": "W10:Zm9yZ2Vk"}, "invalid_cursor"),
        ({"cursor": "x", "page": 2}, "cursor_and_page"),
        ({"page": 300, "page_size": 50}, "page_too_deep"),
    ],
)
def test_a_bad_place_in_the_list_is_a_400_with_its_code(api_client, query, code):
    # given
    ProgrammeFactory(current_step=2)
    # when
    response = api_client.get("/programmes", **query)
    # then
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


def test_a_cursor_of_the_organisation_list_is_refused_by_the_programme_list(api_client):
    # given
    OrganisationFactory.create_batch(3)
    ProgrammeFactory(current_step=2)
    cursor = api_client.get("/organisations", page_size=1).json()["next_cursor"]
    # when
    response = api_client.get("/programmes", cursor=cursor)
    # then
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_cursor"


def _get(client: Client, path: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_the_list_page_goes_next_and_back_at_the_same_cost():
    # given: 60 public programmes (25 a page)
    for _ in range(60):
        ProgrammeFactory(current_step=3)
    client = Client()
    # when
    first_cost, first = _get(client, "/programmes/?status=active")
    second_cost, second = _get(client, "/programmes/?" + _link(NEXT, first))
    third_cost, third = _get(client, "/programmes/?" + _link(NEXT, second))
    back_cost, back = _get(client, "/programmes/?" + _link(PREVIOUS, second))
    # then: the filter kept, no link past either end, every row once
    assert first_cost == second_cost == third_cost == back_cost
    assert _link(NEXT, first).startswith("status=active&after=")
    assert PREVIOUS.search(first) is None
    assert NEXT.search(third) is None
    assert _ids(back) == _ids(first)
    assert len(set(_ids(first) + _ids(second) + _ids(third))) == 60
    assert "60 programmes found" in first


def _link(pattern: re.Pattern[str], html: str) -> str:
    found = pattern.search(html)
    assert found is not None
    return found[1].replace("&amp;", "&")


def _ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="/programmes/(\d+)/"', html)]


def test_a_bad_cursor_on_the_list_page_shows_the_first_page():
    ProgrammeFactory(current_step=3, title="The only one")
    response = Client().get("/programmes/", {"after": "nonsense"})
    assert response.status_code == 200
    assert "The only one" in response.content.decode()


def test_my_organisations_work_pages_by_cursor_with_the_ones_to_act_on_first():
    # given: a business that initiated 30 programmes (25 a page)
    org = OrganisationFactory(kind="business", subtype="small")
    person = MembershipFactory(organisation=org).user
    own = [ProgrammeFactory(current_step=1, initiator=org).pk for _ in range(30)]
    client = signed_in_client(person)
    # when
    _cost, first = _get(client, "/programmes/mine/")
    _cost, second = _get(client, "/programmes/mine/?" + _link(NEXT, first))
    # then: every one of its 30 programmes once, over two pages
    ids = _ids(first) + _ids(second)
    assert sorted(ids) == sorted(own)


def test_the_model_versions_are_read_without_reading_programmes():
    # given
    ProgrammeFactory.create_batch(3, current_step=2)
    # when
    with CaptureQueriesContext(connection) as ctx:
        models = queries.models_by_version()
    # then
    assert list(models) == [ProgrammeFactory.build().model_version]
    assert not [q for q in ctx.captured_queries if "programmes_programme" in q["sql"]]


def _plan(queryset: Any) -> str:
    """The PostgreSQL plan of a page of `queryset`, with scans and sorts priced out: whether an
    index can serve the filter and the ordering, whatever the size of the test's tables (a
    sort still shows where no index gives the order)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plans")
@pytest.mark.parametrize(
    ("filters", "index"),
    [
        ({}, "prog_list"),
        ({"status": "closed"}, "prog_list_status"),
        ({"step": 3}, "prog_list_step"),
    ],
)
def test_each_list_filter_reads_its_index_in_order_on_postgresql(filters, index):
    # given
    ProgrammeFactory.create_batch(3, current_step=3)
    anonymous = AnonymousUser()
    programmes = queries.programme_browse(viewer=anonymous, **filters)
    after = Keyset.of(programmes).beyond([timezone.now(), 10**9])
    # when
    first, deeper = _plan(programmes[:26]), _plan(programmes.filter(after)[:26])
    # then: the index, in its order (no sort), and a deeper page seeks to the cursor
    assert f"Index Scan using {index} on " in first
    assert "Sort" not in first
    assert "Sort" not in deeper
    assert "Index Cond: " in deeper
    assert "created_at <=" in deeper


def test_my_organisations_work_pages_across_its_two_parts_both_ways():
    # given: 20 programmes the business can act on now, and 20 of its own it cannot (closed)
    org = OrganisationFactory(kind="business", subtype="small")
    person = MembershipFactory(organisation=org).user
    act = [ProgrammeFactory(current_step=3).pk for _ in range(20)]
    own = [ProgrammeFactory(current_step=4, status="closed", initiator=org).pk for _ in range(20)]
    client = signed_in_client(person)
    # when: forward over the boundary between the parts, then back
    _cost, first = _get(client, "/programmes/mine/")
    _cost, second = _get(client, "/programmes/mine/?" + _link(NEXT, first))
    _cost, back = _get(client, "/programmes/mine/?" + _link(PREVIOUS, second))
    # then: the ones to act on first (newest first), then its own, each once; back is page 1
    assert _ids(first) == act[::-1] + own[::-1][:5]
    assert _ids(second) == own[::-1][5:]
    assert NEXT.search(second) is None
    assert _ids(back) == _ids(first)
    assert PREVIOUS.search(back) is None
    assert ">40 programmes<" in first


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plans")
def test_each_part_of_my_organisations_work_reads_in_index_order_on_postgresql():
    # given
    org = OrganisationFactory(kind="business", subtype="small")
    person = MembershipFactory(organisation=org).user
    ProgrammeFactory.create_batch(3, current_step=3, initiator=org)
    # when
    plans = [_plan(part[:26]) for part in queries.programme_mine(viewer=person)]
    # then: neither part sorts its rows (the ones to act on first used to sort them all)
    assert all("Sort" not in plan for plan in plans)
