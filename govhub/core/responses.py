"""Error responses in the two shapes GovHub speaks: the API envelope and a friendly page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

API_PREFIX = "/api/"


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def envelope(code: str, message: str, details: Any = None) -> dict[str, Any]:
    """The error envelope of DESIGN.md section 3."""
    error: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return {"error": error}


def error_response(
    request: HttpRequest,
    *,
    status: int,
    code: str,
    message: str,
    details: Any = None,
    minimal: bool = False,
) -> HttpResponse:
    """JSON envelope under /api/, an HTML error page elsewhere.

    `minimal` renders without the request (no session, no database), for the 500 page.
    """
    if is_api_request(request):
        return JsonResponse(envelope(code, message, details), status=status)
    html = render_to_string(
        "core/error.html",
        {"status": status, "code": code, "message": message, "minimal": minimal},
        request=None if minimal else request,
    )
    return HttpResponse(html, status=status)
