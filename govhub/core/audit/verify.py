"""Verifying the audit log: every entry's HMAC and link, its head, and its checkpoints."""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from django.db.models import QuerySet

from govhub.core.audit.chain import GENESIS, compute_hash
from govhub.core.audit.checkpoints import Checkpoint, checkpoint_mac_problem
from govhub.core.audit.keys import AuditKeys, audit_keys
from govhub.core.models import AuditEntry, AuditHead


@dataclass(frozen=True)
class VerifyResult:
    """What verification found. `kind` is "chain" when an entry is bad (`bad_sequence`) and
    "checkpoint" when the log disagrees with a checkpoint or a checkpoint is not authentic."""

    ok: bool
    checked: int
    bad_sequence: int | None = None
    reason: str = ""
    kind: str = ""
    last_sequence: int = 0
    last_hash: str = GENESIS
    unkeyed: int = 0  # entries at the chain's start, written before the log was keyed
    checkpoints: int = 0  # checkpoints the chain was compared with
    found: dict[int, str] = field(default_factory=dict, compare=False, repr=False)


def audit_verify(*, checkpoints: Iterable[Checkpoint] = ()) -> VerifyResult:
    """Walk the chain from the start, then compare it with its head and with `checkpoints`.

    Names the first entry that was edited, removed or not made with a configured key, and the
    first checkpoint that is forged or that the chain no longer matches.
    """
    keys = audit_keys()
    anchors = sorted(checkpoints, key=lambda checkpoint: checkpoint.sequence)
    walked = walk_chain(keys, wanted={checkpoint.sequence for checkpoint in anchors})
    if not walked.ok:
        return walked
    head = AuditHead.objects.filter(pk=1).first()
    head_seq = head.last_sequence if head else 0
    head_hash = (head.last_hash if head else "") or GENESIS
    if head_seq != walked.last_sequence or head_hash != walked.last_hash:
        return replace(
            walked,
            ok=False,
            kind="chain",
            bad_sequence=walked.last_sequence + 1,
            reason=f"the chain ends at entry {walked.last_sequence} but its head records entry "
            f"{head_seq} (the newest entries were removed or altered)",
        )
    for checkpoint in anchors:
        problem = checkpoint_mac_problem(checkpoint, keys) or _mismatch(checkpoint, walked)
        if problem:
            bad = None if checkpoint.damaged else min(checkpoint.sequence, walked.last_sequence + 1)
            return replace(walked, ok=False, kind="checkpoint", bad_sequence=bad, reason=problem)
    return replace(walked, checkpoints=len(anchors))


def _mismatch(checkpoint: Checkpoint, walked: VerifyResult) -> str:
    if checkpoint.sequence > walked.last_sequence:
        return (
            f"the chain ends at entry {walked.last_sequence} but the checkpoint "
            f"{checkpoint.describe()} records entry {checkpoint.sequence}: entries were removed"
        )
    found = walked.found.get(checkpoint.sequence, GENESIS)
    if not hmac.compare_digest(found, checkpoint.hash):
        return (
            f"entry {checkpoint.sequence} differs from the checkpoint {checkpoint.describe()} "
            f"(the checkpoint has hash {checkpoint.hash[:16]}…, the log {found[:16]}…): "
            "the log was rewritten"
        )
    return ""


def walk_chain(
    keys: AuditKeys, *, start: Checkpoint | None = None, wanted: set[int] | None = None
) -> VerifyResult:
    """Check each entry's sequence, link and hash, from the start or from an (authentic)
    checkpoint; collect the hashes of the `wanted` sequence numbers."""
    wanted = wanted or set()
    walk = _Walk(keys, wanted)
    entries: QuerySet[AuditEntry] = AuditEntry.objects.order_by("sequence")
    if start is not None and start.sequence > 0:
        failure = walk.begin_at(start)
        if failure:
            return failure
        entries = entries.filter(sequence__gt=start.sequence)
    for entry in _iterate(entries):
        failure = walk.step(entry)
        if failure:
            return failure
    return walk.result()


def _iterate(entries: QuerySet[AuditEntry]) -> Iterator[AuditEntry]:
    return entries.iterator(chunk_size=2000)


class _Walk:
    """The state of one walk along the chain."""

    def __init__(self, keys: AuditKeys, wanted: set[int]) -> None:
        self.keys = keys
        self.wanted = wanted
        self.sequence = 0
        self.hash = GENESIS
        self.checked = 0
        self.unkeyed = 0
        self.keyed_seen = False
        self.found: dict[int, str] = {0: GENESIS}

    def begin_at(self, start: Checkpoint) -> VerifyResult | None:
        anchor = AuditEntry.objects.filter(sequence=start.sequence).first()
        if anchor is None:
            return self.fail(
                start.sequence,
                f"it is missing, but the checkpoint {start.describe()} records it: entries "
                "were removed",
            )
        if anchor.entry_hash != start.hash:
            return self.fail(start.sequence, f"it differs from the checkpoint {start.describe()}")
        problem = self._hash_problem(anchor)
        if problem:
            return self.fail(start.sequence, problem)
        self.sequence, self.hash, self.keyed_seen = start.sequence, start.hash, bool(anchor.key_id)
        return None

    def step(self, entry: AuditEntry) -> VerifyResult | None:
        if entry.sequence != self.sequence + 1:
            return self.fail(
                self.sequence + 1,
                f"entry {self.sequence + 1} is missing (the next one found is {entry.sequence})",
            )
        if entry.prev_hash != self.hash:
            return self.fail(
                entry.sequence,
                "its link to the previous entry is broken (an entry before it was removed "
                "or altered)",
            )
        if not entry.key_id and self.keyed_seen:
            return self.fail(
                entry.sequence,
                "it carries no key (a plain SHA-256) but follows keyed entries: only entries "
                "written before the log was keyed, at its start, may be unkeyed",
            )
        problem = self._hash_problem(entry)
        if problem:
            return self.fail(entry.sequence, problem)
        self.keyed_seen = self.keyed_seen or bool(entry.key_id)
        self.unkeyed += 0 if entry.key_id else 1
        self.sequence, self.hash = entry.sequence, entry.entry_hash
        self.checked += 1
        if entry.sequence in self.wanted:
            self.found[entry.sequence] = entry.entry_hash
        return None

    def _hash_problem(self, entry: AuditEntry) -> str:
        if entry.key_id and entry.key_id not in self.keys.by_id:
            return (
                f"it was made with the audit key {entry.key_id!r}, which is not configured "
                "(keep retired keys in GOVHUB_AUDIT_PREVIOUS_KEYS)"
            )
        if not hmac.compare_digest(compute_hash(entry, self.keys), entry.entry_hash):
            return "its content does not match its hash"
        return ""

    def fail(self, sequence: int, reason: str) -> VerifyResult:
        return VerifyResult(
            False, self.checked, sequence, reason, kind="chain", unkeyed=self.unkeyed
        )

    def result(self) -> VerifyResult:
        return VerifyResult(
            True,
            self.checked,
            last_sequence=self.sequence,
            last_hash=self.hash,
            unkeyed=self.unkeyed,
            found=self.found,
        )
