from __future__ import annotations

import pytest

from govhub.core.models import AuditEntry
from govhub.organisations.tests.factories import MembershipFactory, OrganisationFactory
from govhub.programmes.models import Programme
from govhub.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def test_an_ngo_exposes_a_problem_over_rest(api_client):
    # given
    ngo = OrganisationFactory(kind="cso", subtype="ngo", name="Elder Care Network")
    person = MembershipFactory(organisation=ngo).user
    client = api_client.as_user(person)
    # when
    created = client.send("POST", "/programmes", {"title": "Care for an ageing society"})
    # then
    assert created.status_code == 201
    body = created.json()
    assert (body["title"], body["current_step"], body["status"], body["initiator_id"]) == (
        "Care for an ageing society",
        1,
        "active",
        ngo.pk,
    )
    assert body["participating_kinds"] == [
        "higher_body",
        "ministry_agency",
        "local_body",
        "business",
        "cso",
    ]
    problem = client.send(
        "POST",
        f"/programmes/{body['id']}/contributions",
        {
            "type": "problem",
            "title": "Too few carers",
            "body": "Waiting lists grow.",
            "data": {"details": "Older people living alone"},
        },
    )
    assert problem.status_code == 201
    assert problem.json()["data"] == {"details": "Older people living alone"}
    assert problem.json()["form_version"] == 1
    assert AuditEntry.objects.filter(verb="programme.create").count() == 1
    assert AuditEntry.objects.filter(verb="contribution.add").count() == 1
    listed = client.get("/programmes").json()
    assert listed["count"] == 1
    assert {k: listed["items"][0][k] for k in ("id", "title", "current_step", "status")} == {
        "id": body["id"],
        "title": "Care for an ageing society",
        "current_step": 1,
        "status": "active",
    }


def test_creating_a_programme_needs_a_token_and_an_organisation(api_client, user):
    assert api_client.send("POST", "/programmes", {"title": "x"}).status_code == 401
    response = api_client.as_user(user).send("POST", "/programmes", {"title": "x"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_a_participant_at_step"
    assert Programme.objects.count() == 0


def test_a_step_one_programme_is_not_public_yet(api_client):
    programme = ProgrammeFactory(current_step=1)
    assert api_client.get(f"/programmes/{programme.pk}").status_code == 404
    assert api_client.get("/programmes").json()["count"] == 0
    Programme.objects.filter(pk=programme.pk).update(current_step=2)
    assert api_client.get(f"/programmes/{programme.pk}").status_code == 200
    assert api_client.get("/programmes").json()["count"] == 1


def test_a_business_cannot_read_another_organisations_private_draft(api_client):
    # given: a ministry's private draft and a public proposal at step 5
    programme = ProgrammeFactory(current_step=5)
    ministry = OrganisationFactory(kind="ministry_agency")
    author = MembershipFactory(organisation=ministry).user
    business = OrganisationFactory(kind="business", subtype="medium")
    reader = MembershipFactory(organisation=business).user
    for visibility, title in (("draft", "Internal cost sheet"), ("public", "Open proposal")):
        api_client.as_user(author).send(
            "POST",
            f"/programmes/{programme.pk}/contributions",
            {"type": "proposal", "title": title, "visibility": visibility},
        )
    # when
    seen_by_business = [
        c["title"]
        for c in api_client.as_user(reader).get(f"/programmes/{programme.pk}/contributions").json()
    ]
    seen_by_author = [
        c["title"]
        for c in api_client.as_user(author).get(f"/programmes/{programme.pk}/contributions").json()
    ]
    api_client.token = None
    seen_by_public = [
        c["title"] for c in api_client.get(f"/programmes/{programme.pk}/contributions").json()
    ]
    # then
    assert seen_by_business == ["Open proposal"]
    assert seen_by_author == ["Internal cost sheet", "Open proposal"]
    assert seen_by_public == ["Open proposal"]


def test_nul_characters_are_a_clear_400_not_a_database_error(api_client):
    ngo = OrganisationFactory(kind="cso", subtype="ngo")
    client = api_client.as_user(MembershipFactory(organisation=ngo).user)
    created = client.send("POST", "/programmes", {"title": "Bad\x00title"})
    assert created.status_code == 400
    assert created.json()["error"]["code"] == "invalid_text"
    programme = client.send("POST", "/programmes", {"title": "Good"}).json()
    bad = client.send(
        "POST",
        f"/programmes/{programme['id']}/contributions",
        {"type": "problem", "title": "ok", "data": {"note": "a\x00b"}},
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "invalid_text"
    # a lone surrogate ("\ud800" in JSON) cannot be stored in UTF-8 either (found by
    # hypothesis on SQLite): a clear 400, not a 500
    refused = client.send("POST", "/programmes", {"title": "Bad\ud800title"})  # its schema
    assert (refused.status_code, refused.json()["error"]["code"]) == (400, "invalid_input")
    lone = client.send(
        "POST",
        f"/programmes/{programme['id']}/contributions",
        {"type": "problem", "title": "ok", "data": {"note": "\udfff"}},
    )
    assert (lone.status_code, lone.json()["error"]["code"]) == (400, "invalid_text")


def test_step_one_programmes_of_a_narrower_model_are_listed_only_to_its_participants(api_client):
    # given: a programme on a model where only ministries take part in step 1
    from govhub.programmes.tests.factories import model_document, model_store

    everyone = ["higher_body", "ministry_agency", "local_body", "business", "cso"]
    version = model_store(
        model_document(
            "ministries-first",
            [{"participants": ["ministry_agency"]}, {"participants": everyone}],
        )
    )
    ProgrammeFactory(title="Internal", model_version=version)
    ministry = OrganisationFactory(kind="ministry_agency")
    business = OrganisationFactory(kind="business", subtype="medium")

    def listed(org):
        client = api_client.as_user(MembershipFactory(organisation=org).user)
        return [p["title"] for p in client.get("/programmes").json()["items"]]

    # then: the ministry's people see it; the business's people do not (nor can they open it)
    assert listed(ministry) == ["Internal"]
    assert listed(business) == []
