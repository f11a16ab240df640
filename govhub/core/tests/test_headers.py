"""Headers every answer carries: HEAD wherever GET works, Permissions-Policy, and no caching
of anything personal."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import signed_in_client, token_for
from govhub.core.testing import issue_test_document
from govhub.organisations.tests.factories import MembershipFactory, OrganisationFactory
from govhub.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

# Headers that differ between any two answers, whatever the method.
PER_ANSWER = {"X-Request-ID", "Date", "Expires"}


@pytest.fixture
def member() -> Any:
    organisation = OrganisationFactory(kind="cso", subtype="ngo", name="Elder Care Network")
    return MembershipFactory(organisation=organisation, role="manager")


def _real_path(template: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], template)


def test_head_answers_every_get_operation_of_the_api_as_get_does_without_a_body(member):
    # given real ids for every path parameter, and a token of a member
    from config.api import api

    programme = ProgrammeFactory(initiator=member.organisation, title="Too few carers")
    document = issue_test_document(
        issuer_organisation_id=member.organisation.pk, subject_id=str(programme.pk)
    )
    values = {
        "organisation_id": str(member.organisation.pk),
        "programme_id": str(programme.pk),
        "public_id": document.public_id,
        "iso3": "GEO",
        "year": "2024",
        # ids of nothing: HEAD must still answer as GET does (here, the same 404)
        "key": "no-such-key",
        "version": "1",
        "instance_id": "999999",
        "invitation_id": "999999",
        "contribution_id": "999999",
        "identifier": "no-such-service",
    }
    headers = {"Authorization": f"Bearer {token_for(member.user)}"}
    paths = [
        _real_path(path, values)
        for path, operations in api.get_openapi_schema()["paths"].items()
        if "get" in operations
    ]
    client = Client(headers=headers)
    # when each is asked with GET and with HEAD
    answers = {path: (client.get(path), client.head(path)) for path in paths}
    # then HEAD has GET's status and headers, and no body
    assert len(paths) >= 20
    for path, (got, head) in answers.items():
        assert (path, head.status_code) == (path, got.status_code)
        assert (path, head.content) == (path, b"")
        assert (path, set(head.headers) - PER_ANSWER) == (path, set(got.headers) - PER_ANSWER)
        assert head["Content-Type"] == got["Content-Type"]
    errors = {path: got.status_code for path, (got, _) in answers.items() if got.status_code >= 500}
    assert errors == {}
    ok = [path for path, (got, _) in answers.items() if got.status_code == 200]
    assert f"/api/v1/programmes/{programme.pk}" in ok
    assert f"/api/v1/documents/{document.public_id}/verify" in ok
    assert "/api/v1/me" in ok


def test_head_is_answered_on_anonymous_api_operations_and_keeps_the_get_length():
    # when
    got = Client().get("/api/v1/organisations")
    head = Client().head("/api/v1/organisations")
    # then
    assert (head.status_code, head.content) == (200, b"")
    assert head["Content-Length"] == got["Content-Length"] == str(len(got.content))


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/programmes/",
        "/organisations/",
        "/indices/",
        "/healthz",
        "/no/such/page/",
        "/static/govhub/site.css",  # a streamed file
    ],
)
def test_head_is_answered_on_pages_as_get_is(path):
    # when
    got = Client().get(path)
    head = Client().head(path)
    # then
    assert head.status_code == got.status_code
    assert head.getvalue() == b""


def test_head_keeps_a_405_where_get_is_not_allowed(member):
    # given an operation that is POST only
    client = Client(headers={"Authorization": f"Bearer {token_for(member.user)}"})
    programme = ProgrammeFactory(initiator=member.organisation)
    # when
    head = client.head(f"/api/v1/programmes/{programme.pk}/advance")
    # then
    assert (head.status_code, head.content) == (405, b"")
    assert head["Allow"] == "POST"


# Permissions-Policy


@pytest.mark.parametrize(
    "path", ["/", "/programmes/", "/api/v1/organisations", "/no/such/page/", "/healthz"]
)
def test_every_answer_switches_off_the_browser_features_govhub_does_not_use(path):
    # when
    response = Client().get(path)
    # then
    policy = response.get("Permissions-Policy", "")
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "serial"):
        assert f"{feature}=()" in policy.split(", ")
    # the "copy" buttons (site.js) write to the clipboard, from the page itself only
    assert "clipboard-write=(self)" in policy.split(", ")


def test_no_page_script_uses_a_feature_the_policy_switches_off():
    # given the site's only script
    from pathlib import Path

    script = (Path(__file__).parents[1] / "static" / "govhub" / "site.js").read_text()
    # then its only browser permission is writing to the clipboard
    apis = set(re.findall(r"navigator\.(\w+)", script))
    assert apis == {"clipboard"}
    assert "readText" not in script


# Cache-Control


def _no_store(response: Any) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def test_personal_pages_are_never_stored(member):
    # given a signed-in manager of an organisation
    client = signed_in_client(member.user)
    paths = [
        "/account/",
        "/programmes/mine/",
        "/programmes/",
        f"/organisations/{member.organisation.pk}/manage/",
        "/accounts/2fa/",
        "/accounts/email/",
        "/",
    ]
    # when
    responses = {path: client.get(path) for path in paths}
    # then every page is personal (its layout names the person): no-store, private
    for path, response in responses.items():
        assert (path, response.status_code) == (path, 200)
        assert (path, _no_store(response)) == (path, True)


def test_api_answers_to_a_token_are_never_stored(member):
    # given
    client = Client(headers={"Authorization": f"Bearer {token_for(member.user)}"})
    # when
    answers = [client.get("/api/v1/me"), client.get("/api/v1/programmes")]
    # then
    for answer in answers:
        assert answer.status_code == 200
        assert _no_store(answer)


def test_api_answers_to_a_session_are_never_stored(member):
    # given a signed-in browser reading the API
    client = signed_in_client(member.user)
    # when
    answer = client.get("/api/v1/programmes")
    # then
    assert answer.status_code == 200
    assert _no_store(answer)


def test_anonymous_pages_keep_their_public_cache():
    # given an anonymous visitor
    client = Client()
    for path in ("/indices/", "/organisations/"):
        # when the page is asked twice
        with CaptureQueriesContext(connection) as first_queries:
            first = client.get(path)
        with CaptureQueriesContext(connection) as second_queries:
            second = client.get(path)
        # then it is not marked private, and the second copy comes from the page cache
        assert first.status_code == second.status_code == 200
        assert "no-store" not in first.get("Cache-Control", "")
        assert first.content == second.content
        assert len(second_queries) < len(first_queries), path  # only the data version's lookups


def test_an_operation_that_declares_its_answer_public_keeps_it_for_a_token(member):
    # given the indices API, the same for everyone
    client = Client(headers={"Authorization": f"Bearer {token_for(member.user)}"})
    # when
    answer = client.get("/api/v1/indices/editions")
    # then
    assert answer["Cache-Control"] == "public, max-age=300"
