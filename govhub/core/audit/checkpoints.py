"""Checkpoints: the chain's head (sequence number and hash) kept outside the database.

A checkpoint is one JSON object, MACed with the audit key so that whoever can write the file
or the database cannot forge one. It is appended to a file (one JSON line each, never
rewritten) and, on request, published as a signed, numbered document (series AUD) that
anyone may download and keep.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from govhub.core.audit.keys import AuditKeys
from govhub.core.models import IssuedDocument

DOCUMENT_PREFIX = "AUD"
DOCUMENT_SUBJECT = "core.auditentry"
HEX64 = re.compile(r"^[0-9a-f]{64}$")
FIELDS = ("sequence", "hash", "time", "key_id", "mac")
TAIL_BYTES = 64 * 1024


@dataclass(frozen=True)
class Checkpoint:
    """The chain's head at `time`: its last entry's sequence number and hash.

    `key_id` names the audit key that made `mac`. `source` says where it was read (a file's
    line or a document's number); `damaged` why it could not be read, if it could not.
    """

    sequence: int
    hash: str
    time: str
    key_id: str
    mac: str
    source: str = field(default="", compare=False)
    damaged: str = field(default="", compare=False)

    def line(self) -> str:
        """The checkpoint as one JSON line (as written to the file and printed)."""
        return json.dumps({name: getattr(self, name) for name in FIELDS}, sort_keys=True)

    def describe(self) -> str:
        return f"{self.source or 'checkpoint'} ({self.time or 'no time'})"


def _message(sequence: int, entry_hash: str, time: str, key_id: str) -> bytes:
    body = {"sequence": sequence, "hash": entry_hash, "time": time, "key_id": key_id}
    return b"govhub-audit-checkpoint:" + json.dumps(body, sort_keys=True).encode()


def checkpoint_make(
    *, sequence: int, entry_hash: str, keys: AuditKeys, at: datetime.datetime
) -> Checkpoint:
    """A checkpoint of entry `sequence`, MACed with the current audit key."""
    time = at.astimezone(datetime.UTC).isoformat(timespec="seconds")
    message = _message(sequence, entry_hash, time, keys.current_id)
    mac = hmac.new(keys.current, message, hashlib.sha256).hexdigest()
    return Checkpoint(sequence, entry_hash, time, keys.current_id, mac)


def checkpoint_mac_problem(checkpoint: Checkpoint, keys: AuditKeys) -> str:
    """Why the checkpoint is not authentic ("" if it is)."""
    if checkpoint.damaged:
        return f"the checkpoint {checkpoint.describe()} cannot be read ({checkpoint.damaged})"
    key = keys.by_id.get(checkpoint.key_id)
    if key is None:
        return (
            f"the checkpoint {checkpoint.describe()} was made with the audit key "
            f"{checkpoint.key_id!r}, which is not configured (keep retired keys in "
            "GOVHUB_AUDIT_PREVIOUS_KEYS)"
        )
    message = _message(checkpoint.sequence, checkpoint.hash, checkpoint.time, checkpoint.key_id)
    expected = hmac.new(key, message, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, checkpoint.mac):
        return (
            f"the checkpoint {checkpoint.describe()} is forged or altered: its MAC does not "
            f"match (it claims entry {checkpoint.sequence} with hash {checkpoint.hash[:16]}…)"
        )
    return ""


def checkpoint_parse(text: str, *, source: str) -> Checkpoint:
    """A checkpoint read from one JSON object; a `damaged` one if the text is not one."""
    try:
        data: Any = json.loads(text)
    except ValueError:
        return _damaged(source, "not JSON")
    if not isinstance(data, dict) or set(data) != set(FIELDS):
        return _damaged(source, "not a checkpoint: fields " + ", ".join(FIELDS) + " expected")
    sequence, entry_hash, time, key_id, mac = (data[name] for name in FIELDS)
    if not (isinstance(sequence, int) and not isinstance(sequence, bool) and sequence >= 0):
        return _damaged(source, "its sequence is not a number")
    if not all(isinstance(value, str) for value in (entry_hash, time, key_id, mac)):
        return _damaged(source, "a field is not text")
    if not (HEX64.match(entry_hash) and HEX64.match(mac)):
        return _damaged(source, "its hash or MAC is not 64 hexadecimal digits")
    return Checkpoint(sequence, entry_hash, time, key_id, mac, source=source)


def _damaged(source: str, why: str) -> Checkpoint:
    return Checkpoint(0, "", "", "", "", source=source, damaged=why)


# The file sink ---------------------------------------------------------------------------


def checkpoint_file() -> Path:
    """Where checkpoints are appended (GOVHUB_AUDIT_CHECKPOINT_FILE)."""
    return Path(str(settings.GOVHUB_AUDIT_CHECKPOINT_FILE))


def checkpoints_from_file(path: Path) -> list[Checkpoint]:
    """Every checkpoint in the file, in order (none if there is no file)."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8", errors="replace") as lines:
        return [
            checkpoint_parse(line, source=f"{path} line {number}")
            for number, line in enumerate(lines, start=1)
            if line.strip()
        ]


