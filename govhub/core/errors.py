"""Domain errors: raised by actions with a stable code, mapped to HTTP by the interfaces."""

from __future__ import annotations

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
