"""Whole-page caching for anonymous visitors.

Signed-in people, pages that set cookies or use a CSRF token, and requests with pending
messages are never cached, so nothing personal is ever shared. A page whose content depends
on data passes a `version` function (a cheap query); a new version is a new cache key, so
edits show at once on every web node without any invalidation message.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

View = Callable[..., HttpResponse]


def _cacheable_request(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return (
        request.method in ("GET", "HEAD")
        and user is not None
        and not user.is_authenticated
        and len(get_messages(request)) == 0
    )


def _cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not response.has_header("Set-Cookie")
    )


def anonymous_page_cache(
    *,
    seconds: int,
    key: Callable[[HttpRequest], str] | None = None,
    version: Callable[[HttpRequest], str] | None = None,
) -> Callable[[View], View]:
    """Serve anonymous visitors a cached copy of the page, per language and `key`.

    `key` names what the page depends on in the request (by default only its path, so random
    query strings cannot fill the cache or force renders); `version`, what it depends on in
    the data.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _cacheable_request(request):
                return view(request, *args, **kwargs)
            parts = [get_language() or "", key(request) if key else request.path]
            if version is not None:
                parts.append(version(request))
            cache_key = "govhub:page:" + hashlib.sha256("|".join(parts).encode()).hexdigest()
            cached = cache.get(cache_key)
            if cached is not None:
                content, content_type = cached
                return HttpResponse(content, content_type=content_type)
            response = view(request, *args, **kwargs)
            if _cacheable_response(request, response):
                cache.set(cache_key, (response.content, response["Content-Type"]), seconds)
            return response

        return wrapped

    return decorator
