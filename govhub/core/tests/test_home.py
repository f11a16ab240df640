"""The home page says what the platform does today, and what comes next without promises."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _sections(body: str) -> tuple[str, str]:
    today, _, rest = body.partition("<h2>What comes next</h2>")
    return today, rest.partition("</main>")[0]


def test_the_home_page_links_everything_that_is_there_today():
    # when
    body = Client().get("/").content.decode()
    today, _next = _sections(body)
    # then
    for link in (
        'href="/programmes/"',
        'href="/programmes/analytics/"',
        'href="/organisations/"',
        'href="/indices/"',
        'href="/indices/ranking/"',
        'href="/documents/"',
        'href="/api/v1/docs"',
        'href="/source/"',
    ):
        assert link in today, link
    assert "Register of issued documents" in today
    assert "UN E-Government Survey indices" in today


def test_what_comes_next_lists_only_what_is_not_built_and_promises_no_dates():
    # when
    _today, coming = _sections(Client().get("/").content.decode())
    # then
    assert "Online public services" in coming
    assert "open data portal" in coming
    assert "indices" not in coming  # built: the map, rankings and profiles are there today
    assert "no dates are promised" in coming
