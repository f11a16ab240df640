"""The quick start (`make run`, DJANGO_DEBUG=1) shows the friendly error pages."""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpResponse
from django.test import Client, RequestFactory

from govhub.core.friendly_errors import FriendlyErrorPagesMiddleware

pytestmark = pytest.mark.django_db

FRIENDLY = "Go to the home page"
TECHNICAL = "Django tried these URL patterns"


@pytest.fixture
def debug(settings):
    settings.DEBUG = True
    settings.GOVHUB_DEBUG_ERROR_PAGES = False
    return settings


def test_an_unknown_address_shows_the_friendly_page_in_debug_mode(debug):
    # when
    response = Client().get("/no-such-page/")
    # then
    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page
    assert FRIENDLY in page
    assert TECHNICAL not in page


def test_a_view_that_finds_nothing_shows_the_friendly_page_in_debug_mode(debug):
    # when: the programme does not exist (the view raises Http404)
    response = Client().get("/programmes/999999/")
    # then
    page = response.content.decode()
    assert response.status_code == 404
    assert FRIENDLY in page
    assert "Raised by:" not in page


def test_the_trailing_slash_redirect_still_works_in_debug_mode(debug):
    response = Client().get("/programmes")
    assert response.status_code == 301
    assert response["Location"] == "/programmes/"


def test_the_api_keeps_its_json_envelope_in_debug_mode(debug):
    response = Client().get("/api/v1/no-such-endpoint")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("exception", "status", "title"),
    [
        (Http404("none"), 404, "Page not found"),
        (PermissionDenied(), 403, "Access denied"),
        (SuspiciousOperation("odd"), 400, "Request not accepted"),
        (BadRequest("bad"), 400, "Request not accepted"),
        (RuntimeError("boom"), 500, "Server error"),
    ],
)
def test_view_errors_show_the_friendly_pages_in_debug_mode(debug, exception, status, title):
    # given
    request = RequestFactory().get("/programmes/")
    middleware = FriendlyErrorPagesMiddleware(lambda r: HttpResponse())
    # when
    response = middleware.process_exception(request, exception)
    # then
    assert response is not None
    assert response.status_code == status
    assert title in response.content.decode()
    assert "boom" not in response.content.decode()


def test_a_server_error_is_logged_with_its_traceback(debug, caplog):
    request = RequestFactory().get("/programmes/")
    middleware = FriendlyErrorPagesMiddleware(lambda r: HttpResponse())
    with caplog.at_level(logging.ERROR, logger="django.request"):
        middleware.process_exception(request, RuntimeError("x"))
    assert caplog.records[-1].exc_info is not None
    assert caplog.records[-1].getMessage() == "Internal Server Error: /programmes/"


def test_developers_can_ask_for_djangos_pages(debug):
    # given
    debug.GOVHUB_DEBUG_ERROR_PAGES = True
    # when
    response = Client().get("/no-such-page/")
    # then
    assert response.status_code == 404
    assert TECHNICAL in response.content.decode()
    request = RequestFactory().get("/programmes/")
    middleware = FriendlyErrorPagesMiddleware(lambda r: HttpResponse())
    assert middleware.process_exception(request, Http404()) is None


def test_the_middleware_does_nothing_outside_debug_mode(settings):
    settings.DEBUG = False
    request = RequestFactory().get("/programmes/")
    middleware = FriendlyErrorPagesMiddleware(lambda r: HttpResponse())
    assert middleware.process_exception(request, Http404()) is None


def test_too_many_fields_is_the_friendly_400_page_with_its_reason_in_debug_mode(debug):
    # when: a page is asked for with 1,001 query fields
    response = Client().get("/programmes/", {f"f{n}": "x" for n in range(1001)})
    # then
    assert response.status_code == 400
    assert "The request has too many fields." in response.content.decode()
    assert FRIENDLY in response.content.decode()
