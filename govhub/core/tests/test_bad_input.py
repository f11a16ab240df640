from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.utils import translation
from django.utils.translation import gettext

from govhub.core.testing import issue_test_document

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("[" * 1000 + "]" * 1000, "json_too_deep"),
        ('{"a": NaN}', "number_out_of_range"),
        ('{"a": Infinity}', "number_out_of_range"),
        ('{"a": 1e400}', "number_out_of_range"),
        ('{"a": 9223372036854775808}', "number_out_of_range"),
        ('{"a": ', "invalid_json"),
        ('"hello"', "invalid_input"),
        ("[1, 2]", "invalid_input"),
    ],
)
def test_junk_json_is_400_with_a_stable_code_and_costs_no_query(
    body, code, django_assert_num_queries
):
    # given an anonymous client (no session, no token)
    client = Client()
    # when it posts junk to a write endpoint
    with django_assert_num_queries(0):
        response = client.post("/api/v1/programmes", body, content_type="application/json")
    # then the parser refuses it before authentication, with a stable code
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


# Requests Django refuses while reading them: too many fields or files, a body over the limit.

TOO_MANY_FIELDS = {f"f{i}": "1" for i in range(1001)}  # DATA_UPLOAD_MAX_NUMBER_FIELDS is 1,000


@pytest.fixture
def document(document_signing):
    return issue_test_document()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/programmes",
        "/api/v1/organisations",
        "/api/v1/indices/editions",
        "/api/v1/indices/compare",
    ],
)
def test_an_api_query_with_too_many_fields_is_400_too_many_fields(path):
    # given an anonymous client
    client = Client()
    # when it sends a query string of 1,001 fields
    response = client.get(path, TOO_MANY_FIELDS)
    # then the API answers 400 in its envelope (it was a 500)
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "too_many_fields",
            "message": "The request has too many fields. At most 1000 are accepted.",
        }
    }


@pytest.mark.parametrize(
    "path", ["/programmes/", "/organisations/", "/indices/", "/indices/ranking/"]
)
def test_a_page_query_with_too_many_fields_is_the_400_page(path):
    # given an anonymous client reading Russian
    client = Client(headers={"Accept-Language": "ru"})
    # when it asks for a page with 1,001 query fields
    response = client.get(path, TOO_MANY_FIELDS)
    # then it gets the site's 400 page, translated, with the reason
    body = response.content.decode()
    assert response.status_code == 400
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert '<html lang="ru" dir="ltr">' in body
    assert "<h1>Запрос не принят</h1>" in body
    with translation.override("ru"):
        reason = gettext("The request has too many fields. At most %(n)d are accepted.")
    assert not reason.startswith("The request")  # the Russian text, not the English
    assert reason % {"n": 1000} in body


def test_the_verification_form_with_too_many_fields_is_the_400_page(document):
    # given the verification page of an issued document
    url = f"/documents/{document.public_id}/"
    client = Client(enforce_csrf_checks=True)  # CSRF reads the form first, as in production
    assert client.get(url).status_code == 200  # the CSRF cookie
    # when a form of 1,001 fields is posted to it
    response = client.post(url, TOO_MANY_FIELDS)
    # then the 400 page, not a 500 (the page ignores its query string, whatever its length)
    assert response.status_code == 400
    assert "The request has too many fields." in response.content.decode()


def test_the_verification_api_with_too_many_fields_is_400(document):
    # given an anonymous client
    client = Client()
    url = f"/api/v1/documents/{document.public_id}/verify"
    # when it posts a multipart form of 1,001 fields, and a query of 1,001 fields
    posted = client.post(url, TOO_MANY_FIELDS)
    queried = client.get(url, TOO_MANY_FIELDS)
    # then both are 400 too_many_fields
    assert (posted.status_code, posted.json()["error"]["code"]) == (400, "too_many_fields")
    assert (queried.status_code, queried.json()["error"]["code"]) == (400, "too_many_fields")


