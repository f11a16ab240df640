"""Asking the index: ranked hits across kinds, or a filter for an app's own list."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from govhub.core.search.backends import MARK, UNMARK, Query, backend
from govhub.core.search.text import terms
from govhub.core.workflow.registry import memberships_of

M = TypeVar("M", bound=Model)
CURSOR = re.compile(r"^(-?0x[0-9a-f.p+-]{1,40})_(\d{1,19})$")
MAX_LIMIT = 100
FEW = 1000


@dataclass(frozen=True)
class SearchHit:
    kind: str
    object_id: int
    rank: float  # higher is better; comparable only within one search
    snippet: str = ""  # matched words between MARK and UNMARK; "" unless asked for

    @property
    def snippet_html(self) -> SafeString:
        """The snippet, escaped, with the matched words in <mark>."""
        html = escape(self.snippet).replace(MARK, "<mark>").replace(UNMARK, "</mark>")
        return mark_safe(html)  # noqa: S308  (escaped above; only our own tags added)


@dataclass(frozen=True)
class SearchPage:
    hits: list[SearchHit]
    next_cursor: str  # "" on the last page


def _visible(viewer: Any) -> tuple[str, list[int]]:
    """Public entries, and the private ones of the viewer's organisations."""
    ids = sorted({m.organisation_id for m in memberships_of(viewer)}) if viewer else []
    if not ids:
        return "e.organisation_id IS NULL", []
    marks = ", ".join(["%s"] * len(ids))
    return f"(e.organisation_id IS NULL OR e.organisation_id IN ({marks}))", ids


def _kinds(kinds: Sequence[str]) -> tuple[str, list[str]]:
    return f"e.kind IN ({', '.join(['%s'] * len(kinds))})", list(kinds)


def search(
    text: str,
    *,
    kinds: Sequence[str],
    language: str = "",
    viewer: Any = None,
    limit: int = 20,
    cursor: str = "",
    snippets: bool = False,
) -> SearchPage:
    """The best matches for `text` among `kinds` that `viewer` may find, best first.

    Every word must match, in any language an object has; the last word matches as a prefix
    (as-you-type). Any input is safe: only its letters and digits are searched. `cursor`
    comes from the previous page (a malformed one gives the first page). `language` is the
    reader's, for the snippets' word forms.
    """
    words = terms(text)
    if not words or not kinds:
        return SearchPage([], "")
    limit = max(1, min(limit, MAX_LIMIT))
    engine, query = backend(), Query(words)
    source, condition, params = engine.match_sql(query)
    visible, visible_params = _visible(viewer)
    kind_sql, kind_params = _kinds(kinds)
    after: str = ""
    after_params: list[Any] = []
    if after_key := _decode(cursor):
        after = "WHERE rank < %s OR (rank = %s AND id > %s)"
        after_params = [after_key[0], after_key[0], after_key[1]]
    sql = (
        f"SELECT id, kind, object_id, rank FROM (SELECT e.id, e.kind, e.object_id, "  # noqa: S608
        f"{engine.rank_sql()} AS rank FROM {source} WHERE {condition} AND {kind_sql} "
        f"AND {visible}) hits {after} ORDER BY rank DESC, id LIMIT %s"
    )
    with connection.cursor() as db:
        db.execute(sql, [*params, *kind_params, *visible_params, *after_params, limit + 1])
        rows = db.fetchall()
    page, more = rows[:limit], len(rows) > limit
    marked = engine.snippets(query, [r[0] for r in page], language) if snippets and page else {}
    hits = [SearchHit(kind, oid, float(rank), marked.get(pk, "")) for pk, kind, oid, rank in page]
    next_cursor = f"{float(page[-1][3]).hex()}_{page[-1][0]}" if more else ""
    return SearchPage(hits, next_cursor)


def _decode(cursor: str) -> tuple[float, int] | None:
    match = CURSOR.match(cursor or "")
    if not match or int(match[2]) >= 2**63:
        return None
    try:
        return float.fromhex(match[1]), int(match[2])
    except ValueError:
        return None


def search_condition(text: str, *, kind: str, viewer: Any = None, titles_only: bool = False) -> Q:
    """A condition on an object's primary key: it is of `kind` and matches `text` (in the
    same words as `search`), and `viewer` may find it. With `titles_only`, only titles count
    (an organisation's names). Text without a word matches nothing.

    It asks the index first for up to FEW (1,000) matches: when there are no more, the
    condition names them (the database then reads those rows by key); when there are more,
    it is a subquery that runs first, once (on PostgreSQL behind `OFFSET 0`). PostgreSQL
    estimates every prefix at 2 % of the rows; left to choose, it walked the list's order
    probing each row, and took 2.5 s at 100,000 names for a prefix that matched none and
    1.3 s for one whose matches sat together in the middle of the alphabet.
    """
    words = terms(text)
    if not words:
        return Q(pk__in=[])
    engine = backend()
    source, condition, params = engine.match_sql(Query(words, titles_only=titles_only))
    visible, visible_params = _visible(viewer)
    sql = (
        f"SELECT e.object_id FROM {source} WHERE {condition} AND e.kind = %s "  # noqa: S608
        f"AND {visible}"
    )
    params = [*params, kind, *visible_params]
    with connection.cursor() as db:
        db.execute(f"{sql} LIMIT %s", [*params, FEW + 1])
        few = [row[0] for row in db.fetchall()]
    if len(few) <= FEW:
        return Q(pk__in=few)
    # Only our own SQL: the words travel as parameters.
    return Q(pk__in=RawSQL(sql + engine.fence, params))  # noqa: S611


def search_filter(
    queryset: QuerySet[M], text: str, *, kind: str, viewer: Any = None, titles_only: bool = False
) -> QuerySet[M]:
    """`queryset` narrowed to the objects `search_condition` matches, in its own order: for
    a list that keeps its sorting and paging."""
    condition = search_condition(text, kind=kind, viewer=viewer, titles_only=titles_only)
    return queryset.filter(condition)
