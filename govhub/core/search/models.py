"""The search index: one row per searchable object, whatever its kind.

The full-text part is the database's own: on PostgreSQL a `vector` tsvector column with a
GIN index, on SQLite the FTS5 table `core_search_fts` over `title` and `body`, kept by
triggers. Both are created by migration 0010 for their database only, and are unknown to
the ORM (docs/adr/0019-search.md).
"""

from __future__ import annotations

from django.db import models


class SearchEntry(models.Model):
    kind = models.CharField(max_length=64)
    object_id = models.BigIntegerField()
    # None: public; otherwise found only by the people of this organisation.
    organisation_id = models.BigIntegerField(null=True, blank=True)
    # Every language's text, one per line (snippets; SQLite's FTS5 reads them).
    title = models.TextField(blank=True, default="")
    body = models.TextField(blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="one_search_entry")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"
