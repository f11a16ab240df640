"""Plain data that other apps may import (stdlib only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class IssuedToken:
    """A newly created token: `secret` exists only here, once."""

    id: int
    name: str
    prefix: str
    secret: str
    expires_at: datetime | None = None
