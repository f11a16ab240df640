"""What other apps may import from accounts."""

from __future__ import annotations

from govhub.accounts.actions import demo_user_ensure, token_create, token_revoke
from govhub.accounts.data import IssuedToken
from govhub.accounts.mfa import MfaStatus, mfa_rule_register, mfa_status
from govhub.accounts.queries import user_by_email
from govhub.accounts.rest import ApiTokenAuth, optional_viewer

__all__ = [
    "ApiTokenAuth",
    "IssuedToken",
    "MfaStatus",
    "demo_user_ensure",
    "mfa_enabled",
    "mfa_rule_register",
    "mfa_status",
    "optional_viewer",
    "token_create",
    "token_revoke",
    "user_by_email",
]


def mfa_enabled(user: object) -> bool:
    """Whether the person has a second factor (TOTP) set up."""
    from allauth.mfa.models import Authenticator

    return bool(Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists())
