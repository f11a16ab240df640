"""The REST API's shared parts: the error envelope for every failure, and access markers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import PageNumberPagination

from govhub.core.errors import DomainError, request_refusal
from govhub.core.responses import envelope, is_api_request

logger = logging.getLogger(__name__)

# Put on an operation that anyone may call: `@router.get(..., auth=None, openapi_extra=PUBLIC)`.
PUBLIC_OPERATION: dict[str, Any] = {"x-govhub-access": "public"}

STATUS_CODES = {
    400: "invalid_input",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    411: "length_required",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "rule_broken",
    429: "too_many_requests",
}


def _json(status: int, code: str, message: str, details: Any = None) -> JsonResponse:
    return JsonResponse(envelope(code, message, details), status=status)


def install_error_handlers(api: NinjaAPI) -> None:
    """Every API error, 401 included, leaves as `{"error": {"code", "message"}}`."""

    def on_domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return _json(exc.status, exc.code, exc.message, exc.details)

    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        details = [
            {"loc": list(e.get("loc", [])), "msg": str(e.get("msg", "")), "type": e.get("type")}
            for e in exc.errors
        ]
        return _json(400, "invalid_input", _("The request is not valid."), details)

    def on_auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = _json(
            401,
            "not_authenticated",
            _("Authentication required: send a valid token as 'Authorization: Bearer <token>'."),
        )
        response["WWW-Authenticate"] = 'Bearer realm="govhub"'
        return response

    def on_http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja wraps a parser refusal in HttpError(400): keep the parser's stable code.
        if isinstance(exc.__cause__, DomainError):
            return on_domain(request, exc.__cause__)
        return _json(exc.status_code, STATUS_CODES.get(exc.status_code, "error"), str(exc))

    def on_404(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _json(404, "not_found", _("Not found."))

    def on_403(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _json(403, "permission_denied", _("You do not have permission to do this."))

    def on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        # Django refuses a request it cannot read safely (over 1,000 fields, too many files, a
        # body over the limit) only when a handler first reads it: a 4xx, never a 500.
        refusal = request_refusal(exc)
        if refusal is not None:
            return on_domain(request, refusal)
        return _json(400, "bad_request", _("The request was not valid."))

    def on_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("unhandled API error", exc_info=exc)
        return _json(500, "server_error", _("Something went wrong on our side."))

    handlers: list[tuple[type[Exception], Callable[..., HttpResponse]]] = [
        (DomainError, on_domain),
        (ValidationError, on_validation),
        (AuthenticationError, on_auth),
        (HttpError, on_http),
        (Http404, on_404),
        (PermissionDenied, on_403),
        (SuspiciousOperation, on_suspicious),
        (Exception, on_error),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)


class ApiErrorEnvelopeMiddleware:
    """Last line: any non-JSON error under /api/ (405 from routing, 404 in debug) is wrapped."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and is_api_request(request)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            code = STATUS_CODES.get(response.status_code, "error")
            wrapped = _json(response.status_code, code, _error_message(response.status_code))
            if response.has_header("Allow"):
                wrapped["Allow"] = response["Allow"]
            return wrapped
        return response


def _error_message(status: int) -> str:
    return {
        404: _("Not found."),
        405: _("This method is not allowed here."),
        413: _("The request body is too large."),
    }.get(status, _("The request was not accepted."))


class PageNumber(PageNumberPagination):
    """`?page=N&page_size=M` (at most 200); the answer is `{"items": [...], "count": N}`."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int = Field(50, ge=1, le=200)

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        size = pagination.page_size
        offset = (pagination.page - 1) * size
        return {"items": queryset[offset : offset + size], "count": self._items_count(queryset)}
