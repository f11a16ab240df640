"""django-allauth adapters: GovHub's rules for sign-up, sign-in limits and external identities."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from govhub.accounts import throttle
from govhub.core.api import client_ip, without_bidi_controls


def _per_address_rates() -> str:
    """The per-client-address part of ACCOUNT_RATE_LIMITS["login_failed"] ("20/m/ip")."""
    configured = str(settings.ACCOUNT_RATE_LIMITS.get("login_failed") or "")
    parts = [part.strip() for part in configured.split(",") if part.strip()]
    return ",".join(part for part in parts if ratelimit.parse_rate(part).per == "ip")


def _login(credentials: dict[str, Any]) -> str:
    return str(credentials.get("email") or credentials.get("username") or "")


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(settings.GOVHUB_OPEN_SIGNUP)

    def get_client_ip(self, request: HttpRequest) -> str:
        """The client behind GOVHUB_TRUSTED_PROXIES: what allauth's per-address limits count."""
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Before a password is checked: the client address's limit, then the account's wait.

        allauth would also lock the account after "5/5m/key" failures, which lets anyone lock
        anyone out; GovHub's back-off (govhub/accounts/throttle.py) replaces that part. The
        "key" rate still limits second-factor codes, which allauth counts separately.
        """
        self._login_failed_rl_usage = ratelimit.consume(
            request,
            app="allauth.account",
            action="login_failed",
            config={"login_failed": _per_address_rates()},
        )
        if not self._login_failed_rl_usage:
            raise self.validation_error("too_many_login_attempts")
        self._govhub_attempt = throttle.attempt_begin(
            login=_login(credentials), address=self.get_client_ip(request)
        )
        if self._govhub_attempt.wait > 0:
            raise forms.ValidationError(
                throttle.wait_message(self._govhub_attempt.wait), code="too_many_login_attempts"
            )

    def authenticate(self, request: HttpRequest, **credentials: Any) -> Any:
        user = super().authenticate(request, **credentials)
        if user is not None:
            throttle.success_record(login=_login(credentials), address=self.get_client_ip(request))
        return user

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        attempt = getattr(self, "_govhub_attempt", None)
        if attempt is not None:
            throttle.failure_record(login=_login(credentials), attempt=attempt)


class SocialAccountAdapter(DefaultSocialAccountAdapter):  # type: ignore[misc]
    def populate_user(self, request: HttpRequest, sociallogin: Any, data: dict[str, Any]) -> Any:
        """Take the person's name from the e-ID's standard claims."""
        user = super().populate_user(request, sociallogin, data)
        claims = sociallogin.account.extra_data or {}
        userinfo = claims.get("userinfo", claims)
        name = userinfo.get("name") or " ".join(
            part for part in (userinfo.get("given_name"), userinfo.get("family_name")) if part
        )
        name = without_bidi_controls(name).strip()
        if name:
            user.full_name = name[:200]
        return user
