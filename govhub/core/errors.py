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


class PayloadTooLarge(DomainError):
    status = 413
    default_code = "payload_too_large"


def request_refusal(exc: Exception) -> DomainError | None:
    """The stable answer to a request Django refused while reading it (too many fields or
    files, a body over the limit), or None for any other exception."""
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
    from django.utils.translation import gettext

    if isinstance(exc, TooManyFieldsSent):
        return InvalidInput(
            gettext("The request has too many fields. At most %(n)d are accepted.")
            % {"n": _setting("DATA_UPLOAD_MAX_NUMBER_FIELDS")},
            code="too_many_fields",
        )
    if isinstance(exc, TooManyFilesSent):
        return InvalidInput(
            gettext("The request has too many files. At most %(n)d are accepted.")
            % {"n": _setting("DATA_UPLOAD_MAX_NUMBER_FILES")},
            code="too_many_files",
        )
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge(gettext("The request body is too large."))
    return None


def _setting(name: str) -> int:
    from django.conf import settings

    return int(getattr(settings, name) or 0)


# NUL, which PostgreSQL cannot store, and unpaired UTF-16 surrogates (JSON may carry them as
# "\ud800"), which no UTF-8 database can.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) reorder the
# text around them, so a name can be made to read as another ("Trojan Source"). The marks
# U+200E and U+200F stay allowed: they reorder nothing by themselves, and Dari text mixed with
# Latin names and numbers needs them.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _any_text(value: Any, pattern: re.Pattern[str]) -> bool:
    if isinstance(value, str):
        return pattern.search(value) is not None
    if isinstance(value, dict):
        return any(_any_text(k, pattern) or _any_text(v, pattern) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_any_text(v, pattern) for v in value)
    return False


def contains_nul(value: Any) -> bool:
    """Whether text anywhere in `value` holds a character no database can store: NUL or an
    unpaired surrogate."""
    return _any_text(value, _UNSTORABLE)


def contains_bidi_control(value: Any) -> bool:
    """Whether text anywhere in `value` holds a bidirectional embedding, override or isolate."""
    return _any_text(value, _BIDI_CONTROLS)


def without_bidi_controls(text: str) -> str:
    """`text` without bidirectional embeddings, overrides and isolates: for text GovHub must
    take as given (a name from the e-ID), where refusing is not an option."""
    return _BIDI_CONTROLS.sub("", text)


def unsafe_text_message(value: Any) -> str | None:
    """Why text anywhere in `value` may not be stored or shown, or None when it is fine."""
    from django.utils.translation import gettext

    if contains_nul(value):
        return gettext(
            "The text contains a character that cannot be stored (NUL or a lone surrogate)."
        )
    if contains_bidi_control(value):
        return gettext(
            "The text contains an invisible character that changes the reading direction "
            "(U+202A to U+202E or U+2066 to U+2069). Remove it and try again."
        )
    return None


def reject_nul(*values: Any) -> None:
    """Refuse text that cannot be stored (NUL, unpaired surrogates) or that could show as
    something else (bidirectional overrides): a clear 400 `invalid_text`, nothing written."""
    for value in values:
        message = unsafe_text_message(value)
        if message is not None:
            raise InvalidInput(message, code="invalid_text")
