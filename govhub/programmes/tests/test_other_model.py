"""A deployment with another governance model: six steps, the document issued at step 4.

Gates, issuance, the drafts' diff and the review's achievement follow the model file (its
guards, forms and tags), not step numbers in code.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from django.test import Client, override_settings

from govhub.organisations.tests.factories import MembershipFactory, OrganisationFactory
from govhub.programmes.governance import current_model
from govhub.programmes.models import Programme
from govhub.programmes.tests.factories import model_document

pytestmark = pytest.mark.django_db

GOVERNMENT = ["higher_body", "ministry_agency", "local_body"]
EVERYONE = [*GOVERNMENT, "business", "cso"]
SIX_STEPS = model_document(
    "six-step-programme",
    [
        {"participants": EVERYONE, "forms": ["problem"], "guards": ["problem_stated"]},
        {
            "participants": EVERYONE,
            "forms": ["commission_member", "objective", "adoption"],
            "guards": ["commission_balanced", "objectives_adopted"],
        },
        {
            "participants": GOVERNMENT,
            "forms": ["designation", "draft"],
            "guards": ["lead_agency_named", "draft_present"],
            "tags": ["holds_drafts"],
        },
        {
            "participants": ["higher_body"],
            "forms": ["comment"],
            "guards": ["document_issued"],
            "tags": ["issues_document"],
        },
        {
            "participants": EVERYONE,
            "forms": ["task", "progress_report"],
            "guards": ["tasks_closed"],
        },
        {
            "participants": GOVERNMENT,
            "forms": ["review"],
            "guards": ["review_written"],
            "tags": ["holds_review"],
        },
    ],
)


@pytest.fixture
def six_steps(tmp_path):
    path = tmp_path / "six-steps.yaml"
    path.write_text(yaml.safe_dump(SIX_STEPS))
    with override_settings(
        GOVHUB_WORKFLOWS=[str(path)], GOVHUB_PROGRAMME_WORKFLOW="six-step-programme"
    ):
        yield


@pytest.fixture
def call(api_client):
    from conftest import token_for

    orgs = {
        "president": OrganisationFactory(kind="higher_body", name="Office of the President"),
        "ministry": OrganisationFactory(kind="ministry_agency", name="Ministry of Water"),
        "company": OrganisationFactory(kind="business", subtype="large", name="AquaTech"),
        "ngo": OrganisationFactory(kind="cso", subtype="ngo", name="River Watch"),
    }
    tokens = {k: token_for(MembershipFactory(organisation=o).user) for k, o in orgs.items()}

    def call(who: str, method: str, path: str, body: Any = None, expect: int = 200) -> Any:
        api_client.token = tokens[who]
        response = (
            api_client.get(path) if method == "GET" else api_client.send(method, path, body or {})
        )
        assert response.status_code == expect, (path, response.json())
        return response.json()

    call.orgs = orgs  # type: ignore[attr-defined]
    return call


def test_a_programme_runs_through_a_six_step_model_with_issuance_at_step_4(six_steps, call):
    orgs = call.orgs
    assert current_model().step_count == 6

    def add(who: str, pid: int, kind: str, title: str, **data: Any) -> int:
        body = {"type": kind, "title": title, "data": data}
        return int(call(who, "POST", f"/programmes/{pid}/contributions", body, 201)["id"])

    def advance(who: str, pid: int, to_step: int) -> dict[str, Any]:
        moved: dict[str, Any] = call(
            who, "POST", f"/programmes/{pid}/advance", {"expected_step": to_step - 1}
        )
        assert moved["current_step"] == to_step
        return moved

    # 1: the gate is the model's guard: no problem stated, no move
    pid = call("ngo", "POST", "/programmes", {"title": "Clean river"}, 201)["id"]
    assert Programme.objects.get(pk=pid).model_version == "six-step-programme:1"
    refused = call("ministry", "POST", f"/programmes/{pid}/advance", {"expected_step": 1}, 422)
    assert [d["code"] for d in refused["error"]["details"]] == ["no_problem_statement"]
    add("ngo", pid, "problem", "Factories dump waste", details="Fishers are affected.")
    advance("ministry", pid, 2)
    # 2: this model forms the commission and adopts objectives in one step
    for org, role in (("ministry", "chair"), ("company", "member"), ("ngo", "member")):
        add(
            "ministry",
            pid,
            "commission_member",
            "Seat",
            organisation_id=orgs[org].pk,
            person="Delegate",
            role=role,
            mandate="One year",
            conflict_of_interest="None",
        )
    indicator = {
        "name": "Clean samples",
        "unit": "%",
        "baseline": 10,
        "target": 80,
        "target_date": "2028-12-31",
    }
    objective = add("ngo", pid, "objective", "Clean water", indicators=[indicator])
    refused = call("ministry", "POST", f"/programmes/{pid}/advance", {"expected_step": 2}, 422)
    assert [d["code"] for d in refused["error"]["details"]] == ["objectives_not_adopted"]
    add("ministry", pid, "adoption", "Adopted", objective_ids=[objective])
    advance("ministry", pid, 3)
    # 3: designation and two drafts; the step holding the drafts shows their diff
    lead = orgs["ministry"].pk
    add("president", pid, "designation", "Lead", lead_organisation_id=lead, deadline="2027-12-31")
    for n, text in enumerate(("Filters at every plant.", "Filters at every plant by 2027.")):
        clauses = [{"text": text, "objective_ids": [objective]}]
        add("ministry", pid, "draft", f"Draft {n + 1}", clauses=clauses)
    page = Client().get(f"/programmes/{pid}/steps/3/")
    assert page.status_code == 200
    assert "by 2027" in page.content.decode()
    assert page.context["diff"].changes
    advance("ministry", pid, 4)
    # 4: issuance is at step 4 here (and refused at any other step)
    body = {"legal_status": "Decree", "expected_step": 4}
    issued = call("president", "POST", f"/programmes/{pid}/issue", body)
    assert call("ngo", "GET", f"/documents/{issued['document_id']}/verify")["valid"] is True
    advance("president", pid, 5)
    again = call("president", "POST", f"/programmes/{pid}/issue", {**body, "expected_step": 5}, 409)
    assert again["error"]["code"] == "not_issuance_step"
    # 5: a task, reported complete with a measurement
    task = add(
        "ministry",
        pid,
        "task",
        "Install filters",
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
        measurements=[{"objective_id": objective, "indicator": "Clean samples", "value": 84}],
    )
    advance("ministry", pid, 6)
    # 6: the review records the achievement, and the step holding it shows it
    review = add("ministry", pid, "review", "Results reviewed")
    stored = call("ngo", "GET", f"/programmes/{pid}/contributions")
    data = next(c["data"] for c in stored if c["id"] == review)
    assert [(a["indicator"], a["latest"], a["status"]) for a in data["achievement"]] == [
        ("Clean samples", 84, "met")
    ]
    page = Client().get(f"/programmes/{pid}/steps/6/")
    assert [r.indicator for r, _label in page.context["achievement"]] == ["Clean samples"]
    closed = call("ministry", "POST", f"/programmes/{pid}/advance", {"expected_step": 6})
    assert (closed["status"], closed["current_step"]) == ("closed", 6)
    history = call("ngo", "GET", f"/programmes/{pid}/decisions")
    assert [(d["from_step"], d["to_step"], d["action"]) for d in history] == [
        *[(n, n + 1, "advance") for n in range(1, 6)],
        (6, 6, "close"),
    ]
