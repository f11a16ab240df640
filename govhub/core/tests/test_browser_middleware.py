"""API calls with a token skip the session, CSRF, authentication and messages middleware
(govhub.core.browser_middleware); everything else still guards them, and pages and session
calls keep all of it."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import signed_in_client, token_for
from govhub.accounts.models import ApiToken
from govhub.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def _bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(user)}"}


def test_a_token_call_gets_its_answer_and_every_guarding_header_but_no_session(user):
    # when
    response = Client().get("/api/v1/me", headers=_bearer(user))
    # then: the token's person, with the security, privacy and request headers
    assert (response.status_code, response.json()["email"]) == (200, user.email)
    assert response["X-Request-ID"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "clipboard-write=(self)" in response["Permissions-Policy"]
    assert "no-store" in response["Cache-Control"]
    assert "Content-Security-Policy" in response
    # and no session, CSRF or message cookie was made for it
    assert not response.cookies


def test_a_token_call_skips_the_session_middleware(user, monkeypatch):
    from django.contrib.sessions.backends.base import SessionBase

    # given: sessions that cannot be made
    def refuse(self, *args, **kwargs):
        raise AssertionError("a session was made")

    monkeypatch.setattr(SessionBase, "__init__", refuse)
    # when / then: a token call still works
    assert Client().get("/api/v1/me", headers=_bearer(user)).status_code == 200


def test_a_wrong_token_is_still_a_401_in_the_envelope():
    response = Client().get("/api/v1/me", headers={"Authorization": "Bearer ghb_wrong"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == 'Bearer realm="govhub"'


def test_token_calls_still_meet_the_body_guards_and_the_error_envelope(user):
    client = Client()
    # a body over the limit
    big = client.generic(
        "POST",
        "/api/v1/organisations",
        b"x",
        content_type="application/json",
        headers=_bearer(user),
        CONTENT_LENGTH="999999999",
    )
    # a method the path does not take
    wrong = client.generic("PATCH", "/api/v1/me", "", headers=_bearer(user))
    # malformed JSON
    broken = client.post(
        "/api/v1/organisations", "{", content_type="application/json", headers=_bearer(user)
    )
    assert (big.status_code, big.json()["error"]["code"]) == (413, "payload_too_large")
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (405, "method_not_allowed")
    assert broken.status_code == 400
    assert broken.json()["error"]["code"]
    assert not Organisation.objects.exists()


def test_a_session_cannot_write_through_the_api(user):
    # given: a signed-in browser session, no token
    client = signed_in_client(user)
    # when: it posts to an API write
    response = client.post(
        "/api/v1/organisations",
        {"name": "Forged", "kind": "cso", "subtype": "ngo"},
        content_type="application/json",
    )
    # then: writes need a token; nothing was written
    assert (response.status_code, response.json()["error"]["code"]) == (401, "not_authenticated")
    assert not Organisation.objects.exists()


def test_pages_still_refuse_a_post_without_the_csrf_token(user):
    # given: a signed-in session in a client that checks CSRF as a browser would
    client = signed_in_client(user)
    client.handler.enforce_csrf_checks = True
    # when: a form is posted without its CSRF token
    response = client.post("/account/", {"name": "scraper"})
    # then
    assert response.status_code == 403
    assert not ApiToken.objects.filter(user=user, name="scraper").exists()


def test_calls_without_a_token_keep_the_session_middleware(user, monkeypatch):
    from django.contrib.sessions.backends.base import SessionBase

    # given: a signed-in browser session, and a count of the sessions loaded
    client = signed_in_client(user)
    loaded = []
    real_init = SessionBase.__init__

    def counting(self, *args, **kwargs):
        loaded.append(1)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(SessionBase, "__init__", counting)
    # when: the API and a page are called without a token, and the API with one
    client.get("/api/v1/programmes")
    client.get("/account/")
    without_token = len(loaded)
    Client().get("/api/v1/me", headers=_bearer(user))
    # then: the session was loaded for each call without a token, not for the token call
    assert without_token == 2
    assert len(loaded) == 2
