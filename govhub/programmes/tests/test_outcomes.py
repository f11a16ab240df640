"""What steps 6 and 10 produce: document versions and their diff, the achievement of every
adopted indicator, a new cycle; and who may read private drafts (the commission too)."""

from __future__ import annotations

from typing import Any

import pytest

from govhub.core.models import AuditEntry
from govhub.organisations.tests.factories import MembershipFactory, OrganisationFactory
from govhub.programmes.models import Contribution, Programme
from govhub.programmes.outcomes import achievement, diff_clauses
from govhub.programmes.tests.factories import ProgrammeFactory, decision_count


def _clauses(*texts: str, ids: list[int] | None = None) -> list[dict[str, Any]]:
    return [{"text": t, "objective_ids": ids or []} for t in texts]


# --------------------------------------------------------------------------------------
# The diff, as a pure function
# --------------------------------------------------------------------------------------


def test_diff_keeps_equal_clauses_and_finds_inserts_deletes_and_rewrites():
    old = _clauses("Sirens in every district.", "A hotline.", "Drills twice a year.")
    new = _clauses("Sirens in every district.", "Drills every quarter.", "Text alerts.")
    changes = diff_clauses(old, new)
    assert [(c.op, c.old_number, c.new_number) for c in changes] == [
        ("equal", 1, 1),
        ("replace", 2, 2),
        ("replace", 3, 3),
    ]
    # the rewrite of clause 3 shows word by word what went and what came
    assert (changes[2].old_text, changes[2].new_text) == ("Drills twice a year.", "Text alerts.")
    # word-level segments rebuild both texts
    assert "".join(s.text for s in changes[1].segments if s.op != "insert") == "A hotline."
    assert "".join(s.text for s in changes[1].segments if s.op != "delete") == (
        "Drills every quarter."
    )


def test_diff_of_pure_additions_and_removals():
    old = _clauses("One.", "Two.")
    assert [c.op for c in diff_clauses(old, _clauses("One.", "Two.", "Three."))] == [
        "equal",
        "equal",
        "insert",
    ]
    removed = diff_clauses(old, _clauses("Two."))
    assert [(c.op, c.old_number, c.new_number) for c in removed] == [
        ("delete", 1, None),
        ("equal", 2, 1),
    ]
    assert diff_clauses([], []) == []


def test_a_clause_citing_other_objectives_counts_as_changed():
    changes = diff_clauses(_clauses("Same.", ids=[1]), _clauses("Same.", ids=[1, 2]))
    assert [(c.op, c.old_objective_ids, c.new_objective_ids) for c in changes] == [
        ("replace", [1], [1, 2])
    ]


# --------------------------------------------------------------------------------------
# Achievement, as a pure function
# --------------------------------------------------------------------------------------

INDICATORS = {
    "indicators": [
        {"name": "Districts with sirens", "unit": "%", "baseline": 20, "target": 90},
        {"name": "Deaths per year", "unit": "people", "baseline": 40, "target": 10},
        {"name": "Shelters", "unit": "count", "baseline": 5, "target": 5},
        {"name": "Drills held", "unit": "count", "baseline": 0, "target": 4},
    ]
}


def test_achievement_per_indicator_both_directions_latest_value_counts():
    rows = achievement(
        objectives=[(7, "Warn every district", INDICATORS), (8, "Not adopted", INDICATORS)],
        adopted_ids={7},
        measurements=[
            ("2027-01-01", {"objective_id": 7, "indicator": "Districts with sirens", "value": 50}),
            ("2027-06-01", {"objective_id": 7, "indicator": "districts with sirens ", "value": 97}),
            ("2027-06-01", {"objective_id": 7, "indicator": "Deaths per year", "value": 25}),
            ("2027-06-01", {"objective_id": 7, "indicator": "Shelters", "value": 6}),
            ("2027-06-01", {"objective_id": 8, "indicator": "Drills held", "value": 4}),
        ],
    )
    assert [(r.indicator, r.latest, r.achievement_pct, r.status) for r in rows] == [
        ("Districts with sirens", 97.0, 110.0, "met"),  # (97-20)/(90-20), not capped
        ("Deaths per year", 25.0, 50.0, "partly_met"),  # going down towards a lower target
        ("Shelters", 6.0, None, "undefined"),  # target equals baseline
        ("Drills held", None, None, "no_data"),  # objective 8's report does not count for 7
    ]
    assert rows[0].measured_at == "2027-06-01"


