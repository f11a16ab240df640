"""`govhub search reindex [--kind K]`: rebuild the search index from the objects themselves."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govhub.core.search import search_reindex
from govhub.core.search.registry import KINDS


class Command(BaseCommand):
    help = "Search tools: rebuild the index of one kind or of every kind."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        reindex = sub.add_parser("reindex", help="Rebuild the index from the objects.")
        reindex.add_argument("--kind", default="", help="one kind, e.g. organisations.organisation")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["kind"]
        if kind and kind not in KINDS:
            raise CommandError(f"Unknown kind {kind!r}; known: {', '.join(sorted(KINDS))}.")
        for name, count in search_reindex(kind or None).items():
            self.stdout.write(f"{name}: {count} indexed")
