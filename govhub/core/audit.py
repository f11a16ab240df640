"""Append to and verify the hash-chained audit log."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from govhub.core import context
from govhub.core.models import AuditEntry, AuditHead

GENESIS = "0" * 64


def _canonical(entry: AuditEntry) -> bytes:
    payload = {
        "sequence": entry.sequence,
        "created_at": entry.created_at.isoformat(),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "organisation_id": entry.organisation_id,
        "verb": entry.verb,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "target_label": entry.target_label,
        "changes": entry.changes,
        "request_id": entry.request_id,
        "client_address": entry.client_address,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()


def compute_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(_canonical(entry)).hexdigest()


def _jsonable(value: Any) -> Any:
    """Round-trip through JSON so the hash covers exactly what the database stores."""
    return json.loads(json.dumps(value, default=str))


def audit_record(
    *,
    actor: Any,
    verb: str,
    target: models.Model | None = None,
    organisation_id: int | None = None,
    changes: dict[str, Any] | None = None,
    target_label: str = "",
) -> AuditEntry:
    """Append one entry to the audit log, inside the caller's transaction.

    No savepoint of its own: if the entry cannot be written, the error reaches the caller's
    transaction, which then rolls back whole (a change is never kept without its entry).
    """
    ctx = context.current()
    with transaction.atomic(savepoint=False):
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        entry = AuditEntry(
            sequence=head.last_sequence + 1,
            created_at=timezone.now(),
            actor_id=getattr(actor, "pk", None),
            actor_label=str(getattr(actor, "email", "") or "")[:254],
            organisation_id=organisation_id,
            verb=verb,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            target_label=(target_label or (str(target) if target is not None else ""))[:254],
            changes=_jsonable(changes or {}),
            request_id=ctx.request_id,
            client_address=ctx.client_address,
            prev_hash=head.last_hash or GENESIS,
        )
        entry.entry_hash = compute_hash(entry)
        entry.save()
        head.last_sequence = entry.sequence
        head.last_hash = entry.entry_hash
        head.save(update_fields=["last_sequence", "last_hash"])
    return entry


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    bad_sequence: int | None = None
    reason: str = ""


def _entries() -> Iterator[AuditEntry]:
    return AuditEntry.objects.order_by("sequence").iterator(chunk_size=2000)


def audit_verify() -> VerifyResult:
    """Walk the chain from the start; name the first entry that was edited or removed."""
    prev_hash = GENESIS
    checked = 0
    last: AuditEntry | None = None
    for entry in _entries():
        if entry.sequence != checked + 1:
            return VerifyResult(
                False,
                checked,
                checked + 1,
                f"entry {checked + 1} is missing (the next one found is {entry.sequence})",
            )
        if entry.prev_hash != prev_hash:
            return VerifyResult(
                False,
                checked,
                entry.sequence,
                "its link to the previous entry is broken (an entry before it was removed "
                "or altered)",
            )
        if compute_hash(entry) != entry.entry_hash:
            return VerifyResult(
                False, checked, entry.sequence, "its content does not match its hash"
            )
        prev_hash = entry.entry_hash
        checked += 1
        last = entry
    head = AuditHead.objects.filter(pk=1).first()
    head_seq = head.last_sequence if head else 0
    head_hash = (head.last_hash if head else "") or GENESIS
    last_seq = last.sequence if last else 0
    if head_seq != last_seq or head_hash != prev_hash:
        return VerifyResult(
            False,
            checked,
            last_seq + 1,
            f"the chain ends at entry {last_seq} but its head records entry {head_seq} "
            "(the newest entries were removed or altered)",
        )
    return VerifyResult(True, checked)


def audit_list(
    *, organisation_id: int, about: models.Model | None = None
) -> models.QuerySet[AuditEntry]:
    """Entries made for an organisation (and, if given, about one object), newest first."""
    condition = models.Q(organisation_id=organisation_id)
    if about is not None:
        condition |= models.Q(target_type=about._meta.label_lower, target_id=str(about.pk))
    return AuditEntry.objects.filter(condition).order_by("-sequence")
