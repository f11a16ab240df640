"""Demo programmes on the seed's themes, driven through the real actions (so every step is
audited and every rule applies), each with texts of its own subject and initiated by a
different sector:

- an ageing-society care programme at step 3, exposed by a civil-society network;
- a digital-divide connectivity programme at step 7, exposed by a small software business;
- a flood early-warning programme exposed by the capital's administration, closed after
  step 10 with its issued, verifiable document.

The actions run within a second; afterwards `_backdate` spreads each programme's decisions
and contributions over the months a real programme takes (demo data only: the audit log
and the issued document keep their real times), so the time-per-step chart has real
durations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from govhub.programmes import api as programmes

Orgs = dict[str, int]
People = dict[str, Any]


@dataclass(frozen=True)
class Story:
    """One demo programme's subject, in its own words, and who does what."""

    title: str
    initiator: tuple[str, str]  # (person key, organisation key)
    problem: str
    problem_body: str
    affected: list[str]
    evidence: tuple[str, str, str, str]  # person, organisation, title, body
    government: tuple[str, str]  # the government body that forms the commission (step 2)
    commission: list[tuple[str, str]]  # (organisation key, role)
    lead: str  # the lead agency (from step 4; ministry_agency's person acts for it)
    co_executors: list[str]
    indicator: tuple[str, float, float]  # name, baseline %, target %
    days: list[int]  # days at each step (the last: days so far at the current step)
    # Steps 5 to 7, for the programmes that get there:
    proposal: tuple[str, str, str, str, int, str] = ("", "", "", "", 0, "")  # person, org,
    # title, options, cost, risks
    drafts: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (title, clauses), oldest first
    assessment: tuple[str, str, str] = ("", "", "")  # person, organisation, title


CARE = Story(
    title="Care for an ageing society",
    initiator=("cso", "eldercare"),
    problem="Too few carers for older people living alone",
    problem_body="One in five people over 75 lives alone, and home-care visits are booked "
    "six weeks ahead. Families travel for work; carers leave the profession.",
    affected=["older people living alone", "family carers"],
    evidence=(
        "local_body",
        "capital",
        "Waiting list for home care in the capital",
        "2,300 older people wait for a home-care visit; the median wait is 41 days.",
    ),
    government=("local_body", "capital"),
    commission=[
        ("health", "chair"),
        ("capital", "member"),
        ("agrofresh", "member"),
        ("eldercare", "member"),
    ],
    lead="health",
    co_executors=["capital"],
    indicator=("Older people living alone with a weekly care visit", 35, 80),
    days=[21, 34, 12],
)

DIGITAL = Story(
    title="Closing the digital divide: connectivity for every village",
    initiator=("business", "brightpath"),
    problem="A third of villages have no broadband",
    problem_body="Village schools and health posts work offline; people travel to the "
    "district town to use online public services.",
    affected=["rural households", "village schools", "health posts"],
    evidence=(
        "cso",
        "inclusion",
        "Survey of 400 village households on internet access",
        "34% of the households surveyed have no broadband connection; 61% of them would "
        "use online public services if they could.",
    ),
    government=("ministry_agency", "digital"),
    commission=[
        ("digital", "chair"),
        ("capital", "member"),
        ("brightpath", "member"),
        ("inclusion", "member"),
    ],
    lead="digital",
    co_executors=["capital"],
    indicator=("Villages with broadband", 66, 95),
    proposal=(
        "business",
        "brightpath",
        "Community Wi-Fi hubs in village schools",
        "A Wi-Fi hub in each village school, open to residents after classes",
        250000,
        "Maintenance in remote villages",
    ),
    drafts=(
        (
            "Connectivity programme draft",
            ("Connect every village school to broadband by 2028.",),
        ),
        (
            "Connectivity programme draft, revised after consultation",
            (
                "Connect every village school and health post to broadband by 2028.",
                "Publish the broadband coverage map every quarter.",
            ),
        ),
    ),
    assessment=("local_body", "capital", "Budget assessment of the connectivity programme"),
    days=[18, 25, 30, 14, 40, 35, 9],
)

