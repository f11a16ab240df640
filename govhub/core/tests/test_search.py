"""Search: one index, the same answers on SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

import pytest

from govhub.core.search import (
    SearchDocument,
    search,
    search_put,
)

pytestmark = pytest.mark.django_db
KIND = "tests.thing"


def put(object_id: int, title: str, body: str = "", *, language: str = "en", org=None) -> None:
    search_put(
        KIND,
        SearchDocument(object_id, {language: title}, {language: body} if body else {}, org),
    )


def found(text: str, **kwargs) -> list[int]:
    return [hit.object_id for hit in search(text, kinds=[KIND], **kwargs).hits]


def test_smoke():
    put(1, "Ministry of Public Health", "Hospitals and clinics")
    put(2, "Clinics board", "Ministry oversight")
    assert found("minist") == [1, 2]
    assert found("clinic") == [2, 1]
    page = search("ministry", kinds=[KIND], snippets=True)
    assert page.hits[0].snippet_html
