"""The audit log: an append-only chain of entries, each keyed by an HMAC and anchored outside
the database by checkpoints. See docs/adr/0011-keyed-anchored-audit-log.md.

`audit_record` appends an entry (inside the caller's transaction); `audit_verify` checks the
chain and compares it with checkpoints; `audit_checkpoint` anchors the head (a file line and,
on request, a signed document of the AUD series).
"""

from govhub.core.audit.anchor import CheckpointOutcome, CheckpointRefused, audit_checkpoint
from govhub.core.audit.chain import GENESIS, audit_list, audit_record, compute_hash
from govhub.core.audit.checkpoints import (
    Checkpoint,
    checkpoint_file,
    checkpoints_from_documents,
    checkpoints_from_file,
)
from govhub.core.audit.keys import AuditKeys, audit_keys
from govhub.core.audit.verify import VerifyResult, audit_verify

__all__ = [
    "GENESIS",
    "AuditKeys",
    "Checkpoint",
    "CheckpointOutcome",
    "CheckpointRefused",
    "VerifyResult",
    "audit_checkpoint",
    "audit_keys",
    "audit_list",
    "audit_record",
    "audit_verify",
    "checkpoint_file",
    "checkpoints_from_documents",
    "checkpoints_from_file",
    "compute_hash",
]
