"""Removing a second factor makes the MFA requirement apply again at once."""

from __future__ import annotations

from typing import Any

from allauth.mfa.signals import authenticator_removed
from django.dispatch import receiver

from govhub.organisations.middleware import SESSION_FLAG


@receiver(authenticator_removed)
def _recheck_mfa(sender: Any, request: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session.pop(SESSION_FLAG, None)
