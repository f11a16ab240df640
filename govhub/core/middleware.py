"""Request id, client address and upload-size limits."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from govhub.core import context
from govhub.core.clientip import client_ip
from govhub.core.responses import error_response

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestContextMiddleware:
    """Give each request an id (kept from a sane `X-Request-ID`) and note the client address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        address = client_ip(request)
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
    """Refuse a request body over GOVHUB_MAX_UPLOAD_BYTES with 413 before reading it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
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
