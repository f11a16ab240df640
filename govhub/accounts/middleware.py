"""Sessions of privileged people (staff, superusers, government members).

Checked on every request, with one query and no answer cached in the session: a person who
joins a government organisation, whose organisation becomes one, or who is made staff is sent
to set up a second factor at their very next request. Their sessions also end after
GOVHUB_SESSION_IDLE_MINUTES without a request and GOVHUB_SESSION_MAX_HOURS after sign-in.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

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
SIGNED_IN_AT = "govhub_signed_in_at"
LAST_SEEN_AT = "govhub_last_seen_at"
# Recording activity on every request would write the session each time; once a minute is
# precise enough for a limit counted in minutes.
_LAST_SEEN_RESOLUTION = 60


def session_started(request: HttpRequest) -> None:
    """Start the session's clocks (at sign-in)."""
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now


def _session_expired(request: HttpRequest) -> str | None:
    """Why the session has run out ("idle" or "max_age"), or None; records the activity."""
    now = int(time.time())
    session = request.session
    signed_in_at = session.setdefault(SIGNED_IN_AT, now)
    last_seen_at = session.get(LAST_SEEN_AT, now)
    if now - int(signed_in_at) > settings.GOVHUB_SESSION_MAX_HOURS * 3600:
        return "max_age"
    if now - int(last_seen_at) > settings.GOVHUB_SESSION_IDLE_MINUTES * 60:
        return "idle"
    if LAST_SEEN_AT not in session or now - int(last_seen_at) >= _LAST_SEEN_RESOLUTION:
        session[LAST_SEEN_AT] = now
    return None


def _signed_out(request: HttpRequest, reason: str) -> HttpResponse:
    logout(request)
    if reason == "idle":
        message = _(
            "You were signed out after %(minutes)d minutes without activity, to protect "
            "your organisation's work. Please sign in again."
        ) % {"minutes": settings.GOVHUB_SESSION_IDLE_MINUTES}
    else:
        message = _(
            "You were signed out %(hours)d hours after signing in, to protect your "
            "organisation's work. Please sign in again."
        ) % {"hours": settings.GOVHUB_SESSION_MAX_HOURS}
    if request.path.startswith(_API_PREFIX):
        return JsonResponse(envelope("session_expired", message), status=401)
    messages.info(request, message)
    next_url = request.get_full_path() if request.method in ("GET", "HEAD") else "/"
    return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")


class PrivilegedSessionMiddleware:
    """A privileged person without TOTP reaches nothing but enrolment: pages (and `/admin/`)
    redirect to it, session calls to the API get 403 `mfa_required`. Their sessions expire
    when idle and at an absolute limit. Calls that carry an API token are left to the token
    check, which applies the same second-factor rule."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        path = request.path
        if (
            user is None
            or not user.is_authenticated
            or path.startswith("/static/")
            or (path.startswith(_API_PREFIX) and "Authorization" in request.headers)
        ):
            return self.get_response(request)
        status = mfa_status(user)
        # The reauthentication and enrolment pages say why they ask (templates read this).
        request.govhub_mfa = status  # type: ignore[attr-defined]
        if status.privileged:
            reason = _session_expired(request)
            if reason is not None:
                return _signed_out(request, reason)
        if status.missing and not path.startswith(_OPEN_PREFIXES):
            if path.startswith(_API_PREFIX):
                error = mfa_required_error()
                return JsonResponse(envelope(error.code, error.message), status=error.status)
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
