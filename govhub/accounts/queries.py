"""Reads of accounts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django.db import router
from django.db.models import (
    Case,
    DateTimeField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Now
from django.utils import timezone

from govhub.accounts.mfa import mfa_annotations, mfa_required_error, mfa_rules_in_force
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
    alias = router.db_for_read(User)
    sql, params = _token_sql(alias)
    token_hash = hash_secret(secret)
    found = list(
        User.objects.db_manager(alias).raw(
            sql, [token_hash if p == _TOKEN_HASH else p for p in params]
        )
    )
    if not found:
        return None
    user: Any = found[0]
    if user.mfa_privileged and not user.mfa_enrolled:
        raise mfa_required_error()
    if user.token_stale:
        ApiToken.objects.filter(pk=user.token_id).update(last_used_at=timezone.now())
    return cast(User, user)


# Which token, whether its person must have a second factor, and whether its last use needs
# recording, in one query with prebuilt SQL: a request with a token used to take two (the
# token, then the person's MFA status), and building the MFA subqueries through the ORM
# costs ten times the lookup itself.
_TOKEN_HASH = "<token hash>"  # noqa: S105 (a placeholder: real hashes are hexadecimal)
_TOKEN_SQL: dict[tuple[str, tuple[str, ...]], tuple[str, tuple[Any, ...]]] = {}


def _token_sql(alias: str) -> tuple[str, tuple[Any, ...]]:
    rules = mfa_rules_in_force()
    key = (alias, rules)
    if key not in _TOKEN_SQL:
        threshold = ExpressionWrapper(
            Now() - Value(_LAST_USED_RESOLUTION), output_field=DateTimeField()
        )
        stale = Q(api_tokens__last_used_at__isnull=True) | Q(api_tokens__last_used_at__lt=threshold)
        # Annotations built from a dict are invisible to django-stubs' field check.
        people: Any = User.objects.using(alias).filter(
            api_tokens__token_hash=_TOKEN_HASH,
            api_tokens__revoked_at__isnull=True,
            api_tokens__expires_at__gt=Now(),
            is_active=True,
        )
        query = people.annotate(
            **mfa_annotations("pk", rules),
            token_id=F("api_tokens__id"),
            token_stale=Case(When(stale, then=Value(True)), default=Value(False)),
        ).query
        sql, params = query.sql_with_params()
        _TOKEN_SQL[key] = (sql, tuple(params))
    return _TOKEN_SQL[key]


def user_by_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()
