"""Demo programmes on the seed's themes, driven through the real actions (so every step is
audited and every rule applies): an ageing-society care programme at step 3, a digital-divide
connectivity programme at step 7, and a disaster-safety programme closed after step 10 with
its issued, verifiable document."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from govhub.programmes import api as programmes

Orgs = dict[str, int]
People = dict[str, Any]


def _add(actor: Any, programme_id: int, org: int, artefact: str, title: str, **data: Any) -> int:
    body = data.pop("body", "")
    contribution = programmes.contribution_add(
        actor=actor,
        programme_id=programme_id,
        organisation_id=org,
        payload={"type": artefact, "title": title, "body": body, "data": data},
    )
    return int(contribution.pk)


def _advance(person: Any, programme_id: int, org: int) -> None:
    programmes.programme_advance(actor=person, programme_id=programme_id, organisation_id=org)


def _commission(people: People, orgs: Orgs, pid: int) -> None:
    seats = [
        (orgs["digital"], "chair"),
        (orgs["capital"], "member"),
        (orgs["brightpath"], "member"),
        (orgs["inclusion"], "member"),
    ]
    for org, role in seats:
        _add(
            people["ministry_agency"],
            pid,
            orgs["digital"],
            "commission_member",
            "Seat on the commission",
            organisation_id=org,
            person="Delegate",
            role=role,
            mandate="Represent the organisation for the programme's term",
            conflict_of_interest="None declared",
        )


def _to_step_3(people: People, orgs: Orgs, title: str, problem: str) -> int:
    cso = people["cso"]
    programme = programmes.programme_create(
        actor=cso, organisation_id=orgs["inclusion"], title=title
    )
    pid = int(programme.pk)
    _add(
        cso, pid, orgs["inclusion"], "problem", problem, body=problem, affected_groups=["citizens"]
    )
    _add(people["business"], pid, orgs["brightpath"], "evidence", "Survey of 400 households")
    _advance(people["local_body"], pid, orgs["capital"])
    _commission(people, orgs, pid)
    _advance(people["ministry_agency"], pid, orgs["digital"])
    return pid


def _objectives(people: People, orgs: Orgs, pid: int, name: str) -> int:
    objective = _add(
        people["cso"],
        pid,
        orgs["inclusion"],
        "objective",
        name,
        indicators=[
            {"name": name, "unit": "%", "baseline": 40, "target": 90, "target_date": "2028-12-31"}
        ],
    )
    _add(
        people["ministry_agency"],
        pid,
        orgs["digital"],
        "adoption",
        "Adopted objectives",
        objective_ids=[objective],
    )
    return objective


def _to_step_7(people: People, orgs: Orgs, pid: int, objective: int) -> None:
    ministry, digital = people["ministry_agency"], orgs["digital"]
    _advance(ministry, pid, digital)  # 3 -> 4
    _add(
        people["higher_body"],
        pid,
        orgs["president"],
        "designation",
        "Lead agency",
        lead_organisation_id=digital,
        co_executor_ids=[orgs["capital"]],
        deadline="2027-12-31",
    )
    _advance(people["higher_body"], pid, orgs["president"])  # 4 -> 5
    proposal = _add(
        people["business"],
        pid,
        orgs["brightpath"],
        "proposal",
        "Community Wi-Fi hubs",
        options="Hubs in schools",
        cost_estimate=250000,
        risks="Maintenance",
    )
    _add(ministry, pid, digital, "answer", "Accepted for the draft", answers_id=proposal)
    _advance(ministry, pid, digital)  # 5 -> 6
    _add(
        ministry,
        pid,
        digital,
        "draft",
        "Programme draft",
        clauses=[{"text": "Connect every school by 2028.", "objective_ids": [objective]}],
    )
    _add(  # a second version: the step page shows what changed
        ministry,
        pid,
        digital,
        "draft",
        "Programme draft, revised after consultation",
        clauses=[
            {"text": "Connect every school and health post by 2028.", "objective_ids": [objective]},
            {"text": "Publish the coverage map every quarter.", "objective_ids": [objective]},
        ],
    )
    _advance(ministry, pid, digital)  # 6 -> 7
    _add(
        people["local_body"],
        pid,
        orgs["capital"],
        "assessment",
        "Budget assessment",
        kind="budget",
        verdict="support_with_changes",
    )


@transaction.atomic
def load(people: People, orgs: Orgs) -> list[int]:
    """Create the demo programmes once, all or nothing (the caller checks none exist yet)."""
    care = _to_step_3(
        people, orgs, "Care for an ageing society", "Too few carers for older people living alone"
    )
    digital = _to_step_3(
        people,
        orgs,
        "Closing the digital divide: connectivity for every village",
        "A third of villages have no broadband",
    )
    objective = _objectives(people, orgs, digital, "Villages with broadband")
    _to_step_7(people, orgs, digital, objective)
    flood = _to_step_3(
        people, orgs, "Disaster safety: flood early warning", "Floods arrive without warning"
    )
    flood_objective = _objectives(people, orgs, flood, "Districts with sirens")
    _to_step_7(people, orgs, flood, flood_objective)
    ministry, digital_org = people["ministry_agency"], orgs["digital"]
    _advance(ministry, flood, digital_org)  # 7 -> 8
    programmes.programme_issue(
        actor=people["higher_body"],
        programme_id=flood,
        organisation_id=orgs["president"],
        legal_status="Decree of the President, in force from the date of issue",
    )
    _advance(people["higher_body"], flood, orgs["president"])  # 8 -> 9
    task = _add(
        ministry,
        flood,
        digital_org,
        "task",
        "Install sirens",
        assignee_organisation_id=digital_org,
        due="2027-06-30",
    )
    _add(
        ministry,
        flood,
        digital_org,
        "progress_report",
        "Sirens installed",
        task_id=task,
        percent=100,
        measurements=[
            {"objective_id": flood_objective, "indicator": "Districts with sirens", "value": 92}
        ],
    )
    _advance(ministry, flood, digital_org)  # 9 -> 10
    _add(
        ministry,
        flood,
        digital_org,
        "review",
        "Review of results",
        body="92% of districts have sirens; target 90% met.",
    )
    _advance(ministry, flood, digital_org)  # closes
    return [care, digital, flood]
