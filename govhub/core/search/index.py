"""Keeping the index: apps put and delete their objects inside their own write's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

from django.db import transaction

from govhub.core.search.backends import backend
from govhub.core.search.models import SearchEntry
from govhub.core.search.registry import KINDS, SearchDocument, search_kind

BATCH = 1000


def search_put(kind: str, document: SearchDocument) -> None:
    """Index (or re-index) one object; call it in the action that writes the object."""
    backend().put(kind, [document])


def search_visibility(kind: str, object_id: int, organisation_id: int | None) -> None:
    """Change only who may find an indexed object (None: everyone), without indexing its
    texts again: one update, for a write that makes an object public."""
    SearchEntry.objects.filter(kind=kind, object_id=object_id).update(
        organisation_id=organisation_id
    )


def search_delete(kind: str, object_id: int) -> None:
    """Take one object out of the index (in the action that deletes or hides it)."""
    SearchEntry.objects.filter(kind=kind, object_id=object_id).delete()


def search_index_bulk(kind: str, documents: Iterable[SearchDocument]) -> int:
    """Index many objects of one kind, 1,000 to a statement (bulk loaders, migrations);
    returns how many. Objects already indexed are replaced."""
    engine = backend()
    count = 0
    it = iter(documents)
    while batch := list(islice(it, BATCH)):
        engine.put(kind, batch)
        count += len(batch)
    return count


def search_reindex(kind: str | None = None) -> dict[str, int]:
    """Rebuild the index of one kind (or of every registered kind) from the objects
    themselves, in one transaction per kind; returns the count indexed per kind."""
    names = [search_kind(kind).name] if kind else sorted(KINDS)
    counts = {}
    for name in names:
        with transaction.atomic():
            SearchEntry.objects.filter(kind=name).delete()
            counts[name] = search_index_bulk(name, KINDS[name].documents())
    return counts