FLOOD = Story(
    title="Disaster safety: flood early warning",
    initiator=("local_body", "capital"),
    problem="Floods arrive without warning",
    problem_body="In the spring floods the river rose two metres in one night; people in "
    "the lower districts were warned by neighbours, not by the authorities.",
    affected=["residents of riverside districts", "farmers on the flood plain"],
    evidence=(
        "ministry_agency",
        "emergency",
        "River levels and flood damage, 2015-2025",
        "Seven floods in ten years; in five of them the warning came less than an hour "
        "before the water.",
    ),
    government=("ministry_agency", "emergency"),
    commission=[
        ("emergency", "chair"),
        ("capital", "member"),
        ("novatel", "member"),
        ("greenvalley", "member"),
    ],
    lead="emergency",
    co_executors=["riverside", "statistics"],
    indicator=("Flood-prone districts with a warning siren", 20, 90),
    proposal=(
        "business",
        "brightpath",
        "Flood alerts by text message",
        "Send flood alerts to every phone in the districts at risk",
        120000,
        "Mobile coverage in the valleys",
    ),
    drafts=(
        (
            "Flood early-warning programme draft",
            ("Install a warning siren in every flood-prone district by 2028.",),
        ),
        (
            "Flood early-warning programme draft, revised after consultation",
            (
                "Install a warning siren in every flood-prone district by 2028.",
                "Send flood alerts by text message to every phone in the districts at risk.",
                "Publish river levels online every hour during the flood season.",
            ),
        ),
    ),
    assessment=("local_body", "capital", "Budget assessment of the flood warning programme"),
    days=[15, 20, 25, 10, 30, 28, 12, 6, 120, 21],
)

STORIES = (CARE, DIGITAL, FLOOD)


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


def _lead(people: People, orgs: Orgs, story: Story) -> tuple[Any, int]:
    return people["ministry_agency"], orgs[story.lead]


def _to_step_3(people: People, orgs: Orgs, story: Story) -> int:
    person, initiator = story.initiator
    programme = programmes.programme_create(
        actor=people[person], organisation_id=orgs[initiator], title=story.title
    )
    pid = int(programme.pk)
    _add(
        people[person],
        pid,
        orgs[initiator],
        "problem",
        story.problem,
        body=story.problem_body,
        details="Who is affected: " + "; ".join(story.affected) + ".",
    )
    who, org, title, body = story.evidence
    _add(people[who], pid, orgs[org], "evidence", title, body=body)
    gov_person, gov_org = people[story.government[0]], orgs[story.government[1]]
    _advance(gov_person, pid, gov_org)  # 1 -> 2
    for seat, role in story.commission:
        _add(
            gov_person,
            pid,
            gov_org,
            "commission_member",
            "Seat on the commission",
            organisation_id=orgs[seat],
            person="Delegate",
            role=role,
            mandate="Represent the organisation for the programme's term",
            conflict_of_interest="None declared",
        )
    _advance(gov_person, pid, gov_org)  # 2 -> 3
    return pid


def _objectives(people: People, orgs: Orgs, pid: int, story: Story) -> int:
    name, baseline, target = story.indicator
    person, initiator = story.initiator
    objective = _add(
        people[person],
        pid,
        orgs[initiator],
        "objective",
        name,
        indicators=[
            {
                "name": name,
                "unit": "%",
                "baseline": baseline,
                "target": target,
                "target_date": "2028-12-31",
            }
        ],
    )
    gov_person, gov_org = people[story.government[0]], orgs[story.government[1]]
    _add(gov_person, pid, gov_org, "adoption", "Adopted objectives", objective_ids=[objective])
    return objective


