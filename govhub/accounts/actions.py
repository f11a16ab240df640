"""Every write to accounts: one transaction, one audit entry."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhub.accounts.data import IssuedToken
from govhub.accounts.models import ApiToken, User
from govhub.accounts.tokens import hash_secret, new_secret
from govhub.core.api import Forbidden, InvalidInput, NotFound, audit_record, reject_nul

MAX_ACTIVE_TOKENS = 20


def token_create(*, actor: User, user: User, name: str) -> IssuedToken:
    """Create a personal API token for `user`; the secret is returned once and never stored."""
    if actor.pk != user.pk and not actor.is_superuser:
        raise Forbidden(_("You may create tokens only for yourself."))
    reject_nul(name)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidInput(_("Give the token a name of 1 to 100 characters."), code="invalid_name")
    with transaction.atomic():
        # Expired tokens no longer count against the limit.
        active = ApiToken.objects.filter(
            user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).count()
        if active >= MAX_ACTIVE_TOKENS:
            raise InvalidInput(
                _("You already have %(n)d active tokens; revoke one first.") % {"n": active},
                code="too_many_tokens",
            )
        secret = new_secret()
        now = timezone.now()
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=secret[:12],
            token_hash=hash_secret(secret),
            created_at=now,
            expires_at=now + timedelta(days=settings.GOVHUB_TOKEN_DAYS),
        )
        audit_record(
            actor=actor,
            verb="token.create",
            target=token,
            changes={"name": name, "user": user.pk, "expires_at": token.expires_at.isoformat()},
        )
    return IssuedToken(
        id=token.pk,
        name=token.name,
        prefix=token.prefix,
        secret=secret,
        expires_at=token.expires_at,
    )


def token_revoke(*, actor: User, token_id: int) -> None:
    """Revoke one of the actor's own tokens (admins may revoke any)."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
        if token is None or (token.user_id != actor.pk and not actor.is_superuser):
            raise NotFound(_("No such token."), code="token_not_found")
        if token.revoked_at is not None:
            return
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, verb="token.revoke", target=token, changes={"revoked": True})


def tokens_revoke_all(*, user: User, reason: str) -> int:
    """Revoke every active token of `user` (after a password change or reset); returns how
    many. The person is the actor: they changed the password."""
    with transaction.atomic():
        ids = list(
            ApiToken.objects.select_for_update()
            .filter(user=user, revoked_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        ApiToken.objects.filter(pk__in=ids).update(revoked_at=timezone.now())
        audit_record(
            actor=user,
            verb="token.revoke_all",
            target=user,
            changes={"tokens": ids, "reason": reason},
        )
    return len(ids)


def demo_user_ensure(
    *,
    email: str,
    password: str,
    full_name: str,
    is_staff: bool = False,
    totp_secret: str | None = None,
) -> User:
    """Create a demo person once (idempotent); returns the user. With `totp_secret` (base32,
    published with the demo) the person also gets a TOTP authenticator, once."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    with transaction.atomic():
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=password,
                full_name=full_name,
                is_staff=is_staff,
                is_superuser=is_staff,
            )
            audit_record(actor=None, verb="user.create", target=user, changes={"demo": True})
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if (
            totp_secret
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            TOTP.activate(user, totp_secret)
            audit_record(actor=None, verb="user.totp_activate", target=user, changes={"demo": True})
    return user
