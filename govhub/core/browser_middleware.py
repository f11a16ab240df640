"""Django's session, authentication and messages middleware, skipped for API calls that
carry a token.

A call to `/api/` with `Authorization: Bearer …` is authenticated by its token alone
(accounts/rest.py): it has no session, no CSRF cookie to check (a token is not sent by the
browser on its own, so there is nothing to forge) and no messages. Everything else in
settings.MIDDLEWARE (request id, security and privacy headers, body limits, the JSON guard,
the error envelope, language, CSP, allauth and the privileged-session check, which lets token
calls through) still runs for it, and for every other request these three run as Django's own.
Django's own CSRF middleware stays as it is, under its own name, which Django's deployment
check looks for (the API's operations are exempt from it already; it costs a token call
next to nothing).

They are subclasses in Django's places in settings.MIDDLEWARE, so the order of the stack and
Django's checks (admin's need for sessions, authentication and messages) are unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import AuthenticationMiddleware as _Authentication
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.middleware import MessageMiddleware as _Messages
from django.contrib.sessions.middleware import SessionMiddleware as _Session
from django.http import HttpRequest

API_PREFIX = "/api/"


def carries_api_token(request: HttpRequest) -> bool:
    """An API call authenticated by a bearer token, not by a session cookie."""
    if not request.path.startswith(API_PREFIX):
        return False
    header: str = request.META.get("HTTP_AUTHORIZATION", "")
    return header[:6].lower() == "bearer"


class _SkippedForTokens:
    """Pass an API call with a token straight on; run the Django middleware otherwise."""

    get_response: Callable[[HttpRequest], Any]

    def __call__(self, request: HttpRequest) -> Any:
        if carries_api_token(request):
            self.skipped(request)
            return self.get_response(request)
        return super().__call__(request)  # type: ignore[misc]

    def skipped(self, request: HttpRequest) -> None:
        """What the request needs from this middleware even when it is skipped."""


class SessionMiddleware(_SkippedForTokens, _Session):
    pass


class AuthenticationMiddleware(_SkippedForTokens, _Authentication):
    def skipped(self, request: HttpRequest) -> None:
        # Anonymous until the token check names the person (as without a session cookie).
        request.user = AnonymousUser()


class MessageMiddleware(_SkippedForTokens, _Messages):
    pass
