"""The programme list page for anonymous visitors is cached under the rows it shows: a hit
reads the rows (by an index) but renders nothing, and any change to what the page shows (a
step, a title, an organisation's name, the clock passing a deadline) is seen at once."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from govhub.organisations.actions import organisation_update
from govhub.programmes import views
from govhub.programmes.models import Programme
from govhub.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch) -> list[int]:
    """Counts how often the list's rows are built (once per render of the page)."""
    calls: list[int] = []
    original = views._rows

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(views, "_rows", counted)
    return calls


def _list(client: Client, query: str = "") -> str:
    response = client.get(f"/programmes/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_a_second_anonymous_visit_is_not_rendered_again(renders):
    # given: a public programme, and the page seen once
    ProgrammeFactory(current_step=3, title="Clean water")
    client = Client()
    first = _list(client)
    # when
    second = _list(client)
    # then: the same page, rendered once
    assert "Clean water" in first
    assert second == first
    assert len(renders) == 1


def test_a_step_written_without_any_cache_bump_shows_at_once(renders):
    # given: the page seen with the programme at step 3
    programme = ProgrammeFactory(current_step=3, title="Clean water")
    client = Client()
    assert "3. " in _list(client)
    # when: the row changes the way a gate decision writes it (one UPDATE, nothing else)
    Programme.objects.filter(pk=programme.pk).update(current_step=4)
    page = _list(client)
    # then: the new step, from a new render
    assert "4. " in page
    assert len(renders) == 2


def test_an_initiator_renamed_shows_at_once(staff, django_capture_on_commit_callbacks):
    # given
    programme = ProgrammeFactory(current_step=3)
    organisation_id = programme.initiator_id
    organisation_update(
        actor=staff, organisation_id=organisation_id, changes={"name": "Old Ministry"}
    )
    client = Client()
    assert "Old Ministry" in _list(client)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        organisation_update(
            actor=staff, organisation_id=organisation_id, changes={"name": "New Ministry"}
        )
    page = _list(client)
    # then
    assert "New Ministry" in page
    assert "Old Ministry" not in page


def test_the_overdue_flag_appears_once_the_deadline_passes():
    # given: the page seen before the deadline
    deadline = timezone.now() + dt.timedelta(days=5)
    ProgrammeFactory(current_step=3, deadline=deadline)
    client = Client()
    assert "badge-overdue" not in _list(client)
    # when: the clock passes the deadline, nothing else changing
    with mock.patch("django.utils.timezone.now", return_value=deadline + dt.timedelta(minutes=1)):
        page = _list(client)
    # then
    assert "badge-overdue" in page


def test_filters_have_their_own_copy_and_unknown_parameters_are_never_stored(renders):
    # given
    ProgrammeFactory(current_step=3, title="Clean water", status="active")
    client = Client()
    # when
    closed = _list(client, "?status=closed")
    _list(client, "?status=closed")
    _list(client, "?utm_source=a")
    _list(client, "?utm_source=a")
    # then: the filtered copy rendered once; the junk query rendered each time
    assert "Clean water" not in closed
    assert len(renders) == 3


def test_signed_in_visitors_always_get_a_fresh_render(user, renders):
    from conftest import signed_in_client

    # given
    ProgrammeFactory(current_step=3)
    client = signed_in_client(user)
    # when
    _list(client)
    _list(client)
    # then
    assert len(renders) == 2
