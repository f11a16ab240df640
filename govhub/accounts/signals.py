"""Sign-in events go to the audit log."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import user_signed_up
from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from govhub.core.api import audit_record


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, verb="user.sign_in", target=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, verb="user.sign_out", target=user)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    # Django already strips the password from `credentials`.
    attempted = str(credentials.get("email") or credentials.get("username") or "")[:254]
    audit_record(actor=None, verb="user.sign_in_failed", changes={"email": attempted})


@receiver(user_signed_up)
def _signed_up(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    sociallogin = kwargs.get("sociallogin")
    via = sociallogin.account.provider if sociallogin is not None else "email"
    audit_record(actor=user, verb="user.sign_up", target=user, changes={"via": via})


@receiver(authenticator_added)
def _mfa_added(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    audit_record(actor=user, verb="mfa.add", target=user, changes={"type": str(authenticator.type)})


@receiver(authenticator_removed)
def _mfa_removed(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    audit_record(
        actor=user, verb="mfa.remove", target=user, changes={"type": str(authenticator.type)}
    )
