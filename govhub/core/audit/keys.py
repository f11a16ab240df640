"""The audit keys: the current one (which signs new entries) and the previous ones.

They come from the environment (GOVHUB_AUDIT_KEY, GOVHUB_AUDIT_KEY_ID,
GOVHUB_AUDIT_PREVIOUS_KEYS), never from the database: whoever can write the database cannot
compute an entry's HMAC. Settings are read at each call (parsing is cached), not at import.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_ID = re.compile(r"^[A-Za-z0-9._-]{1,32}$")
MIN_KEY_LENGTH = 32
GENERATE_HINT = "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'"


@dataclass(frozen=True)
class AuditKeys:
    """The current key's id and every key the log may have been written with, by id."""

    current_id: str
    by_id: Mapping[str, bytes]

    @property
    def current(self) -> bytes:
        return self.by_id[self.current_id]


def audit_keys() -> AuditKeys:
    """The configured keys; ImproperlyConfigured (naming the variable) if they are unusable."""
    return _parse(
        str(settings.GOVHUB_AUDIT_KEY),
        str(settings.GOVHUB_AUDIT_KEY_ID),
        tuple(settings.GOVHUB_AUDIT_PREVIOUS_KEYS),
    )


@functools.lru_cache(maxsize=8)
def _parse(key: str, key_id: str, previous: tuple[str, ...]) -> AuditKeys:
    if not key:
        raise ImproperlyConfigured(
            "GOVHUB_AUDIT_KEY must be set when DJANGO_DEBUG is off: it keys the audit log's "
            f"hash chain and must live outside the database ({GENERATE_HINT})."
        )
    by_id = {_checked_id(key_id, "GOVHUB_AUDIT_KEY_ID"): _checked_key(key, "GOVHUB_AUDIT_KEY")}
    for item in previous:
        old_id, colon, old_key = item.strip().partition(":")
        if not colon:
            raise ImproperlyConfigured(
                "GOVHUB_AUDIT_PREVIOUS_KEYS is a comma-separated list of id:key pairs."
            )
        old_id = _checked_id(old_id, "GOVHUB_AUDIT_PREVIOUS_KEYS")
        if old_id in by_id:
            raise ImproperlyConfigured(
                f"The audit key id {old_id!r} is given twice: a new key needs a new "
                "GOVHUB_AUDIT_KEY_ID, and the old key goes to GOVHUB_AUDIT_PREVIOUS_KEYS "
                "under its old id."
            )
        by_id[old_id] = _checked_key(old_key, "GOVHUB_AUDIT_PREVIOUS_KEYS")
    return AuditKeys(current_id=key_id, by_id=by_id)


def _checked_id(key_id: str, variable: str) -> str:
    if not KEY_ID.match(key_id):
        raise ImproperlyConfigured(
            f"{variable}: an audit key id is 1-32 letters, digits, '.', '_' or '-' "
            f"(got {key_id!r})."
        )
    return key_id


def _checked_key(key: str, variable: str) -> bytes:
    if len(key) < MIN_KEY_LENGTH:
        raise ImproperlyConfigured(
            f"{variable}: an audit key has at least {MIN_KEY_LENGTH} characters ({GENERATE_HINT})."
        )
    return key.encode()
