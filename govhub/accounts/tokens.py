"""Token secrets: generation and hashing (no database)."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "ghb_"  # noqa: S105  (a public marker, not a secret)


def new_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    # The secret has 256 bits of entropy, so a fast hash is enough (no password stretching).
    return hashlib.sha256(secret.encode()).hexdigest()
