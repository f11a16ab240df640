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


def _page_view(body: bytes):
    calls = []

    @anonymous_page_cache(seconds=60)
    def view(request):
        calls.append(1)
        return HttpResponse(body, content_type="text/html; charset=utf-8")

    return view, calls


def _accepting(header: str, path: str = "/page/"):
    request = _request(path)
    if header:
        request.META["HTTP_ACCEPT_ENCODING"] = header
    return request


PAGE = b"<p>" + b"A programme and its organisations. " * 40 + b"</p>"


@pytest.mark.parametrize(
    ("header", "coding"),
    [
        ("gzip, deflate, br", "br"),
        ("gzip", "gzip"),
        ("br;q=0.5, gzip;q=0.8", "gzip"),
        ("x-gzip", "gzip"),
        ("", None),
        ("identity", None),
        ("br;q=0, gzip;q=0", None),
        ("*", "br"),
        ("*;q=0, gzip", "gzip"),
    ],
)
def test_a_hit_sends_the_stored_body_the_client_prefers(header, coding):
    import gzip

    import brotli

    # given a page stored by an earlier request
    view, calls = _page_view(PAGE)
    view(_accepting("gzip"))
    # when another client asks for it
    response = view(_accepting(header))
    # then it gets the coding it prefers, decoding to the page, and nothing was rendered again
    assert len(calls) == 1
    assert response.get("Content-Encoding") == coding
    assert "Accept-Encoding" in response["Vary"]
    decode = {"br": brotli.decompress, "gzip": gzip.decompress, None: lambda b: b}[coding]
    assert decode(response.content) == PAGE
    assert response["Content-Type"] == "text/html; charset=utf-8"


def test_a_hit_does_no_compression(monkeypatch):
    import gzip

    import brotli

    # given a stored page
    view, _ = _page_view(PAGE)
    first = view(_accepting("br"))

    # when it is served again, with compression made impossible
    def refuse(*args, **kwargs):
        raise AssertionError("compressed on a hit")

    monkeypatch.setattr(gzip, "compress", refuse)
    monkeypatch.setattr(brotli, "compress", refuse)
    again = [view(_accepting(h)) for h in ("br", "gzip", "")]
    # then each coding comes straight from the cache
    assert [r.get("Content-Encoding") for r in again] == ["br", "gzip", None]
    assert again[0].content == first.content


def test_a_tiny_page_is_stored_uncompressed():
    view, _ = _page_view(b"ok")
    view(_accepting("gzip"))
    response = view(_accepting("gzip, br"))
    assert response.content == b"ok"
    assert not response.has_header("Content-Encoding")


def test_the_request_that_fills_the_cache_gets_the_compressed_body_too():
    import gzip

    view, calls = _page_view(PAGE)
    response = view(_accepting("gzip"))
    assert len(calls) == 1
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == PAGE


def test_gzip_middleware_leaves_an_encoded_hit_alone():
    from django.middleware.gzip import GZipMiddleware

    # given a stored page, served through Django's GZip middleware as in production
    view, _ = _page_view(PAGE)
    view(_accepting("br"))
    stack = GZipMiddleware(view)
    # when a client that accepts both asks for it
    response = stack(_accepting("gzip, br"))
    assert isinstance(response, HttpResponse)
    # then the brotli body goes out as stored, not compressed again
    import brotli

    assert response["Content-Encoding"] == "br"
    assert brotli.decompress(response.content) == PAGE
