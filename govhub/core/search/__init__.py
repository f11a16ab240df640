"""Search: one index for every kind of object, PostgreSQL full text or SQLite FTS5 beneath
(docs/adr/0019-search.md)."""

from govhub.core.search.index import (
    search_delete,
    search_index_bulk,
    search_put,
    search_reindex,
    search_visibility,
)
from govhub.core.search.migration import search_index_operation
from govhub.core.search.query import (
    SearchHit,
    SearchPage,
    search,
    search_condition,
    search_filter,
)
from govhub.core.search.registry import SearchDocument, search_kind_register

__all__ = [
    "SearchDocument",
    "SearchHit",
    "SearchPage",
    "search",
    "search_condition",
    "search_delete",
    "search_filter",
    "search_index_bulk",
    "search_index_operation",
    "search_kind_register",
    "search_put",
    "search_reindex",
    "search_visibility",
]
