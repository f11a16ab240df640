"""The REST API's shared parts: the error envelope for every failure, and access markers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import PaginationBase

from govhub.core.errors import DomainError, InvalidInput, request_refusal
from govhub.core.paging import (
    COUNT_LIMIT,
    MAX_CURSOR_LENGTH,
    MAX_PAGE_SIZE,
    cheap_count,
    cursor_of,
    keyset_page,
)
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


def install_malformed_body_handler(api: NinjaAPI) -> None:
    """A multipart body Django cannot parse (no boundary, say) is a 400, as on a web page."""

    def on_malformed_body(request: HttpRequest, exc: object) -> HttpResponse:
        return _json(400, "invalid_body", _("The request body could not be read."))

    api.add_exception_handler(MultiPartParserError, on_malformed_body)


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


# How deep `?page=N` may reach: an offset reads every row before it, so past this a client
# pages by cursor (ADR 0018).
MAX_OFFSET = 10_000
LIST_DESCRIPTION = (
    "Pages by cursor: pass `next_cursor` as `cursor` for the next page (it is empty on the "
    "last page); a cursor from elsewhere is refused with `invalid_cursor`. `page` still works "
    f"for the first {MAX_OFFSET:,} rows (`page_too_deep` past them). `count` is exact up to "
    f"{COUNT_LIMIT:,} rows and an estimate past them (`count_exact` says which)."
)


class KeysetPage(PaginationBase):
    """`?cursor=…&page_size=M` (at most 200), or the old `?page=N` near the start; the answer
    is `{"items": [...], "count": N, "count_exact": bool, "next_cursor": "…"}`."""

    class Input(Schema):
        cursor: str = Field(
            "", max_length=MAX_CURSOR_LENGTH, description="`next_cursor` of the previous page"
        )
        page: int | None = Field(
            None, ge=1, le=MAX_OFFSET, description="A page number (the first rows only)"
        )
        page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)

    class Output(Schema):
        items: list[Any]
        count: int = Field(..., description=f"Exact up to {COUNT_LIMIT:,}, estimated past it")
        count_exact: bool
        next_cursor: str = Field(..., description="Pass as `cursor`; empty on the last page")

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        size, number = pagination.page_size, pagination.page or 1
        if pagination.cursor and pagination.page:
            raise InvalidInput(
                _("Give a cursor or a page number, not both."), code="cursor_and_page"
            )
        if number > 1:
            offset = (number - 1) * size
            if offset + size > MAX_OFFSET:
                raise InvalidInput(
                    _("Pages this deep are read by cursor: follow next_cursor."),
                    code="page_too_deep",
                )
            rows = list(queryset[offset : offset + size + 1])
            following = cursor_of(queryset, rows[size - 1]) if len(rows) > size else ""
            items = rows[:size]
        else:
            page = keyset_page(queryset, after=pagination.cursor, size=size)
            items, following = page.items, page.next_cursor
        count = cheap_count(queryset)
        return {
            "items": items,
            "count": count.value,
            "count_exact": count.exact,
            "next_cursor": following,
        }


# The old name, for code written before lists paged by cursor.
PageNumber = KeysetPage


# The envelope every error response carries, as one shared OpenAPI component.
ERROR_ENVELOPE_SCHEMA: dict[str, Any] = {
    "title": "ErrorEnvelope",
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "description": "A stable code, e.g. `not_found`"},
                "message": {"type": "string", "description": "A translated explanation"},
                "details": {"description": "What exactly was wrong, where the code has more"},
            },
        }
    },
}
ERROR_ENVELOPE_REF = {"$ref": "#/components/schemas/ErrorEnvelope"}
WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})


def _error_descriptions(operation: dict[str, Any], method: str) -> dict[int, str]:
    """The error statuses an operation can answer with, from its method, auth and parameters."""
    errors = {
        400: "invalid_input (or a more precise code): the parameters or body are not valid",
        401: "not_authenticated: a token was sent and is not valid",
    }
    if operation.get("security"):
        errors[401] = "not_authenticated: no token was sent, or it is not valid"
        errors[403] = "permission_denied, mfa_required or another refusal: not allowed to do this"
    if operation.get("parameters") or "requestBody" in operation:
        # a path, query or body value may name an object that isn't there
        errors[404] = "not_found (or a more precise code): no such object, or one you may not see"
    if method in WRITE_METHODS:
        errors[409] = "conflict, e.g. step_changed: the object changed since you read it"
        errors[413] = "payload_too_large: the request body is too large"
        errors[422] = "rule_broken (or a more precise code): a domain rule refuses it"
    if "requestBody" in operation:
        errors[415] = "unsupported_media_type: the body is not in a media type listed here"
    return errors


def add_error_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Document each operation's error responses with the shared `ErrorEnvelope` schema."""
    schema.setdefault("components", {}).setdefault("schemas", {})["ErrorEnvelope"] = (
        ERROR_ENVELOPE_SCHEMA
    )
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for status, description in _error_descriptions(operation, method).items():
                if status in responses or str(status) in responses:
                    continue  # the operation documents this one itself
                responses[status] = {
                    "description": description,
                    "content": {"application/json": {"schema": ERROR_ENVELOPE_REF}},
                }
    return schema


def document_error_responses(api: NinjaAPI) -> None:
    """Make `api`'s OpenAPI document list the error responses of every operation."""
    generate = api.get_openapi_schema

    def get_openapi_schema(*args: Any, **kwargs: Any) -> Any:
        return add_error_responses(generate(*args, **kwargs))

    api.get_openapi_schema = get_openapi_schema  # type: ignore[method-assign]
