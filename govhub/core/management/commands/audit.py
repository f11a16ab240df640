"""`govhub audit verify`: check the audit log's hash chain."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govhub.core.audit import audit_verify


class Command(BaseCommand):
    help = "Audit log tools."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        sub.add_parser("verify", help="Check every entry against the hash chain.")

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
        if not result.ok:
            raise CommandError(
                f"audit log broken at entry {result.bad_sequence}: {result.reason} "
                f"({result.checked} entries before it are intact)"
            )
        self.stdout.write(f"audit log intact: {result.checked} entries verified")
