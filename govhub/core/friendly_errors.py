"""The friendly error pages in debug mode too, unless a developer asks for Django's.

`make run` serves with DJANGO_DEBUG=1 (plain-HTTP cookies, no HTTPS redirect, static files
from the apps): without this middleware a newcomer's first wrong address shows Django's
technical page, which lists every URL pattern of the site, and an error shows a traceback
with the settings. With it, debug mode shows the same pages as production (templates of
core: 400, 403, 404, 500), and a server error's traceback goes to the log, as in
production. A developer who wants Django's pages sets GOVHUB_DEBUG_ERROR_PAGES=1. Outside
debug mode this middleware does nothing: Django's handlers already show the friendly pages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, get_urlconf, resolve

from govhub.core import views
from govhub.core.responses import is_api_request

request_logger = logging.getLogger("django.request")


def _active(request: HttpRequest) -> bool:
    return bool(
        settings.DEBUG
        and not settings.GOVHUB_DEBUG_ERROR_PAGES
        and not is_api_request(request)  # the API answers errors in its JSON envelope
    )


class FriendlyErrorPagesMiddleware:
    """In debug mode, answer unknown addresses and view errors with the friendly pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _active(request):
            try:
                resolve(request.path_info, getattr(request, "urlconf", None) or get_urlconf())
            except Resolver404:
                # CommonMiddleware (outside this one) still turns this 404 into the redirect
                # to the address with a trailing slash when that one exists.
                return views.page_not_found(request)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _active(request):
            return None
        if isinstance(exception, Http404):
            return views.page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return views.permission_denied(request, exception)
        if isinstance(exception, SuspiciousOperation):
            security = logging.getLogger(f"django.security.{exception.__class__.__name__}")
            security.error(str(exception), exc_info=exception)
            return views.bad_request(request, exception)
        if isinstance(exception, BadRequest):
            return views.bad_request(request, exception)
        request_logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exception,
            extra={"request": request, "status_code": 500},
        )
        return views.server_error(request)
