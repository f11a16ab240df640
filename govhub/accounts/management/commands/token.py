"""`govhub token create --user EMAIL [--name NAME]`: print a new API token."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govhub.accounts.actions import token_create
from govhub.accounts.queries import user_by_email
from govhub.core.api import DomainError


class Command(BaseCommand):
    help = "Manage personal API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="Create a token and print it once.")
        create.add_argument("--user", required=True, help="The person's email address.")
        create.add_argument("--name", default="command line", help="What the token is for.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_by_email(options["user"])
        if user is None:
            raise CommandError(f"No person with the email address {options['user']!r}.")
        try:
            issued = token_create(actor=user, user=user, name=options["name"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(issued.secret)
        if issued.expires_at is not None:  # on stderr: scripts read the secret from stdout
            self.stderr.write(f"expires {issued.expires_at:%Y-%m-%d %H:%M} UTC")
