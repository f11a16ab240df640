"""Per-request context (request id, client address) that actions and the audit log read.

Set by `RequestContextMiddleware`; commands and tasks run with the defaults.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    client_address: str = ""


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "govhub_request_context",
    default=RequestContext(),  # noqa: B039  (frozen, so sharing it is safe)
)


def current() -> RequestContext:
    """The context of the request being served, or an empty one outside requests."""
    return _current.get()


def set_current(ctx: RequestContext) -> contextvars.Token[RequestContext]:
    return _current.set(ctx)


def reset(token: contextvars.Token[RequestContext]) -> None:
    _current.reset(token)
