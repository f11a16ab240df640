"""Domain errors: raised by actions with a stable code, mapped to HTTP by the interfaces."""

from __future__ import annotations

import re
from typing import Any


class DomainError(Exception):
    """A broken rule or bad input, with a stable snake_case code and a human message."""

    status = 422
    default_code = "rule_broken"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = str(message)
        self.code = code or self.default_code
        self.details = details


class InvalidInput(DomainError):
    status = 400
    default_code = "invalid_input"


class NotFound(DomainError):
    status = 404
    default_code = "not_found"


class Forbidden(DomainError):
    status = 403
    default_code = "permission_denied"


class Conflict(DomainError):
    status = 409
    default_code = "conflict"


class RuleBroken(DomainError):
    status = 422
    default_code = "rule_broken"


# NUL, which PostgreSQL cannot store, and unpaired UTF-16 surrogates (JSON may carry them as
# "\ud800"), which no UTF-8 database can.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def contains_nul(value: Any) -> bool:
    """Whether text anywhere in `value` holds a character no database can store: NUL or an
    unpaired surrogate."""
    if isinstance(value, str):
        return _UNSTORABLE.search(value) is not None
    if isinstance(value, dict):
        return any(contains_nul(k) or contains_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(contains_nul(v) for v in value)
    return False


def reject_nul(*values: Any) -> None:
    """Refuse text no database can store (NUL, unpaired surrogates): a clear 400 instead of
    a database error."""
    from django.utils.translation import gettext

    if any(contains_nul(v) for v in values):
        raise InvalidInput(
            gettext(
                "The text contains a character that cannot be stored (NUL or a lone surrogate)."
            ),
            code="invalid_text",
        )
