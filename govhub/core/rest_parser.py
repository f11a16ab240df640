"""The API's JSON parser: bounded depth, finite numbers in range, an object at the top."""

from __future__ import annotations

import json
import re
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja.parser import Parser

from govhub.core.errors import InvalidInput
from govhub.core.responses import envelope, is_api_request

MAX_DEPTH = 32
INT_LIMIT = 2**63


def _refuse_constant(name: str) -> Any:
    raise InvalidInput(_("Numbers must be finite."), code="number_out_of_range")


def _parse_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")) or value != value:
        raise InvalidInput(_("Numbers must be finite."), code="number_out_of_range")
    return value


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > 19 or abs(int(text)) >= INT_LIMIT:
        raise InvalidInput(_("A number is out of range."), code="number_out_of_range")
    return int(text)


# A whole string literal (matched in C, escapes included) or one bracket.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def check_depth(raw: str, limit: int = MAX_DEPTH) -> None:
    """Refuse JSON nested deeper than `limit`, scanning the text without recursion."""
    depth = 0
    for match in _TOKENS.finditer(raw):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > limit:
                raise InvalidInput(_("The JSON is nested too deeply."), code="json_too_deep")
        elif token in ("]", "}"):
            depth -= 1


_PARSED = "_govhub_json_body"


def _checked(request: HttpRequest) -> dict[str, Any]:
    """The body as a JSON object, or InvalidInput with a stable code."""
    try:
        raw = request.body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(_("The body is not UTF-8."), code="invalid_json") from exc
    check_depth(raw)
    try:
        data = json.loads(
            raw,
            parse_constant=_refuse_constant,
            parse_float=_parse_float,
            parse_int=_parse_int,
        )
    except ValueError as exc:
        raise InvalidInput(_("The body is not valid JSON."), code="invalid_json") from exc
    if not isinstance(data, dict):
        raise InvalidInput(_("The body must be a JSON object."), code="invalid_input")
    return data


class SafeJsonParser(Parser):
    """Parses a request body before any handler, authentication or database work runs."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        cached = getattr(request, _PARSED, None)
        if cached is not None:  # the middleware already parsed and checked this body
            return cached  # type: ignore[no-any-return]
        data = _checked(request)
        setattr(request, _PARSED, data)
        return data


class JsonGuardMiddleware:
    """Refuses junk JSON under /api/ before authentication, so anonymous junk costs nothing."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        if (
            is_api_request(request)
            and request.method in ("POST", "PUT", "PATCH")
            and request.content_type == "application/json"
            and request.body
        ):
            try:
                SafeJsonParser().parse_body(request)  # cached on the request for ninja
            except InvalidInput as exc:
                return JsonResponse(envelope(exc.code, exc.message), status=exc.status)
        return self.get_response(request)
