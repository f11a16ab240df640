"""Keyset paging (core.paging): every row once, either way, whatever the ties; cursors that
cannot be forged or carried to another list; counts bounded in what they read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from govhub.core.models import AuditEntry
from govhub.core.paging import (
    InvalidCursor,
    chained_list_page,
    cheap_count,
    keyset_page,
    list_page,
    list_query,
)
from govhub.organisations.models import Organisation
from govhub.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _walk_forwards(queryset, size):
    pages, cursor = [], ""
    while True:
        page = keyset_page(queryset, after=cursor, size=size)
        pages.append(page)
        cursor = page.next_cursor
        if not cursor:
            return pages


def test_pages_walk_every_row_once_forwards_and_back_despite_ties():
    # given: 23 organisations, in groups sharing a name (the ordering's ties fall on the id)
    for n in range(23):
        OrganisationFactory(name=f"Name {n % 4}")
    organisations = Organisation.objects.order_by("name", "id")
    # when
    pages = _walk_forwards(organisations, 5)
    back, cursor = [pages[-1]], pages[-1].previous_cursor
    while cursor:
        back.append(keyset_page(organisations, before=cursor, size=5))
        cursor = back[-1].previous_cursor
    # then
    assert [o.pk for p in pages for o in p.items] == [o.pk for o in organisations]
    assert [len(p.items) for p in pages] == [5, 5, 5, 5, 3]
    assert [[o.pk for o in p.items] for p in back] == [[o.pk for o in p.items] for p in pages][::-1]
    assert pages[0].previous_cursor == ""
    assert back[-1].previous_cursor == ""


def test_a_descending_ordering_on_a_time_and_a_unique_field_pages_without_gaps():
    # given: audit entries, three at each moment
    now = timezone.now()
    for n in range(9):
        AuditEntry.objects.create(
            sequence=n + 1,
            created_at=now - timedelta(seconds=n // 3),
            verb="test",
            prev_hash="0",
            entry_hash=f"h{n}",
        )
    entries = AuditEntry.objects.order_by("-created_at", "-sequence")
    # when
    pages = _walk_forwards(entries, 2)
    # then
    assert [e.sequence for p in pages for e in p.items] == [3, 2, 1, 6, 5, 4, 9, 8, 7]


def test_a_step_back_to_the_start_shows_a_full_first_page():
    # given: a cursor one row into the list
    for n in range(6):
        OrganisationFactory(name=f"Org {n}")
    organisations = Organisation.objects.order_by("name", "id")
    second = keyset_page(organisations, after=keyset_page(organisations, size=1).next_cursor)
    # when
    back = keyset_page(organisations, before=second.previous_cursor, size=4)
    # then: not one lone row, but the first four
    assert [o.name for o in back.items] == ["Org 0", "Org 1", "Org 2", "Org 3"]
    assert back.previous_cursor == ""


@pytest.mark.parametrize(
    "cursor",
    ["garbage", "W10:x", "a" * 201, "", "forged"],
)
def test_a_cursor_not_given_by_this_list_is_refused(cursor):
    # given: a real cursor of another list, and one altered by a character
    OrganisationFactory.create_batch(3)
    by_name = Organisation.objects.order_by("name", "id")
    real = keyset_page(by_name, size=1).next_cursor
    other_list = keyset_page(Organisation.objects.order_by("-id"), size=1).next_cursor
    cases = {"": other_list, "forged": real[:-1] + ("A" if real[-1] != "A" else "B")}
    # when / then
    with pytest.raises(InvalidCursor) as caught:
        keyset_page(by_name, after=cases.get(cursor, cursor))
    assert caught.value.code == "invalid_cursor"
    assert caught.value.status == 400


def test_an_ordering_that_does_not_end_on_a_unique_field_cannot_page():
    with pytest.raises(ValueError, match="unique"):
        keyset_page(Organisation.objects.order_by("name"))


def test_a_count_is_exact_up_to_its_limit_and_bounded_past_it():
    # given
    OrganisationFactory.create_batch(5)
    organisations = Organisation.objects.all()
    # when
    under, over = cheap_count(organisations, limit=5), cheap_count(organisations, limit=3)
    # then: past the limit, at least limit + 1 (the planner's estimate on PostgreSQL)
    assert (under.value, under.exact) == (5, True)
    assert over.exact is False
    assert over.value >= 4


def test_a_web_list_shows_the_first_page_for_a_bad_cursor_and_keeps_its_filters():
    # given
    OrganisationFactory.create_batch(3)
    from django.http import QueryDict

    params = QueryDict("sector=business&after=nonsense&page=3")
    # when
    page = list_page(Organisation.objects.order_by("name", "id"), params, 2)
    # then
    assert len(page.object_list) == 2
    assert page.next_cursor
    assert not page.previous_cursor
    assert (page.count, page.count_exact) == (3, True)
    assert list_query(params) == "sector=business"


def test_a_chained_list_walks_its_parts_in_turn_both_ways_whatever_the_page_size():
    # given: two parts of one list (names A* then B*), 7 and 4 rows
    for n in range(7):
        OrganisationFactory(name=f"A{n}")
    for n in range(4):
        OrganisationFactory(name=f"B{n}")
    ordered = Organisation.objects.order_by("name", "id")
    parts = [ordered.filter(name__startswith="A"), ordered.filter(name__startswith="B")]
    for size in (1, 3, 7, 11, 20):
        # when: forwards to the end, then back to the start
        pages: list[list[str]] = []
        params: dict[str, str] | None = {}
        while params is not None:
            page = chained_list_page(parts, params, size)
            pages.append([o.name for o in page.object_list])
            params = {"after": page.next_cursor} if page.next_cursor else None
        back: list[list[str]] = []
        params = {"before": page.previous_cursor} if page.previous_cursor else None
        while params:
            page = chained_list_page(parts, params, size)
            back.append([o.name for o in page.object_list])
            params = {"before": page.previous_cursor} if page.previous_cursor else None
        # then: every row once, in order; back retraces the same pages (the first full)
        assert [name for page in pages for name in page] == [
            *(f"A{n}" for n in range(7)),
            *(f"B{n}" for n in range(4)),
        ]
        assert back == pages[:-1][::-1]
        assert page.count == 11
        assert page.count_exact


@pytest.mark.parametrize("cursor", ["2.x", "x.y", "1", "-1.abc"])
def test_a_chained_list_shows_its_first_page_for_a_cursor_it_did_not_give(cursor):
    OrganisationFactory(name="A1")
    ordered = Organisation.objects.order_by("name", "id")
    page = chained_list_page([ordered, ordered.none()], {"after": cursor}, 5)
    assert [o.name for o in page.object_list] == ["A1"]
    assert page.previous_cursor == ""
