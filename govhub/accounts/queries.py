"""Reads of accounts."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from govhub.accounts.mfa import mfa_required_error, mfa_status
from govhub.accounts.models import ApiToken, User
from govhub.accounts.tokens import TOKEN_PREFIX, hash_secret

# Recording last use on every request would make each API call a write; once a minute is enough.
_LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_list(*, user: User) -> QuerySet[ApiToken]:
    """The person's tokens, newest first, revoked ones included."""
    return ApiToken.objects.filter(user=user)


def user_for_token(secret: str) -> User | None:
    """The active user a token secret belongs to, or None.

    Raises `MfaRequired` (403 `mfa_required`) when the token's person is privileged (staff,
    superuser, member of a government body) and has no second factor: a token must not be a
    way around it.
    """
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    try:
        token = ApiToken.objects.select_related("user").get(
            token_hash=hash_secret(secret),
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__is_active=True,
        )
    except ApiToken.DoesNotExist:
        return None
    # A second indexed query with prebuilt SQL (15 µs): one ORM query with the same
    # subqueries cost ten times the whole token lookup to build.
    if mfa_status(token.user).missing:
        raise mfa_required_error()
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > _LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def user_by_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()
