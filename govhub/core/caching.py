"""Whole-page caching for anonymous visitors.

Signed-in people, pages that set cookies or use a CSRF token, and requests with pending
messages are never cached, so nothing personal is ever shared. A page whose content depends
on data passes a `version` function (an index lookup: see `govhub.core.versions`); a new
version is a new cache key, so edits show at once on every web node without any invalidation
message.

A page is stored as rendered and gzip- and brotli-compressed (`govhub.core.encodings`): a hit
picks the body the client accepts and does no compression. A cached page carries no secret (no
CSRF token, no cookie, nobody's data), so compressing it leaks nothing (BREACH): see
docs/adr/0020-compressed-page-cache-and-versions.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from govhub.core.encodings import IDENTITY, choose_encoding, encodings_of

View = Callable[..., HttpResponse]
# The stored entry is (content type, {coding: body}); the prefix names that format, so entries
# of an older format in a shared cache are never misread.
KEY_PREFIX = "govhub:page:v2:"


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
            parts = [key(request) if key else request.path]
            if version is not None:
                parts.append(version(request))
            return page_cache_serve(
                request,
                parts=parts,
                seconds=seconds,
                produce=lambda: view(request, *args, **kwargs),
            )

        return wrapped

    return decorator


def page_cache_serve(
    request: HttpRequest,
    *,
    parts: Sequence[str],
    seconds: int,
    produce: Callable[[], HttpResponse],
) -> HttpResponse:
    """Serve anonymous visitors the page stored under `parts` (and the language), or
    `produce()` it and store it; everyone else gets `produce()`.

    For a view that reads what it shows more cheaply than it renders it (a list's rows by an
    index): its `parts` can be those rows themselves, so the copy is never stale and a hit
    costs the reads but no rendering and no compression.
    """
    if not _cacheable_request(request):
        return produce()
    identity = "|".join([get_language() or "", *parts])
    cache_key = KEY_PREFIX + hashlib.sha256(identity.encode()).hexdigest()
    cached = cache.get(cache_key)
    if cached is not None:
        content_type, bodies = cached
        return _encoded(request, HttpResponse(content_type=content_type), bodies)
    response = produce()
    if not _cacheable_response(request, response):
        return response
    bodies = encodings_of(response.content)
    cache.set(cache_key, (response["Content-Type"], bodies), seconds)
    return _encoded(request, response, bodies)


def _encoded(
    request: HttpRequest, response: HttpResponse, bodies: dict[str, bytes]
) -> HttpResponse:
    """`response` with the body in the coding the client prefers among those stored."""
    coding = choose_encoding(request.META.get("HTTP_ACCEPT_ENCODING", ""), tuple(bodies))
    response.content = bodies[coding]
    if coding != IDENTITY:
        response["Content-Encoding"] = coding
    # Shared caches in front must keep one copy per coding.
    patch_vary_headers(response, ("Accept-Encoding",))
    return response
