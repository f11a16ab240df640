"""Issue 8 hardening of programmes: finite figures, contributions that can be withdrawn or
set aside, expected steps on transitions, programmes that stay public."""

from __future__ import annotations

import json

import pytest

from govhub.core.models import AuditEntry
from govhub.organisations.tests.factories import MembershipFactory, OrganisationFactory
from govhub.programmes.models import Contribution
from govhub.programmes.outcomes import achievement
from govhub.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------------------
# Item 5: figures stay finite and valid JSON
# --------------------------------------------------------------------------------------


def test_achievement_of_extreme_figures_is_null_with_a_reason_never_infinite():
    # given: figures whose difference overflows a float
    data = {"indicators": [{"name": "X", "unit": "u", "baseline": -1.7e308, "target": -1.6e308}]}
    # when
    rows = achievement(
        [(1, "o", data)], {1}, [("t", {"objective_id": 1, "indicator": "X", "value": 1.7e308})]
    )
    # then
    assert [(r.achievement_pct, r.status, r.null_reason) for r in rows] == [
        (None, "undefined", "out_of_range")
    ]


def test_achievement_says_why_it_has_no_percentage():
    data = {
        "indicators": [
            {"name": "Flat", "unit": "u", "baseline": 5, "target": 5},
            {"name": "Unmeasured", "unit": "u", "baseline": 0, "target": 5},
        ]
    }
    rows = achievement(
        [(1, "o", data)], {1}, [("t", {"objective_id": 1, "indicator": "Flat", "value": 6})]
    )
    assert [(r.achievement_pct, r.null_reason) for r in rows] == [
        (None, "target_equals_baseline"),
        (None, "no_data"),
    ]


def test_an_objective_with_a_huge_baseline_is_a_clear_400_and_nothing_is_written(api_client):
    # given: a programme at step 3 and a ministry taking part
    ministry = OrganisationFactory(kind="ministry_agency")
    programme = ProgrammeFactory(current_step=3)
    client = api_client.as_user(MembershipFactory(organisation=ministry).user)
    indicator = {
        "name": "X",
        "unit": "u",
        "baseline": 1e300,
        "target": 1,
        "target_date": "2030-01-01",
    }
    # when
    response = client.send(
        "POST",
        f"/programmes/{programme.pk}/contributions",
        {"type": "objective", "title": "Huge", "data": {"indicators": [indicator]}},
    )
    # then
    assert (response.status_code, response.json()["error"]["code"]) == (
        400,
        "number_out_of_range",
    )
    assert Contribution.objects.count() == 0
    assert AuditEntry.objects.filter(verb="contribution.add").count() == 0


def test_stored_extreme_figures_still_give_valid_json_at_review(api_client):
    # given: figures stored before the bounds existed
    ministry = OrganisationFactory(kind="ministry_agency")
    person = MembershipFactory(organisation=ministry).user
    programme = ProgrammeFactory(current_step=10, lead_agency=ministry)

    def add(step, kind, data):
        return Contribution.objects.create(
            programme=programme,
            step=step,
            type=kind,
            organisation=ministry,
            author=person,
            title=kind,
            data=data,
        )

    indicator = {"name": "X", "unit": "u", "baseline": -1.7e308, "target": -1.6e308}
    objective = add(3, "objective", {"indicators": [indicator]})
    add(3, "adoption", {"objective_ids": [objective.pk]})
    task = add(9, "task", {"assignee_organisation_id": ministry.pk, "due": "2027-01-01"})
    measurement = {"objective_id": objective.pk, "indicator": "X", "value": 1.7e308}
    add(9, "progress_report", {"task_id": task.pk, "percent": 1, "measurements": [measurement]})
    # when
    response = api_client.get(f"/programmes/{programme.pk}/achievement")
    # then: strict JSON (no Infinity/NaN)
    assert response.status_code == 200
    rows = json.loads(response.content, parse_constant=lambda c: pytest.fail(c))
    assert [(r["achievement_pct"], r["null_reason"]) for r in rows] == [(None, "out_of_range")]


# --------------------------------------------------------------------------------------
# Item 10: transitions say which step they expect
# --------------------------------------------------------------------------------------


def _step_one_with_a_problem(api_client):
    province = OrganisationFactory(kind="local_body")
    person = MembershipFactory(organisation=province).user
    programme = ProgrammeFactory(current_step=1)
    Contribution.objects.create(
        programme=programme,
        step=1,
        type="problem",
        organisation=province,
        author=person,
        title="Floods",
    )
    return programme, api_client.as_user(person)


def test_a_repeated_advance_is_409_step_changed_never_a_second_move(api_client):
    # given
    programme, client = _step_one_with_a_problem(api_client)
    path = f"/programmes/{programme.pk}/advance"
    first = client.send("POST", path, {"expected_step": 1})
    assert (first.status_code, first.json()["current_step"]) == (200, 2)
    # when: the same request again
    again = client.send("POST", path, {"expected_step": 1})
    # then
    assert (again.status_code, again.json()["error"]["code"]) == (409, "step_changed")
    programme.refresh_from_db()
    assert programme.current_step == 2
    assert programme.decisions.count() == 1
    assert AuditEntry.objects.filter(verb="programme.advance").count() == 1


def test_an_advance_without_expected_step_is_refused_and_moves_nothing(api_client):
    # given
    programme, client = _step_one_with_a_problem(api_client)
    # when
    response = client.send("POST", f"/programmes/{programme.pk}/advance", {})
    # then
    assert response.status_code in (400, 422)
    programme.refresh_from_db()
    assert (programme.current_step, programme.decisions.count()) == (1, 0)
