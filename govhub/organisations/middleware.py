"""Members of government organisations must use a second factor (TOTP)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from govhub.accounts.api import mfa_enabled
from govhub.organisations.kinds import Sector
from govhub.organisations.models import Membership

SESSION_FLAG = "govhub_mfa_checked"
# Pages a person may reach before enrolling: enrolment itself, sign-out, assets, language.
_OPEN_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/reauthenticate/",
    "/accounts/logout/",
    "/static/",
    "/language/",
    "/api/",
)


def requires_mfa(user: Any) -> bool:
    """Whether the person is a member of a government organisation."""
    return Membership.objects.filter(
        user=user, organisation__sector=Sector.GOVERNMENT, organisation__is_active=True
    ).exists()


class GovernmentMfaMiddleware:
    """Send government members without TOTP to enrolment before anything else.

    The check runs once per session once it passes (removing the factor clears the flag).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.GOVHUB_MFA_REQUIRED_FOR_GOVERNMENT
            and user is not None
            and user.is_authenticated
            and not request.session.get(SESSION_FLAG)
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            if requires_mfa(user) and not mfa_enabled(user):
                return HttpResponseRedirect(reverse("mfa_activate_totp"))
            request.session[SESSION_FLAG] = True
        return self.get_response(request)