def checkpoint_file_last(path: Path) -> Checkpoint | None:
    """The file's last checkpoint, read from its end (the file grows by a line a checkpoint)."""
    if not path.exists():
        return None
    with path.open("rb") as handle:
        size = handle.seek(0, os.SEEK_END)
        handle.seek(max(0, size - TAIL_BYTES))
        tail = handle.read().decode("utf-8", errors="replace")
    lines = [line for line in tail.splitlines() if line.strip()]
    if not lines:
        return None
    return checkpoint_parse(lines[-1], source=f"{path} (last line)")


def checkpoint_file_append(path: Path, checkpoint: Checkpoint) -> None:
    """Append one line and flush it to disk (the file is only ever appended to)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(checkpoint.line() + "\n")
        handle.flush()
        os.fsync(handle.fileno())


# Published documents ---------------------------------------------------------------------


def checkpoint_publish(checkpoint: Checkpoint) -> IssuedDocument:
    """Issue the checkpoint as a signed document of the AUD series (adds one audit entry)."""
    from govhub.core.documents import document_issue

    text = "\n".join(
        [
            _(
                "This document records the state of the platform's audit log at the time "
                "shown. Anyone who keeps it can later check that the log was not rewritten: "
                "the log's entry with this number must still carry this hash."
            ),
            "",
            _("Entry number: %(sequence)s") % {"sequence": checkpoint.sequence},
            _("Hash of the entry: %(hash)s") % {"hash": checkpoint.hash},
            _("Time of the checkpoint: %(time)s") % {"time": checkpoint.time},
            _("Audit key: %(key)s") % {"key": checkpoint.key_id},
            "",
            _("The checkpoint as read by `govhub audit verify`:"),
            checkpoint.line(),
        ]
    )
    return document_issue(
        actor=None,
        title=_("Audit log checkpoint at entry %(sequence)s") % {"sequence": checkpoint.sequence},
        number_prefix=DOCUMENT_PREFIX,
        legal_status=_("Checkpoint of the audit log, published so that anyone can compare it"),
        text=text,
        issuer_label="GovHub",
        issuer_organisation_id=None,
        subject_type=DOCUMENT_SUBJECT,
        subject_id=str(checkpoint.sequence),
    )


def checkpoints_from_documents() -> list[Checkpoint]:
    """The checkpoints published as documents, oldest first."""
    documents = IssuedDocument.objects.filter(subject_type=DOCUMENT_SUBJECT).order_by("issued_at")
    found = []
    for number, text in documents.values_list("number", "text").iterator(chunk_size=500):
        lines = [line for line in text.splitlines() if line.startswith("{")]
        source = f"document {number}"
        found.append(
            checkpoint_parse(lines[-1], source=source)
            if lines
            else _damaged(source, "no checkpoint in its text")
        )
    return found


def checkpoint_last_published() -> datetime.datetime | None:
    """When the newest checkpoint document was issued (None if none was)."""
    document = (
        IssuedDocument.objects.filter(subject_type=DOCUMENT_SUBJECT).order_by("-issued_at").first()
    )
    return document.issued_at if document else None
