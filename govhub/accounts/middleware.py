"""Sessions of privileged people (staff, superusers, government members).

Checked on every request, with one query and no answer cached in the session: a person who
joins a government organisation, whose organisation becomes one, or who is made staff is sent
to set up a second factor at their very next request.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from govhub.accounts.mfa import mfa_required_error, mfa_status
from govhub.core.api import envelope

# Pages a person may reach before enrolling: enrolment itself (behind allauth's
# re-authentication), sign-out, assets, the language switch.
_OPEN_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/reauthenticate/",
    "/accounts/logout/",
    "/static/",
    "/language/",
)
_API_PREFIX = "/api/"


class PrivilegedSessionMiddleware:
    """A privileged person without TOTP reaches nothing but enrolment: pages (and `/admin/`)
    redirect to it, session calls to the API get 403 `mfa_required`. Calls that carry an API
    token are left to the token check, which applies the same rule."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        path = request.path
        if (
            user is not None
            and user.is_authenticated
            and not path.startswith(_OPEN_PREFIXES)
            and not (path.startswith(_API_PREFIX) and "Authorization" in request.headers)
            and mfa_status(user).missing
        ):
            if path.startswith(_API_PREFIX):
                error = mfa_required_error()
                return JsonResponse(envelope(error.code, error.message), status=error.status)
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