def _to_step_7(people: People, orgs: Orgs, pid: int, story: Story, objective: int) -> None:
    ministry, lead = _lead(people, orgs, story)
    _advance(ministry, pid, lead)  # 3 -> 4
    _add(
        people["higher_body"],
        pid,
        orgs["president"],
        "designation",
        "Lead agency",
        lead_organisation_id=lead,
        co_executor_ids=[orgs[k] for k in story.co_executors],
        deadline="2027-12-31",
    )
    _advance(people["higher_body"], pid, orgs["president"])  # 4 -> 5
    person, org, title, options, cost, risks = story.proposal
    proposal = _add(
        people[person],
        pid,
        orgs[org],
        "proposal",
        title,
        options=options,
        cost_estimate=cost,
        risks=risks,
    )
    _add(ministry, pid, lead, "answer", "Accepted for the draft", answers_id=proposal)
    _advance(ministry, pid, lead)  # 5 -> 6
    for title, clauses in story.drafts:  # two versions: the step page shows what changed
        _add(
            ministry,
            pid,
            lead,
            "draft",
            title,
            clauses=[{"text": text, "objective_ids": [objective]} for text in clauses],
        )
    _advance(ministry, pid, lead)  # 6 -> 7
    person, org, title = story.assessment
    _add(
        people[person],
        pid,
        orgs[org],
        "assessment",
        title,
        kind="budget",
        verdict="support_with_changes",
    )


def _implement_and_review(people: People, orgs: Orgs, pid: int, objective: int) -> None:
    """The flood programme from step 7 to its close: issue, implement, review."""
    ministry, lead = _lead(people, orgs, FLOOD)
    _advance(ministry, pid, lead)  # 7 -> 8
    programmes.programme_issue(
        actor=people["higher_body"],
        programme_id=pid,
        organisation_id=orgs["president"],
        legal_status="Decree of the President, in force from the date of issue",
    )
    _advance(people["higher_body"], pid, orgs["president"])  # 8 -> 9
    task = _add(
        ministry,
        pid,
        lead,
        "task",
        "Install warning sirens in the flood-prone districts",
        assignee_organisation_id=lead,
        due="2027-06-30",
    )
    indicator = FLOOD.indicator[0]
    _add(
        ministry,
        pid,
        lead,
        "progress_report",
        "Warning sirens installed",
        task_id=task,
        percent=100,
        measurements=[{"objective_id": objective, "indicator": indicator, "value": 92}],
    )
    _advance(ministry, pid, lead)  # 9 -> 10
    _add(
        ministry,
        pid,
        lead,
        "review",
        "Review of the flood early-warning programme",
        body="92% of flood-prone districts have a warning siren; the target of 90% is met. "
        "In this spring's flood the sirens sounded three hours before the water.",
    )
    _advance(ministry, pid, lead)  # closes


def _backdate(pid: int, days: list[int], now: datetime) -> None:
    """Spread a programme's history over `days` (demo data only), ending now."""
    start = now - timedelta(days=sum(days))
    entered = [start + timedelta(days=sum(days[:i])) for i in range(len(days) + 1)]
    programmes.demo_history_spread(programme_id=pid, step_entered=entered)


@transaction.atomic
def load(people: People, orgs: Orgs) -> list[int]:
    """Create the demo programmes once, all or nothing (the caller checks none exist yet)."""
    care = _to_step_3(people, orgs, CARE)
    _objectives(people, orgs, care, CARE)
    digital = _to_step_3(people, orgs, DIGITAL)
    objective = _objectives(people, orgs, digital, DIGITAL)
    _to_step_7(people, orgs, digital, DIGITAL, objective)
    flood = _to_step_3(people, orgs, FLOOD)
    flood_objective = _objectives(people, orgs, flood, FLOOD)
    _to_step_7(people, orgs, flood, FLOOD, flood_objective)
    _implement_and_review(people, orgs, flood, flood_objective)
    now = timezone.now()
    for pid, story in ((care, CARE), (digital, DIGITAL), (flood, FLOOD)):
        _backdate(pid, story.days, now)
    return [care, digital, flood]
