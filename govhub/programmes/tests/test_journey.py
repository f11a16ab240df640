"""One programme driven through all ten steps over REST, by the organisations the matrix
names at each step, ending with a closed programme and a verifiable signed document."""

from __future__ import annotations

from typing import Any

import pytest

from govhub.core.audit import audit_verify
from govhub.organisations.tests.factories import MembershipFactory, OrganisationFactory
from govhub.programmes.models import Programme
from govhub.programmes.tests.factories import decision_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def actors(api_client):
    """One person per kind, each with a client of their own."""
    from conftest import token_for

    orgs = {
        "president": OrganisationFactory(kind="higher_body", name="Office of the President"),
        "ministry": OrganisationFactory(kind="ministry_agency", name="Ministry of Emergencies"),
        "province": OrganisationFactory(kind="local_body", name="River Province"),
        "company": OrganisationFactory(kind="business", subtype="large", name="NovaTel"),
        "ngo": OrganisationFactory(kind="cso", subtype="ngo", name="Red Crescent"),
    }
    people = {key: MembershipFactory(organisation=org).user for key, org in orgs.items()}
    tokens = {key: token_for(person) for key, person in people.items()}

    def call(
        who: str, method: str, path: str, body: dict[str, Any] | None = None, expect: int = 200
    ):
        api_client.token = tokens[who]
        response = (
            api_client.get(path) if method == "GET" else api_client.send(method, path, body or {})
        )
        assert response.status_code == expect, (path, response.json())
        return response.json()

    return orgs, call


def test_a_programme_goes_through_all_ten_steps(actors):
    orgs, call = actors

    def add(who, pid, artefact, title, **data):
        body = {"type": artefact, "title": title, "data": data}
        return call(who, "POST", f"/programmes/{pid}/contributions", body, 201)["id"]

    def advance(who, pid, to_step):
        body = {"expected_step": to_step - 1}
        assert call(who, "POST", f"/programmes/{pid}/advance", body)["current_step"] == to_step

    # 1. Problem: the NGO exposes it, the company adds evidence, a province closes the step
    pid = call("ngo", "POST", "/programmes", {"title": "Flood early warning"}, 201)["id"]
    add("ngo", pid, "problem", "Floods arrive without warning", details="River towns")
    add("company", pid, "evidence", "Network coverage map")
    advance("province", pid, 2)
    # 2. Commission: balanced across sectors, chaired by government
    for org, role in (("ministry", "chair"), ("company", "member"), ("ngo", "member")):
        add(
            "ministry",
            pid,
            "commission_member",
            "Seat",
            organisation_id=orgs[org].pk,
            person="Delegate",
            role=role,
            mandate="Two years",
            conflict_of_interest="None",
        )
    advance("ministry", pid, 3)
    # 3. Objectives: proposed by a participant, adopted by the commission
    indicator = {
        "name": "Districts with sirens",
        "unit": "%",
        "baseline": 20,
        "target": 90,
        "target_date": "2028-12-31",
    }
    objective = add("ngo", pid, "objective", "Warn every district", indicators=[indicator])
    add("ministry", pid, "adoption", "Adopted", objective_ids=[objective])
    advance("ministry", pid, 4)
    # 4. A higher body designates the lead agency
    add(
        "president",
        pid,
        "designation",
        "Lead",
        lead_organisation_id=orgs["ministry"].pk,
        deadline="2027-12-31",
    )
    advance("president", pid, 5)
    # 5. Working out: a proposal, answered by the lead agency
    proposal = add("company", pid, "proposal", "Cell broadcast", cost_estimate=120000)
    add("ministry", pid, "answer", "Accepted", answers_id=proposal)
    advance("ministry", pid, 6)
    # 6. Development: the lead agency drafts, clauses citing the objective
    add(
        "ministry",
        pid,
        "draft",
        "Draft 1",
        clauses=[{"text": "Sirens in every district.", "objective_ids": [objective]}],
    )
    advance("ministry", pid, 7)
    # 7. Assessment: an objection, answered
    objection = add("province", pid, "assessment", "Budget", kind="budget", verdict="object")
    refused = call("ministry", "POST", f"/programmes/{pid}/advance", {"expected_step": 7}, 422)
    assert refused["error"]["details"][0]["code"] == "objections_unanswered"
    add("ministry", pid, "answer", "Costs phased over two years", answers_id=objection)
    advance("ministry", pid, 8)
    # 8. Issuance by the higher body: a signed, verifiable document
    issued = call(
        "president",
        "POST",
        f"/programmes/{pid}/issue",
        {"legal_status": "Decree", "expected_step": 8},
    )
    document_id = issued["document_id"]
    assert document_id
    assert call("ngo", "GET", f"/documents/{document_id}/verify")["valid"] is True
    advance("president", pid, 9)
    # 9. Implementation: a task for the company, reported complete
    task = add(
        "ministry",
        pid,
        "task",
        "Install sirens",
        assignee_organisation_id=orgs["company"].pk,
        due="2027-06-30",
    )
    add(
        "company",
        pid,
        "progress_report",
        "Done",
        task_id=task,
        percent=100,
        measurements=[
            {"objective_id": objective, "indicator": "Districts with sirens", "value": 92}
        ],
    )
    advance("ministry", pid, 10)
    # 10. Review, then the programme closes
    add("ministry", pid, "review", "Results reviewed")
    closed = call("ministry", "POST", f"/programmes/{pid}/advance", {"expected_step": 10})
    assert (closed["status"], closed["current_step"], closed["document_id"]) == (
        "closed",
        10,
        document_id,
    )
    # then: the history is complete and the audit chain intact
    history = call("ngo", "GET", f"/programmes/{pid}/decisions")
    assert [(d["from_step"], d["to_step"], d["action"]) for d in history] == [
        *[(n, n + 1, "advance") for n in range(1, 10)],
        (10, 10, "close"),
    ]
    assert decision_count(programme_id=pid) == 10
    assert Programme.objects.get(pk=pid).status == "closed"
    assert audit_verify().ok
