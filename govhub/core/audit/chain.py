"""Appending to the audit log: each entry's HMAC covers its content and the previous hash."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from govhub.core import context
from govhub.core.audit.keys import AuditKeys, audit_keys
from govhub.core.db import statements
from govhub.core.models import AuditEntry, AuditHead

GENESIS = "0" * 64


class UnknownAuditKey(LookupError):
    """An entry names a key id that is not configured."""


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
    if entry.key_id:
        # Covered by the HMAC, so an entry cannot be passed off as made with another key.
        # Unkeyed (legacy) entries keep their original payload, so they still verify.
        payload["key_id"] = entry.key_id
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()


def compute_hash(entry: AuditEntry, keys: AuditKeys | None = None) -> str:
    """The entry's hash: HMAC-SHA256 under the key it names, or SHA-256 if it names none."""
    if not entry.key_id:
        return hashlib.sha256(_canonical(entry)).hexdigest()
    key = (keys or audit_keys()).by_id.get(entry.key_id)
    if key is None:
        raise UnknownAuditKey(entry.key_id)
    return hmac.new(key, _canonical(entry), hashlib.sha256).hexdigest()


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
    keys = audit_keys()  # a missing key fails before anything is locked
    ctx = context.current()
    entry = AuditEntry(  # all but its place and time in the chain, made before the lock
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
        key_id=keys.current_id,
    )
    with transaction.atomic(savepoint=False):
        if statements.prebuilt():
            _append_prebuilt(entry, keys)
            return entry
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        _chain(entry, keys, head.last_sequence, head.last_hash)
        entry.save()
        head.last_sequence = entry.sequence
        head.last_hash = entry.entry_hash
        head.save(update_fields=["last_sequence", "last_hash"])
    return entry


def _chain(entry: AuditEntry, keys: AuditKeys, last_sequence: int, last_hash: str) -> None:
    entry.sequence = last_sequence + 1
    entry.created_at = timezone.now()  # times follow the sequence
    entry.prev_hash = last_hash or GENESIS
    entry.entry_hash = compute_hash(entry, keys)


def _append_prebuilt(entry: AuditEntry, keys: AuditKeys) -> None:
    """Two statements (PostgreSQL): take the next sequence number, which locks the head
    until commit; then insert the entry and set the head's hash together."""
    last_sequence, last_hash = _take_next_sequence()
    _chain(entry, keys, last_sequence, last_hash)
    columns, placeholders = statements.insert_columns(AuditEntry)
    head = statements.table(AuditHead)
    inserted = statements.run(
        f"WITH entry AS (INSERT INTO {statements.table(AuditEntry)} ({columns}) "  # noqa: S608
        f"VALUES ({placeholders}) RETURNING id) "
        f"UPDATE {head} SET {statements.column(AuditHead, 'last_hash')} = %s WHERE id = 1 "
        "RETURNING (SELECT id FROM entry)",
        [*statements.insert_values(entry), entry.entry_hash],
    )
    if inserted is None:
        raise RuntimeError("the audit head vanished during an append")
    entry.pk = inserted[0]
    entry._state.adding = False
    entry._state.db = "default"


def _take_next_sequence() -> tuple[int, str]:
    """The head's last sequence number and hash, the number moved on by one (PostgreSQL)."""
    sequence = statements.column(AuditHead, "last_sequence")
    sql = (
        f"UPDATE {statements.table(AuditHead)} SET {sequence} = {sequence} + 1 "  # noqa: S608
        f"WHERE id = 1 RETURNING {sequence}, {statements.column(AuditHead, 'last_hash')}"
    )
    row = statements.run(sql, [])
    if row is None:  # the first entry ever: make the head, then take it
        AuditHead.objects.get_or_create(pk=1)
        row = statements.run(sql, [])
    if row is None:
        raise RuntimeError("the audit head could not be made")
    return int(row[0]) - 1, str(row[1])


def audit_list(
    *, organisation_id: int, about: models.Model | None = None
) -> models.QuerySet[AuditEntry]:
    """Entries made for an organisation (and, if given, about one object), newest first."""
    condition = models.Q(organisation_id=organisation_id)
    if about is not None:
        condition |= models.Q(target_type=about._meta.label_lower, target_id=str(about.pk))
    return AuditEntry.objects.filter(condition).order_by("-sequence")
