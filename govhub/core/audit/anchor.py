"""Anchoring the audit log: check what was added since the last checkpoint, then record the
head outside the database (the checkpoint file) and, when asked, publish it as a document."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from govhub.core.audit.checkpoints import (
    Checkpoint,
    checkpoint_file,
    checkpoint_file_append,
    checkpoint_file_last,
    checkpoint_last_published,
    checkpoint_mac_problem,
    checkpoint_make,
    checkpoint_publish,
)
from govhub.core.audit.keys import audit_keys
from govhub.core.audit.verify import walk_chain


class CheckpointRefused(Exception):
    """The log (or the last checkpoint) is not intact: anchoring it would vouch for a forgery."""


@dataclass(frozen=True)
class CheckpointOutcome:
    """The head's checkpoint, whether it was appended (False: the head had not moved since
    the last one), and the number of the document it was published as, if it was."""

    checkpoint: Checkpoint
    written: bool
    path: Path
    document_number: str = ""


def audit_checkpoint(
    *,
    path: Path | None = None,
    publish: bool = False,
    publish_every: datetime.timedelta | None = None,
) -> CheckpointOutcome:
    """Verify the entries since the file's last checkpoint, then append the head's checkpoint;
    publish it as a signed AUD document if `publish`, or if the last one is older than
    `publish_every`. Raises CheckpointRefused when the log does not extend the last one."""
    keys = audit_keys()
    path = path or checkpoint_file()
    last = checkpoint_file_last(path)
    if last is not None:
        problem = checkpoint_mac_problem(last, keys)
        if problem:
            raise CheckpointRefused(problem)
    walked = walk_chain(keys, start=last)
    if not walked.ok:
        raise CheckpointRefused(f"entry {walked.bad_sequence}: {walked.reason}")
    if last is not None and (last.sequence, last.hash) == (walked.last_sequence, walked.last_hash):
        checkpoint, written = last, False  # nothing new since: the file does not grow
    else:
        checkpoint = checkpoint_make(
            sequence=walked.last_sequence, entry_hash=walked.last_hash, keys=keys, at=timezone.now()
        )
        checkpoint_file_append(path, checkpoint)
        written = True
    number = ""
    if publish or (publish_every is not None and _publication_due(publish_every)):
        number = checkpoint_publish(checkpoint).number
    return CheckpointOutcome(checkpoint, written, path, number)


def _publication_due(every: datetime.timedelta) -> bool:
    last = checkpoint_last_published()
    return last is None or timezone.now() - last >= every
