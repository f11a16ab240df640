"""Home page, language choice, health check and the friendly error pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language, gettext
from django.views.decorators.http import require_GET

from govhub.core.caching import anonymous_page_cache
from govhub.core.errors import request_refusal
from govhub.core.permissions import public
from govhub.core.responses import error_response
from govhub.core.source import source_archive


@public
@require_GET
@anonymous_page_cache(seconds=300)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@public
@require_GET
def source(request: HttpRequest) -> HttpResponse:
    """The installed program's source as a .tar.gz (the AGPL's offer to network users)."""
    content, digest = source_archive()
    etag = f'"{digest}"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified(headers={"ETag": etag})
    response = HttpResponse(content, content_type="application/gzip")
    response["Content-Disposition"] = 'attachment; filename="govhub-source.tar.gz"'
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=3600"
    return response


@public
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


@public
@require_GET
def language(request: HttpRequest) -> HttpResponse:
    """Remember the chosen language in a cookie and go back (a link, so it works anywhere).

    A plain GET link rather than Django's POST `set_language`: it keeps anonymous pages free of
    CSRF tokens (so they can be cached) and changes nothing but a preference cookie.
    """
    code = request.GET.get("lang", "")
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if code in dict(settings.LANGUAGES) and check_for_language(code):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE or 365 * 24 * 3600,
            path=settings.LANGUAGE_COOKIE_PATH,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite="Lax",
        )
    return response


@public
def baseline(request: HttpRequest) -> HttpResponse:
    """The benchmark baseline: the smallest Django view, behind the same middleware."""
    return HttpResponse(b"ok", content_type="text/plain")


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    refusal = request_refusal(exception) if isinstance(exception, Exception) else None
    if refusal is not None:  # too many fields or files, a body over the limit
        return error_response(
            request, status=refusal.status, code=refusal.code, message=refusal.message
        )
    return error_response(
        request, status=400, code="bad_request", message=gettext("The request was not valid.")
    )


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return error_response(
        request,
        status=403,
        code="permission_denied",
        message=gettext("You do not have permission to do this."),
    )


def page_not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return error_response(
        request,
        status=404,
        code="not_found",
        message=gettext("We could not find that page. It may have moved or never existed."),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return error_response(
        request,
        status=500,
        code="server_error",
        message=gettext("Something went wrong on our side. Please try again later."),
        minimal=True,
    )
