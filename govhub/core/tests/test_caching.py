from __future__ import annotations

import pytest
from django.contrib.messages import add_message, constants
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory

from govhub.core.caching import anonymous_page_cache

pytestmark = pytest.mark.django_db


def _request(path: str = "/page/", user=None):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get(path)
    SessionMiddleware(lambda r: HttpResponse()).process_request(request)
    MessageMiddleware(lambda r: HttpResponse()).process_request(request)
    request.user = user or AnonymousUser()
    return request


def _counting_view():
    calls = []

    @anonymous_page_cache(seconds=60)
    def view(request):
        calls.append(1)
        return HttpResponse(f"render {len(calls)}")

    return view, calls


def test_second_anonymous_request_is_served_from_cache():
    view, calls = _counting_view()
    assert view(_request()).content == b"render 1"
    assert view(_request()).content == b"render 1"
    assert len(calls) == 1


def test_each_key_has_its_own_copy():
    calls = []

    @anonymous_page_cache(seconds=60, key=lambda request: request.GET.get("a", ""))
    def view(request):
        calls.append(1)
        return HttpResponse("x")

    view(_request("/page/?a=1"))
    view(_request("/page/?a=2&junk=3"))
    view(_request("/page/?a=2&junk=4"))
    assert len(calls) == 2


def test_signed_in_people_always_get_a_fresh_page(user):
    view, calls = _counting_view()
    view(_request(user=user))
    view(_request(user=user))
    assert len(calls) == 2


def test_pending_messages_bypass_the_cache():
    view, calls = _counting_view()
    view(_request())
    request = _request()
    add_message(request, constants.INFO, "You have signed out.")
    assert view(request).content == b"render 2"
    assert len(calls) == 2


def test_a_page_that_used_a_csrf_token_is_not_stored():
    calls = []

    @anonymous_page_cache(seconds=60)
    def view(request):
        calls.append(get_token(request))
        return HttpResponse("form")

    view(_request())
    view(_request())
    assert len(calls) == 2


def test_unknown_query_strings_share_the_paths_copy():
    view, calls = _counting_view()
    view(_request("/page/?utm=1"))
    view(_request("/page/?utm=2"))
    assert len(calls) == 1
