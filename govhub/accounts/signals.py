"""Sign-in events go to the audit log (a new password revokes tokens: accounts/passwords.py)."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import (
    email_added,
    email_changed,
    email_confirmed,
    email_removed,
    password_changed,
    password_reset,
    password_set,
    user_signed_up,
)
from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from govhub.accounts.middleware import session_started
from govhub.core.api import audit_record


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, verb="user.sign_in", target=user)
    if request is not None and hasattr(request, "session"):
        session_started(request)


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


def _account_event(verb: str) -> Any:
    def receiver_(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
        email = kwargs.get("email_address") or kwargs.get("to_email_address")
        if user is None and email is not None:
            user = email.user
        changes = {"email": str(getattr(email, "email", ""))} if email is not None else {}
        audit_record(actor=user, verb=verb, target=user, changes=changes)

    return receiver_


# Password and email changes are state changes of the account: each leaves an entry.
_ACCOUNT_EVENTS = {
    password_changed: "user.password_change",
    password_set: "user.password_set",
    password_reset: "user.password_reset",
    email_added: "user.email_add",
    email_changed: "user.email_change",
    email_confirmed: "user.email_confirm",
    email_removed: "user.email_remove",
}
_RECEIVERS = []
for _signal, _verb in _ACCOUNT_EVENTS.items():
    _handler = _account_event(_verb)
    _RECEIVERS.append(_handler)  # keep a strong reference: signals hold weak ones
    _signal.connect(_handler, dispatch_uid=f"govhub.audit.{_verb}")
