"""django-allauth adapters: GovHub's rules for sign-up and external identities."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.http import HttpRequest

from govhub.core.api import without_bidi_controls


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(settings.GOVHUB_OPEN_SIGNUP)


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
