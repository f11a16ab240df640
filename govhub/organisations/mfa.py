"""Members of active government organisations must use a second factor (TOTP).

Registered with accounts at start-up, so that the session check and the API token check both
count government membership in the same query as staff and superuser status (switched off by
GOVHUB_MFA_REQUIRED_FOR_GOVERNMENT).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef

from govhub.organisations.kinds import Sector
from govhub.organisations.models import Membership


def government_member(user_ref: OuterRef) -> Any:
    """The person at `user_ref` acts for an active government organisation."""
    return Exists(
        Membership.objects.filter(
            user=user_ref, organisation__sector=Sector.GOVERNMENT, organisation__is_active=True
        )
    )


def _required() -> bool:
    return bool(settings.GOVHUB_MFA_REQUIRED_FOR_GOVERNMENT)


def register() -> None:
    from govhub.accounts.api import mfa_rule_register

    mfa_rule_register("government_member", government_member, applies=_required)