def test_a_signed_in_form_with_too_many_fields_is_400_and_writes_nothing(user):
    # given a signed-in person on the account page (the token form)
    from govhub.accounts.models import ApiToken

    client = Client()
    client.force_login(user)
    # when the form is posted with 1,001 fields
    response = client.post("/account/", {"name": "ci", **TOO_MANY_FIELDS})
    # then the 400 page, and no token was made
    assert response.status_code == 400
    assert "The request has too many fields." in response.content.decode()
    assert ApiToken.objects.count() == 0


def test_too_many_files_is_400_too_many_files(document):
    # given 101 files (DATA_UPLOAD_MAX_NUMBER_FILES is 100)
    from django.core.files.uploadedfile import SimpleUploadedFile

    def files():
        return {"file": [SimpleUploadedFile(f"{i}.pdf", b"%PDF") for i in range(101)]}

    # when they are posted to the verification page and to the API
    page = Client().post(f"/documents/{document.public_id}/", files())
    api = Client().post(f"/api/v1/documents/{document.public_id}/verify", files())
    # then both are 400 too_many_files
    assert page.status_code == 400
    assert "The request has too many files. At most 100 are accepted." in page.content.decode()
    assert (api.status_code, api.json()["error"]["code"]) == (400, "too_many_files")


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100, GOVHUB_MAX_UPLOAD_BYTES=10_000)
def test_a_body_over_djangos_own_limit_is_413(document):
    # given a body under GovHub's upload limit but over Django's for form fields
    field = {"sha256": "0" * 200}
    # when it is posted as a form to the page and the API, and as JSON to the API
    page = Client().post(f"/documents/{document.public_id}/", field)
    form = Client().post(f"/api/v1/documents/{document.public_id}/verify", field)
    json_body = Client().post(
        "/api/v1/programmes", {"title": "x" * 200}, content_type="application/json"
    )
    # then each is 413 payload_too_large (they were a 400 page and 500s)
    assert page.status_code == 413
    assert "The request body is too large." in page.content.decode()
    for response in (form, json_body):
        assert (response.status_code, response.json()["error"]["code"]) == (
            413,
            "payload_too_large",
        )


# A chunked body: under WSGI it reaches Django without a Content-Length, as an empty body.


@pytest.mark.parametrize("path", ["/api/v1/programmes", "/account/"])
def test_a_chunked_body_without_a_length_is_411_and_writes_nothing(path, user):
    # given a signed-in person (token for the API, session for the page)
    from govhub.accounts.models import ApiToken
    from govhub.programmes.models import Programme

    client = Client()
    client.force_login(user)
    tokens = ApiToken.objects.count()
    # when a body is sent in chunks, so the server passes no Content-Length
    response = client.generic(
        "POST",
        path,
        b'{"title": "Chunked"}' if path.startswith("/api/") else b"name=chunked",
        content_type=(
            "application/json" if path.startswith("/api/") else "application/x-www-form-urlencoded"
        ),
        headers={"Transfer-Encoding": "chunked"},
        CONTENT_LENGTH="",
    )
    # then it is refused with 411 rather than handled as an empty body
    assert response.status_code == 411
    if path.startswith("/api/"):
        assert response.json()["error"]["code"] == "length_required"
    else:
        assert "Send the request body with a Content-Length header" in response.content.decode()
    assert Programme.objects.count() == 0
    assert ApiToken.objects.count() == tokens


def test_a_body_with_its_length_is_read_whatever_the_transfer_encoding_header(user):
    # given a server that joined the chunks and set the Content-Length (as ASGI servers do)
    from govhub.accounts.models import ApiToken

    client = Client()
    client.force_login(user)
    # when the form is posted with both headers
    response = client.post(
        "/account/", {"name": "joined"}, headers={"Transfer-Encoding": "chunked"}
    )
    # then the body is read as usual
    assert response.status_code == 200
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["joined"]
