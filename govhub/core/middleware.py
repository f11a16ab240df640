"""Request id, client address, body-length limits, HEAD, and the privacy headers."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.cache import add_never_cache_headers

from govhub.core import context
from govhub.core.responses import error_response

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestContextMiddleware:
    """Give each request an id (kept from a sane `X-Request-ID`) and note the client address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        address = request.META.get("REMOTE_ADDR", "")
        request.request_id = request_id  # type: ignore[attr-defined]
        token = context.set_current(
            context.RequestContext(request_id=request_id, client_address=address)
        )
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request_id
        return response


class UploadLimitMiddleware:
    """Refuse a body of unknown length (411) or over GOVHUB_MAX_UPLOAD_BYTES (413) before
    reading it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _length_unknown(request):
            return error_response(
                request,
                status=411,
                code="length_required",
                message=_length_required_message(),
            )
        limit: int = settings.GOVHUB_MAX_UPLOAD_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return error_response(
                request,
                status=413,
                code="payload_too_large",
                message=_too_large_message(limit),
            )
        return self.get_response(request)


def _length_unknown(request: HttpRequest) -> bool:
    """A chunked body without a Content-Length: under WSGI Django would read it as empty (the
    body silently dropped), and its size could not be checked before reading."""
    return bool(request.META.get("HTTP_TRANSFER_ENCODING")) and not request.META.get(
        "CONTENT_LENGTH"
    )


def _length_required_message() -> str:
    from django.utils.translation import gettext

    return gettext("Send the request body with a Content-Length header, not in chunks.")


def _too_large_message(limit: int) -> str:
    from django.template.defaultfilters import filesizeformat
    from django.utils.translation import gettext

    return gettext("The upload is too large. The largest allowed size is %(size)s.") % {
        "size": filesizeformat(limit)
    }


class RequestIdLogFilter(logging.Filter):
    """Adds `request_id` to every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = context.current().request_id or "-"
        return True


class HeadAsGetMiddleware:
    """Answer HEAD wherever GET is answered (the API's operations and `require_GET` pages
    too): run the request as GET and send the same status and headers without the body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "HEAD":
            return self.get_response(request)
        request.method = "GET"
        response = self.get_response(request)
        if isinstance(response, StreamingHttpResponse):
            response.streaming_content = []
        else:
            length = len(response.content)
            response.content = b""
            # Content-Length stays that of the GET answer (RFC 9110 section 9.3.2).
            response["Content-Length"] = response.get("Content-Length", str(length))
        return response


# Browser features no GovHub page uses are switched off for the page and anything it embeds.
# Only clipboard writing is used (the "copy" buttons of site.js), by the page itself.
PERMISSIONS_POLICY = ", ".join(
    [
        *(
            f"{feature}=()"
            for feature in (
                "accelerometer",
                "autoplay",
                "bluetooth",
                "browsing-topics",
                "camera",
                "display-capture",
                "encrypted-media",
                "fullscreen",
                "geolocation",
                "gyroscope",
                "hid",
                "idle-detection",
                "magnetometer",
                "microphone",
                "midi",
                "payment",
                "picture-in-picture",
                "publickey-credentials-create",
                "publickey-credentials-get",
                "screen-wake-lock",
                "serial",
                "usb",
                "web-share",
                "xr-spatial-tracking",
            )
        ),
        "clipboard-read=()",
        "clipboard-write=(self)",
    ]
)


class PrivacyHeadersMiddleware:
    """`Permissions-Policy` on every response; `Cache-Control: no-store, private` on every
    answer to a signed-in person (page or API token), unless its view declared it public."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if _signed_in(request) and not _cache_control(response) & {"public", "no-store"}:
            add_never_cache_headers(response)
        return response


def _signed_in(request: HttpRequest) -> bool:
    """A session's person, or a request with credentials (a token read by a public operation
    leaves `request.user` anonymous, yet the answer may show more to that person)."""
    if request.META.get("HTTP_AUTHORIZATION"):
        return True
    # Static files (WhiteNoise) and early refusals never reach the authentication middleware.
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def _cache_control(response: HttpResponse) -> set[str]:
    """The response's Cache-Control directive names. A view that sent `public` said its answer
    is the same for everyone (the indices API); one that sent `no-store` needs nothing more."""
    directives = response.get("Cache-Control", "").lower().split(",")
    return {directive.strip().split("=")[0] for directive in directives}
