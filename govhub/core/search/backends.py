"""The full-text engines behind one interface: PostgreSQL (tsvector, GIN, ts_rank_cd) and
SQLite (FTS5, bm25). Each turns the same query words into its own syntax, so no user input
ever reaches either database's query language (docs/adr/0019-search.md)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from govhub.core.search.registry import SearchDocument
from govhub.core.search.text import fold

TABLE = "core_searchentry"
FTS = "core_search_fts"
TITLE_LIMIT = 4_000
BODY_LIMIT = 100_000
# Stemming by language (PostgreSQL has no Persian or Pashto stemmer: Dari and Pashto are
# indexed word for word, by 'simple'). Languages not listed are indexed by 'simple' too.
CONFIGS = {"en": "english", "ru": "russian"}
QUERY_CONFIGS = ("english", "russian", "simple")
MARK, UNMARK = "\ue000", "\ue001"  # around matched words in a snippet (never in text)


def config_of(language: str) -> str:
    """The PostgreSQL text search configuration for a language code ("fa-af" → simple)."""
    return CONFIGS.get(language.lower().split("-")[0], "simple")


def joined(texts: Any, limit: int) -> str:
    return fold("\n".join(t for t in texts if t))[:limit].replace(MARK, "").replace(UNMARK, "")


def script_config(word: str) -> str:
    """How a query word is stemmed: by its script (Latin: English, Cyrillic: Russian, other
    scripts word for word). The index holds every text under its own language's rules, and
    text of unknown language under all of them, so each word meets its own forms."""
    if word.isascii():
        return "english"
    if any("\u0400" <= char <= "\u04ff" for char in word):
        return "russian"
    return "simple"


def _under(language: str, config: str) -> bool:
    """Text in `language` is indexed under `config`; text of no known language under all."""
    return not language or config_of(language) == config


@dataclass(frozen=True)
class Query:
    """The query words (the last one a prefix, for as-you-type) and where to look."""

    words: Sequence[str]
    titles_only: bool = False


class Backend:
    vendor: ClassVar[str]
    # Ends a subquery of many matches so that it runs first, once (see `search_condition`).
    fence: ClassVar[str] = ""

    def put(self, kind: str, documents: Sequence[SearchDocument]) -> None:
        raise NotImplementedError

    def match_sql(self, query: Query) -> tuple[str, str, list[Any]]:
        """(FROM clause giving rows `e` of the index, condition, parameters) for a query."""
        raise NotImplementedError

    def rank_sql(self) -> str:
        raise NotImplementedError

    def snippets(self, query: Query, ids: Sequence[int], language: str) -> dict[int, str]:
        raise NotImplementedError


class PostgresBackend(Backend):
    vendor = "postgresql"
    fence = " OFFSET 0"

    def put(self, kind: str, documents: Sequence[SearchDocument]) -> None:
        vectors = " || ".join(
            f"setweight(to_tsvector('{config}', %s), 'A') || "
            f"setweight(to_tsvector('{config}', %s), 'D')"
            for config in QUERY_CONFIGS
        )
        sql = (
            f"INSERT INTO {TABLE} (kind, object_id, organisation_id, title, body, vector) "  # noqa: S608
            f"VALUES (%s, %s, %s, %s, %s, {vectors}) ON CONFLICT (kind, object_id) DO UPDATE "
            "SET organisation_id = EXCLUDED.organisation_id, title = EXCLUDED.title, "
            "body = EXCLUDED.body, vector = EXCLUDED.vector"
        )
        rows = []
        for doc in documents:
            row: list[Any] = [
                kind,
                doc.object_id,
                doc.organisation_id,
                joined(doc.title.values(), TITLE_LIMIT),
                joined(doc.body.values(), BODY_LIMIT),
            ]
            for config in QUERY_CONFIGS:
                for texts, limit in ((doc.title, TITLE_LIMIT), (doc.body, BODY_LIMIT)):
                    row.append(
                        joined((t for lang, t in texts.items() if _under(lang, config)), limit)
                    )
            rows.append(row)
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)

    def tsquery(self, query: Query) -> tuple[str, list[str]]:
        """One tsquery, each word stemmed by the configuration of its script: an OR over
        every configuration repeats the same words, and PostgreSQL then misjudges how many
        rows match and scans the table instead of the GIN index."""
        weight = "A" if query.titles_only else ""
        *whole, last = query.words
        parts = [(w, f":{weight}" if weight else "") for w in whole] + [(last, f":*{weight}")]
        sql = " && ".join(f"to_tsquery('{script_config(w)}', %s)" for w, _ in parts)
        return f"({sql})", [f"'{w}'{suffix}" for w, suffix in parts]

    def match_sql(self, query: Query) -> tuple[str, str, list[Any]]:
        expression, params = self.tsquery(query)
        return (
            f"{TABLE} e CROSS JOIN (SELECT {expression} AS q) tq",
            "e.vector @@ tq.q",
            params,
        )

    def rank_sql(self) -> str:
        return "ts_rank_cd(e.vector, tq.q)"

    def snippets(self, query: Query, ids: Sequence[int], language: str) -> dict[int, str]:
        expression, params = self.tsquery(query)
        options = f"StartSel={MARK}, StopSel={UNMARK}, MaxWords=24, MinWords=8, MaxFragments=1"
        sql = (
            f"SELECT e.id, ts_headline('{config_of(language)}', e.title || E'\\n' || e.body, "  # noqa: S608
            f"{expression}, %s) FROM {TABLE} e WHERE e.id = ANY(%s)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, options, list(ids)])
            return dict(cursor.fetchall())


class SqliteBackend(Backend):
    vendor = "sqlite"

    def put(self, kind: str, documents: Sequence[SearchDocument]) -> None:
        # Triggers (migration 0010) keep the FTS5 table in step with these rows.
        from govhub.core.search.models import SearchEntry

        ids = [doc.object_id for doc in documents]
        SearchEntry.objects.filter(kind=kind, object_id__in=ids).delete()
        SearchEntry.objects.bulk_create(
            SearchEntry(
                kind=kind,
                object_id=doc.object_id,
                organisation_id=doc.organisation_id,
                title=joined(doc.title.values(), TITLE_LIMIT),
                body=joined(doc.body.values(), BODY_LIMIT),
            )
            for doc in documents
        )

    def fts_query(self, query: Query) -> str:
        # Only letters and digits reach here: quoted, no word is an operator (NEAR, OR, ^).
        *whole, last = query.words
        text = " ".join([*(f'"{w}"' for w in whole), f'"{last}"*'])
        return f"title : ({text})" if query.titles_only else text

    def match_sql(self, query: Query) -> tuple[str, str, list[Any]]:
        return (
            # CROSS JOIN keeps the full-text match as SQLite's outer loop: left to choose, the
            # planner walked the entries and ran the match once per entry (66 s for a common
            # word at 100,000 organisations).
            f"{FTS} CROSS JOIN {TABLE} e ON e.id = {FTS}.rowid",
            f"{FTS} MATCH %s",
            [self.fts_query(query)],
        )

    def rank_sql(self) -> str:
        return f"-bm25({FTS}, 10.0, 1.0)"

    def snippets(self, query: Query, ids: Sequence[int], language: str) -> dict[int, str]:
        marks = ", ".join(["%s"] * len(ids))
        sql = (
            f"SELECT rowid, snippet({FTS}, -1, %s, %s, '…', 24) FROM {FTS} "  # noqa: S608
            f"WHERE {FTS} MATCH %s AND rowid IN ({marks})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [MARK, UNMARK, self.fts_query(query), *ids])
            return dict(cursor.fetchall())


BACKENDS: dict[str, Backend] = {b.vendor: b for b in (PostgresBackend(), SqliteBackend())}


def backend() -> Backend:
    """The engine of the default database."""
    try:
        return BACKENDS[connection.vendor]
    except KeyError:
        raise ImproperlyConfigured(f"Search has no engine for {connection.vendor}.") from None
