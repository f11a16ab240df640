"""`govhub audit verify` and `govhub audit checkpoint`: check and anchor the audit log."""

from __future__ import annotations

import argparse
import datetime
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, close_old_connections, connection

from govhub.core.audit import (
    CheckpointRefused,
    audit_checkpoint,
    audit_keys,
    audit_verify,
    checkpoint_file,
    checkpoints_from_documents,
    checkpoints_from_file,
)
from govhub.core.errors import DomainError


class Command(BaseCommand):
    help = "Audit log tools: verify the chain against its checkpoints, write a checkpoint."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        verify = sub.add_parser(
            "verify",
            help="Check every entry's HMAC and link, the head, and the checkpoints (the file's "
            "and the published AUD documents').",
        )
        verify.add_argument(
            "--checkpoints",
            type=Path,
            help="the checkpoint file (default: GOVHUB_AUDIT_CHECKPOINT_FILE)",
        )
        verify.add_argument(
            "--no-documents",
            action="store_true",
            help="do not compare with the checkpoints published as documents",
        )
        checkpoint = sub.add_parser(
            "checkpoint",
            help="Verify the entries since the last checkpoint, append the head's checkpoint to "
            "the checkpoint file and print it.",
        )
        checkpoint.add_argument("--file", type=Path, help="default: GOVHUB_AUDIT_CHECKPOINT_FILE")
        checkpoint.add_argument(
            "--publish",
            action="store_true",
            help="also publish the checkpoint as a signed document (series AUD)",
        )
        checkpoint.add_argument(
            "--publish-every",
            type=int,
            metavar="SECONDS",
            help="publish it when the last published checkpoint is older than this",
        )
        checkpoint.add_argument(
            "--every",
            type=int,
            metavar="SECONDS",
            help="keep running, writing a checkpoint every SECONDS (for hosts without cron)",
        )
        checkpoint.add_argument("--rounds", type=int, default=0, help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            audit_keys()  # a missing or unusable key is reported before anything is read
            if options["verb"] == "checkpoint":
                self._checkpoint(options)
            else:
                self._verify(options)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:  # the checkpoint file cannot be read or written
            raise CommandError(f"checkpoint file: {exc}") from exc

    def _verify(self, options: dict[str, Any]) -> None:
        path = options["checkpoints"] or checkpoint_file()
        from_file = checkpoints_from_file(path)
        from_documents = [] if options["no_documents"] else checkpoints_from_documents()
        result = audit_verify(checkpoints=[*from_file, *from_documents])
        if not result.ok and result.kind == "checkpoint":
            raise CommandError(f"audit log does not match its checkpoints: {result.reason}")
        if not result.ok:
            raise CommandError(
                f"audit log broken at entry {result.bad_sequence}: {result.reason} "
                f"({result.checked} entries before it are intact)"
            )
        unkeyed = (
            f", the first {result.unkeyed} made before the log was keyed" if result.unkeyed else ""
        )
        self.stdout.write(
            f"audit log intact: {result.checked} entries verified{unkeyed}; "
            f"{len(from_file)} checkpoints from {path} and {len(from_documents)} published "
            "checkpoints match"
        )

    def _checkpoint(self, options: dict[str, Any]) -> None:
        every: int | None = options["every"]
        publish_every = options["publish_every"]
        rounds = 0
        while True:
            if not connection.in_atomic_block:
                # A long-running loop drops a connection the database has closed; never
                # one inside a transaction (closing it there would break the transaction).
                close_old_connections()
            try:
                self._checkpoint_once(
                    options["file"],
                    publish=options["publish"],
                    publish_every=(
                        datetime.timedelta(seconds=publish_every) if publish_every else None
                    ),
                )
            except CheckpointRefused as exc:
                message = f"no checkpoint written: the audit log is not intact ({exc})"
                if not every:
                    raise CommandError(message) from exc
                self.stderr.write(message)  # keep watching: an alert per round until fixed
            except (OSError, DatabaseError, DomainError) as exc:
                if not every:
                    raise
                # A file or database briefly out of reach (or a document that could not be
                # issued) must not end the loop that anchors the log.
                self.stderr.write(f"no checkpoint written this round: {exc}")
            rounds += 1
            if not every or rounds == options["rounds"]:
                return
            time.sleep(every)

    def _checkpoint_once(
        self, path: Path | None, *, publish: bool, publish_every: datetime.timedelta | None
    ) -> None:
        outcome = audit_checkpoint(path=path, publish=publish, publish_every=publish_every)
        self.stdout.write(outcome.checkpoint.line())
        sequence = outcome.checkpoint.sequence
        if outcome.written:
            self.stderr.write(f"checkpoint of entry {sequence} appended to {outcome.path}")
        else:
            self.stderr.write(f"no new entries since the last checkpoint (entry {sequence})")
        if outcome.document_number:
            self.stderr.write(f"published as {outcome.document_number}")
        self.stdout.flush()  # one line a round, seen at once when piped