def test_no_adoption_means_nothing_to_assess():
    assert achievement([(7, "x", INDICATORS)], None, []) == []


# --------------------------------------------------------------------------------------
# Over REST
# --------------------------------------------------------------------------------------


@pytest.fixture
def step6(api_client):
    """A programme at step 6 with a lead ministry that drafts two versions."""
    ministry = OrganisationFactory(kind="ministry_agency", name="Ministry of Emergencies")
    programme = ProgrammeFactory(current_step=6, lead_agency=ministry)
    lead = api_client.as_user(MembershipFactory(organisation=ministry).user)
    for title, clauses in (
        ("Draft 1", _clauses("Sirens in every district.", "A hotline.")),
        ("Draft 2", _clauses("Sirens in every district.", "A national hotline.", "Drills.")),
    ):
        response = lead.send(
            "POST",
            f"/programmes/{programme.pk}/contributions",
            {"type": "draft", "title": title, "data": {"clauses": clauses}},
        )
        assert response.status_code == 201, response.json()
    return programme, ministry


@pytest.mark.django_db
def test_versions_and_their_diff_over_rest(api_client, step6):
    programme, _ministry = step6
    versions = api_client.get(f"/programmes/{programme.pk}/drafts").json()
    assert [(v["version"], v["title"], len(v["clauses"])) for v in versions] == [
        (1, "Draft 1", 2),
        (2, "Draft 2", 3),
    ]
    diff = api_client.get(f"/programmes/{programme.pk}/drafts/diff").json()
    assert (diff["from_version"], diff["to_version"]) == (1, 2)
    assert [c["op"] for c in diff["changes"]] == ["equal", "replace", "insert"]
    assert {"op": "insert", "text": "national "} in diff["changes"][1]["segments"]
    explicit = api_client.get(f"/programmes/{programme.pk}/drafts/diff?from=2&to=1").json()
    assert [c["op"] for c in explicit["changes"]] == ["equal", "replace", "delete"]


@pytest.mark.django_db
def test_diff_errors_are_clear(api_client, step6):
    programme, _ministry = step6
    missing = api_client.get(f"/programmes/{programme.pk}/drafts/diff?from=1&to=9")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "version_not_found")
    same = api_client.get(f"/programmes/{programme.pk}/drafts/diff?from=2&to=2")
    assert (same.status_code, same.json()["error"]["code"]) == (400, "same_version")
    other = ProgrammeFactory(current_step=6)
    none = api_client.get(f"/programmes/{other.pk}/drafts/diff")
    assert (none.status_code, none.json()["error"]["code"]) == (404, "no_versions")


@pytest.mark.django_db
def test_private_drafts_are_seen_by_their_authors_and_the_commission_only(api_client):
    # given: a commission with a ministry and an NGO, and a company outside it
    programme = ProgrammeFactory(current_step=5)
    ministry = OrganisationFactory(kind="ministry_agency")
    ngo = OrganisationFactory(kind="cso", subtype="ngo")
    company = OrganisationFactory(kind="business", subtype="medium")
    outsider = OrganisationFactory(kind="business", subtype="small")
    author = MembershipFactory(organisation=company).user
    for org in (ministry, ngo):
        Contribution.objects.create(
            programme=programme,
            step=2,
            type="commission_member",
            organisation=ministry,
            author=author,
            title="Seat",
            data={"organisation_id": org.pk, "role": "member"},
        )
    posted = api_client.as_user(author).send(
        "POST",
        f"/programmes/{programme.pk}/contributions",
        {"type": "proposal", "title": "Cost sheet", "visibility": "draft"},
    )
    assert posted.status_code == 201

    def titles(org):
        client = api_client.as_user(MembershipFactory(organisation=org).user)
        return [c["title"] for c in client.get(f"/programmes/{programme.pk}/contributions").json()]

    # then: the company (author), and the commission's ministry and NGO see it; nobody else
    assert "Cost sheet" in titles(company)
    assert "Cost sheet" in titles(ministry)
    assert "Cost sheet" in titles(ngo)
    assert "Cost sheet" not in titles(outsider)
    api_client.token = None
    assert "Cost sheet" not in [
        c["title"] for c in api_client.get(f"/programmes/{programme.pk}/contributions").json()
    ]


@pytest.fixture
def step10(api_client):
    """A programme at step 10 with an adopted objective and a progress report."""
    ministry = OrganisationFactory(kind="ministry_agency", name="Ministry of Emergencies")
    company = OrganisationFactory(kind="business", subtype="large")
    person = MembershipFactory(organisation=ministry).user
    programme = ProgrammeFactory(current_step=10, lead_agency=ministry, title="Flood warning")

    def add(step, kind, title, data):
        return Contribution.objects.create(
            programme=programme,
            step=step,
            type=kind,
            organisation=ministry,
            author=person,
            title=title,
            data=data,
        )

    objective = add(3, "objective", "Warn every district", INDICATORS)
    add(3, "adoption", "Adopted", {"objective_ids": [objective.pk]})
    task = add(9, "task", "Sirens", {"assignee_organisation_id": company.pk, "due": "2027-01-01"})
    add(
        9,
        "progress_report",
        "Done",
        {
            "task_id": task.pk,
            "percent": 100,
            "measurements": [
                {"objective_id": objective.pk, "indicator": "Districts with sirens", "value": 55}
            ],
        },
    )
    return programme, person, company


@pytest.mark.django_db
def test_review_records_the_computed_achievement(api_client, step10):
    programme, person, _company = step10
    shown = api_client.get(f"/programmes/{programme.pk}/achievement").json()
    assert [(r["indicator"], r["latest"], r["achievement_pct"], r["status"]) for r in shown] == [
        ("Districts with sirens", 55.0, 50.0, "partly_met"),
        ("Deaths per year", None, None, "no_data"),
        ("Shelters", None, None, "no_data"),
        ("Drills held", None, None, "no_data"),
    ]
    # a review's achievement is computed by the server: the request may not give it
    client = api_client.as_user(person)
    url = f"/programmes/{programme.pk}/contributions"
    given = client.send(
        "POST", url, {"type": "review", "title": "Review", "data": {"achievement": "all met!"}}
    )
    assert (given.status_code, given.json()["error"]["code"]) == (400, "invalid_data")
    assert given.json()["error"]["details"][0]["loc"] == ["body", "data", "achievement"]
    assert not programme.contributions.filter(type="review").exists()
    review = client.send("POST", url, {"type": "review", "title": "Review", "data": {}}).json()
    assert [r["achievement_pct"] for r in review["data"]["achievement"]] == [50.0, None, None, None]


@pytest.mark.django_db
def test_a_new_cycle_closes_the_programme_and_links_the_next_one(api_client, step10):
    programme, person, company = step10
    path = f"/programmes/{programme.pk}/new-cycle"
    # a business may not decide it
    outsider = api_client.as_user(MembershipFactory(organisation=company).user).send(
        "POST", path, {}
    )
    assert (outsider.status_code, outsider.json()["error"]["code"]) == (
        403,
        "not_a_participant_at_step",
    )
    # the gate still needs the review report
    ministry = api_client.as_user(person)
    refused = ministry.send("POST", path, {})
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "gate_conditions_unmet")
    ministry.send(
        "POST",
        f"/programmes/{programme.pk}/contributions",
        {"type": "review", "title": "Review", "body": "Half way."},
    )
    created = ministry.send("POST", path, {})
    assert created.status_code == 201, created.json()
    successor = created.json()
    assert (successor["title"], successor["current_step"], successor["previous_cycle_id"]) == (
        "Flood warning (cycle 2)",
        1,
        programme.pk,
    )
    programme.refresh_from_db()
    assert programme.status == "closed"
    assert decision_count(programme_id=programme.pk, action="close") == 1
    assert AuditEntry.objects.filter(verb="programme.new_cycle").count() == 1
    # only one next cycle per programme
    again = ministry.send("POST", path, {"title": "Another"})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "cycle_exists")
    assert Programme.objects.count() == 2


@pytest.mark.django_db
def test_a_new_cycle_only_from_the_last_step(api_client, step6):
    programme, ministry = step6
    client = api_client.as_user(MembershipFactory(organisation=ministry).user)
    refused = client.send("POST", f"/programmes/{programme.pk}/new-cycle", {})
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "not_last_step")
