"""Issue 8 hardening of programmes: finite figures, contributions that can be withdrawn or
set aside, expected steps on transitions, programmes that stay public."""

from __future__ import annotations

import importlib
import json
import threading

import pytest
from django.apps import apps as django_apps
from django.test import Client

from conftest import signed_in_client
from govhub.accounts.tests.factories import UserFactory
from govhub.core.api import DomainError
from govhub.core.models import AuditEntry, IssuedDocument
from govhub.core.testing import assert_nothing_written
from govhub.organisations.tests.factories import MembershipFactory, OrganisationFactory
from govhub.programmes.actions import contribution_add
from govhub.programmes.models import Contribution, Programme
from govhub.programmes.outcomes import achievement
from govhub.programmes.tests.factories import (
    ProgrammeFactory,
    decision_count,
)

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
    # then: the form's bound (10^15) names the field
    error = response.json()["error"]
    assert (response.status_code, error["code"]) == (400, "invalid_data")
    assert error["details"][0]["loc"] == ["body", "data", "indicators", 0, "baseline"]
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
    assert decision_count(programme_id=programme.pk) == 1
    assert AuditEntry.objects.filter(verb="workflow.transition").count() == 1


def test_an_advance_without_expected_step_is_refused_and_moves_nothing(api_client):
    # given
    programme, client = _step_one_with_a_problem(api_client)
    # when
    response = client.send("POST", f"/programmes/{programme.pk}/advance", {})
    # then
    assert response.status_code in (400, 422)
    programme.refresh_from_db()
    assert (programme.current_step, decision_count(programme_id=programme.pk)) == (1, 0)


# --------------------------------------------------------------------------------------
# Item 6: no participant can block a programme for good
# --------------------------------------------------------------------------------------


def _member_of(kind: str, subtype: str = ""):
    org = OrganisationFactory(kind=kind, subtype=subtype)
    return MembershipFactory(organisation=org).user, org


def _seat(org, role: str) -> dict[str, object]:
    return {
        "type": "commission_member",
        "title": f"Seat of {org.pk}",
        "data": {
            "organisation_id": org.pk,
            "person": "P",
            "role": role,
            "mandate": "m",
            "conflict_of_interest": "none",
        },
    }


def _contribute(client, programme, body):
    return client.send("POST", f"/programmes/{programme.pk}/contributions", body)


def _step_two_with_a_chair(api_client):
    """Step 2: a ministry nominated a business chair (the wrong sector), an NGO and itself."""
    ministry_person, ministry = _member_of("ministry_agency")
    _, ngo = _member_of("cso", "ngo")
    _, company = _member_of("business", "small")
    programme = ProgrammeFactory(current_step=2)
    client = api_client.as_user(ministry_person)
    chair = _contribute(client, programme, _seat(company, "chair")).json()
    for org in (ngo, ministry):
        assert _contribute(client, programme, _seat(org, "member")).status_code == 201
    return programme, client, ministry_person, ministry, chair["id"]


def _as(api_client, user):
    """A separate client for `user` (made before counting writes: a token is audited)."""
    return api_client.__class__().as_user(user)


# What a contribution's refusal must leave as it was, row for row (a status included).
WRITES = (Contribution, Programme, AuditEntry)


def _advance(client, programme):
    return client.send(
        "POST", f"/programmes/{programme.pk}/advance", {"expected_step": programme.current_step}
    )


def test_a_second_chair_is_refused_when_claimed_and_nothing_is_written(api_client):
    # given: a commission with a chair already
    programme, _client, _person, ministry, _chair = _step_two_with_a_chair(api_client)
    other, _ = _member_of("local_body")
    client = _as(api_client, other)
    # when: another participant claims the chair for the ministry
    with assert_nothing_written(*WRITES):
        response = _contribute(client, programme, _seat(ministry, "chair"))
    # then
    assert (response.status_code, response.json()["error"]["code"]) == (409, "chair_taken")


def test_the_author_withdraws_a_chair_claim_and_the_gate_can_pass(api_client):
    # given: the business chair blocks the gate
    programme, client, person, ministry, chair = _step_two_with_a_chair(api_client)
    blocked = _advance(client, programme)
    assert blocked.status_code == 422
    assert [d["code"] for d in blocked.json()["error"]["details"]] == ["commission_chair"]
    # when: its author withdraws it, then the ministry takes the chair
    withdrawn = client.send(
        "POST",
        f"/programmes/{programme.pk}/contributions/{chair}/withdraw",
        {"reason": "Wrong sector"},
    )
    # then: it stays in the record, marked withdrawn, and no longer counts
    assert withdrawn.status_code == 200
    body = withdrawn.json()
    assert (body["id"], body["status"], body["status_reason"], body["status_organisation_id"]) == (
        chair,
        "withdrawn",
        "Wrong sector",
        Contribution.objects.get(pk=chair).organisation_id,
    )
    entry = AuditEntry.objects.get(verb="contribution.withdraw")
    assert (entry.actor_id, entry.changes["reason"]) == (person.pk, "Wrong sector")
    _, company = _member_of("business", "small")
    assert _contribute(client, programme, _seat(company, "member")).status_code == 201
    assert _contribute(client, programme, _seat(ministry, "chair")).status_code == 201
    moved = _advance(client, programme)
    assert (moved.status_code, moved.json()["current_step"]) == (200, 3)
    listed = api_client.get(f"/programmes/{programme.pk}/contributions").json()
    assert [c["status"] for c in listed if c["id"] == chair] == ["withdrawn"]


def test_the_author_replaces_a_contribution_in_one_step(api_client):
    # given
    programme, client, _person, ministry, chair = _step_two_with_a_chair(api_client)
    # when: the chair claim is replaced by the ministry's (two chairs never coexist)
    response = _contribute(client, programme, {**_seat(ministry, "chair"), "replaces": chair})
    # then
    assert response.status_code == 201
    new = response.json()
    assert (new["replaces_id"], new["status"]) == (chair, "active")
    old = Contribution.objects.get(pk=chair)
    assert (old.status, old.status_reason) == ("withdrawn", f"Replaced by no. {new['id']}.")
    assert AuditEntry.objects.get(verb="contribution.replace").changes["replaces"] == chair


def test_delete_withdraws_and_keeps_the_contribution(api_client):
    # given
    programme, client, _person, _ministry, chair = _step_two_with_a_chair(api_client)
    # when
    response = client.send("DELETE", f"/programmes/{programme.pk}/contributions/{chair}")
    # then
    assert (response.status_code, response.json()["status"]) == (200, "withdrawn")
    assert Contribution.objects.get(pk=chair).status == "withdrawn"
    assert AuditEntry.objects.filter(verb="contribution.withdraw").count() == 1


@pytest.mark.parametrize("how", ["withdraw", "delete", "replace"])
def test_only_the_author_withdraws_or_replaces_and_nothing_is_written(api_client, how):
    # given: a colleague of the author's organisation, a participant of another, a stranger
    programme, _client, person, ministry, chair = _step_two_with_a_chair(api_client)
    colleague = MembershipFactory(organisation=ministry).user
    other, _ = _member_of("local_body")
    # a step-1 programme (not public) and someone who acts for no organisation
    hidden = ProgrammeFactory(current_step=1)
    problem = Contribution.objects.create(
        programme=hidden, step=1, type="problem", organisation=ministry, author=person, title="P"
    )
    nobody = UserFactory()
    clients = {user: _as(api_client, user) for user in (colleague, other, nobody)}

    def attempt(user, programme_id=programme.pk):
        client = clients[user]
        if how == "withdraw":
            path = f"/programmes/{programme_id}/contributions/{chair}/withdraw"
            return client.send("POST", path, {})
        if how == "delete":
            return client.send("DELETE", f"/programmes/{programme_id}/contributions/{chair}")
        body = {**_seat(ministry, "member"), "type": "commission_member", "replaces": chair}
        return client.send("POST", f"/programmes/{programme_id}/contributions", body)

    # when
    with assert_nothing_written(*WRITES):
        refusals = [attempt(user) for user in (colleague, other)]
        anonymous = api_client.__class__().send(
            "POST", f"/programmes/{programme.pk}/contributions/{chair}/withdraw", {}
        )
        elsewhere = clients[nobody].send(
            "POST", f"/programmes/{hidden.pk}/contributions/{problem.pk}/withdraw", {}
        )
    # then
    assert [(r.status_code, r.json()["error"]["code"]) for r in refusals] == [
        (403, "not_the_author"),
        (403, "not_the_author"),
    ]
    assert (anonymous.status_code, anonymous.json()["error"]["code"]) == (401, "not_authenticated")
    assert (elsewhere.status_code, elsewhere.json()["error"]["code"]) == (
        404,
        "programme_not_found",
    )


def test_a_contribution_of_a_closed_step_cannot_be_withdrawn(api_client):
    # given: the commission is balanced, the step closed
    programme, client, _person, ministry, chair = _step_two_with_a_chair(api_client)
    _contribute(client, programme, {**_seat(ministry, "chair"), "replaces": chair})
    _, company = _member_of("business", "small")
    _contribute(client, programme, _seat(company, "member"))
    assert _advance(client, programme).status_code == 200
    seat = Contribution.objects.filter(status="active").earliest("id")
    # when
    with assert_nothing_written(*WRITES):
        response = client.send(
            "POST", f"/programmes/{programme.pk}/contributions/{seat.pk}/withdraw", {}
        )
    # then
    assert (response.status_code, response.json()["error"]["code"]) == (409, "step_closed")


def test_a_gatekeeper_sets_a_contribution_aside_with_a_reason_and_the_gate_passes(api_client):
    # given: the business chair was nominated by someone else than the gatekeeper
    programme, _client, _person, ministry, chair = _step_two_with_a_chair(api_client)
    keeper, province = _member_of("local_body")
    client = api_client.as_user(keeper)
    path = f"/programmes/{programme.pk}/contributions/{chair}/set-aside"
    # when
    response = client.send("POST", path, {"reason": "A business may not chair"})
    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["status_reason"], body["status_organisation_id"]) == (
        "set_aside",
        "A business may not chair",
        province.pk,
    )
    entry = AuditEntry.objects.get(verb="contribution.set_aside")
    assert (entry.actor_id, entry.organisation_id, entry.changes["reason"]) == (
        keeper.pk,
        province.pk,
        "A business may not chair",
    )
    _, company = _member_of("business", "small")
    _contribute(client, programme, _seat(company, "member"))
    _contribute(client, programme, _seat(ministry, "chair"))
    assert _advance(client, programme).json()["current_step"] == 3
    # and a second time: 409
    again = client.send("POST", path, {"reason": "again"})
    assert again.status_code == 409


def test_only_the_steps_gatekeepers_set_aside_and_nothing_is_written(api_client):
    # given: step 3, where a business takes part but does not decide the gate
    ministry_person, ministry = _member_of("ministry_agency")
    company_person, _ = _member_of("business", "small")
    outsider = UserFactory()
    programme = ProgrammeFactory(current_step=3)
    objective = Contribution.objects.create(
        programme=programme,
        step=3,
        type="objective",
        organisation=ministry,
        author=ministry_person,
        title="Objective",
    )
    path = f"/programmes/{programme.pk}/contributions/{objective.pk}/set-aside"
    company, stranger, keeper = (
        _as(api_client, u) for u in (company_person, outsider, ministry_person)
    )
    # when
    with assert_nothing_written(*WRITES):
        refusals = [
            company.send("POST", path, {"reason": "No"}),
            stranger.send("POST", path, {"reason": "No"}),
            keeper.send("POST", path, {"reason": "  "}),
        ]
    # then
    assert [(r.status_code, r.json()["error"]["code"]) for r in refusals] == [
        (403, "not_a_gate_keeper"),
        (403, "not_a_participant_at_step"),
        (400, "reason_required"),
    ]


def test_the_step_page_offers_withdraw_to_the_author_and_set_aside_to_gatekeepers(api_client):
    # given: the business chair, by the ministry's person; a gatekeeper of another body
    programme, _client, person, _ministry, chair = _step_two_with_a_chair(api_client)
    keeper, _province = _member_of("local_body")
    page_url = f"/programmes/{programme.pk}/steps/2/"
    withdraw_url = f"/programmes/{programme.pk}/steps/2/contributions/{chair}/withdraw/"
    aside_url = f"/programmes/{programme.pk}/steps/2/contributions/{chair}/set-aside/"
    author, other = signed_in_client(person), signed_in_client(keeper)
    # then: each sees what they may do
    assert withdraw_url in author.get(page_url).content.decode()
    assert withdraw_url not in other.get(page_url).content.decode()
    assert aside_url in other.get(page_url).content.decode()
    # when: the gatekeeper posts without a reason, then with one
    refused = other.post(aside_url, {f"aside-{chair}-reason": ""})
    assert refused.status_code == 200
    assert Contribution.objects.get(pk=chair).status == "active"
    done = other.post(aside_url, {f"aside-{chair}-reason": "A business may not chair"})
    # then
    assert done.status_code == 302
    page = author.get(page_url).content.decode()
    assert "Set aside on" in page
    assert "A business may not chair" in page
    assert withdraw_url not in page


def test_the_author_withdraws_through_the_step_page_and_others_cannot(api_client):
    # given
    programme, _client, person, _ministry, chair = _step_two_with_a_chair(api_client)
    keeper, _ = _member_of("local_body")
    url = f"/programmes/{programme.pk}/steps/2/contributions/{chair}/withdraw/"
    # when: someone else tries
    signed_in_client(keeper).post(url)
    # then
    assert Contribution.objects.get(pk=chair).status == "active"
    assert not AuditEntry.objects.filter(verb="contribution.withdraw").exists()
    # when: the author does
    response = signed_in_client(person).post(url)
    # then
    assert response.status_code == 302
    assert Contribution.objects.get(pk=chair).status == "withdrawn"
    assert "Withdrawn by its author" in Client().get(response["Location"]).content.decode()


# --------------------------------------------------------------------------------------
# Item 7: restricted data never reaches a public artefact
# --------------------------------------------------------------------------------------

RESTRICTED_VALUE = 77.25


def _step_ten_with_a_restricted_report():
    """Step 10: a public adopted objective, and a progress report for participants only."""
    ministry = OrganisationFactory(kind="ministry_agency")
    person = MembershipFactory(organisation=ministry).user
    programme = ProgrammeFactory(current_step=10, lead_agency=ministry)

    def add(step, kind, data, visibility="public"):
        return Contribution.objects.create(
            programme=programme,
            step=step,
            type=kind,
            organisation=ministry,
            author=person,
            title=kind,
            data=data,
            visibility=visibility,
        )

    indicator = {"name": "Coverage", "unit": "%", "baseline": 10, "target": 90}
    objective = add(3, "objective", {"indicators": [indicator]})
    add(3, "adoption", {"objective_ids": [objective.pk]})
    task = add(9, "task", {"assignee_organisation_id": ministry.pk, "due": "2027-01-01"})
    measurement = {"objective_id": objective.pk, "indicator": "Coverage", "value": RESTRICTED_VALUE}
    add(
        9,
        "progress_report",
        {"task_id": task.pk, "percent": 100, "measurements": [measurement]},
        visibility="restricted",
    )
    return programme, person


def test_a_public_review_never_carries_a_restricted_figure(api_client):
    # given
    programme, person = _step_ten_with_a_restricted_report()
    # when: the lead agency writes a public review
    review = _contribute(
        api_client.as_user(person), programme, {"type": "review", "title": "Review"}
    ).json()
    # then: the stored review used only public inputs
    assert [
        (r["latest"], r["achievement_pct"], r["status"]) for r in review["data"]["achievement"]
    ] == [(None, None, "no_data")]
    assert review["data"]["achievement_visibility"] == "public"
    # and anonymous readers see no restricted value: page, achievement API, stored artefact
    page = Client().get(f"/programmes/{programme.pk}/steps/10/").content.decode()
    assert "77.25" not in page
    assert "84.1" not in page
    shown = api_client.__class__().get(f"/programmes/{programme.pk}/achievement").json()
    assert [(r["latest"], r["achievement_pct"]) for r in shown] == [(None, None)]
    listed = api_client.__class__().get(f"/programmes/{programme.pk}/contributions").content
    assert b"77.25" not in listed
    assert b"84.1" not in listed


def test_authorised_readers_still_see_the_restricted_figure(api_client):
    # given
    programme, person = _step_ten_with_a_restricted_report()
    client = api_client.as_user(person)
    # when
    shown = client.get(f"/programmes/{programme.pk}/achievement").json()
    page = signed_in_client(person).get(f"/programmes/{programme.pk}/steps/10/").content.decode()
    review = _contribute(
        client, programme, {"type": "review", "title": "Review", "visibility": "restricted"}
    ).json()
    # then: (77.25 - 10) / (90 - 10) = 84.1 %
    assert [(r["latest"], r["achievement_pct"]) for r in shown] == [(RESTRICTED_VALUE, 84.1)]
    assert "77.25" in page
    assert "84.1 %" in page
    assert [(r["latest"], r["achievement_pct"]) for r in review["data"]["achievement"]] == [
        (RESTRICTED_VALUE, 84.1)
    ]


def test_a_withdrawn_progress_report_no_longer_counts(api_client):
    # given
    programme, person = _step_ten_with_a_restricted_report()
    Contribution.objects.filter(type="progress_report").update(status="withdrawn")
    # when
    shown = api_client.as_user(person).get(f"/programmes/{programme.pk}/achievement").json()
    # then
    assert [(r["latest"], r["status"]) for r in shown] == [(None, "no_data")]


# --------------------------------------------------------------------------------------
# Item 12: a programme that has once been public stays public
# --------------------------------------------------------------------------------------


def test_a_programme_once_public_stays_public_after_a_return_to_step_1(api_client):
    # given: a programme taken past step 1, seen by an anonymous visitor (the page is cached)
    programme, client = _step_one_with_a_problem(api_client)
    keeper = MembershipFactory(organisation=OrganisationFactory(kind="ministry_agency")).user
    assert (
        client.send("POST", f"/programmes/{programme.pk}/advance", {"expected_step": 1}).status_code
        == 200
    )
    visitor = Client()
    assert visitor.get(f"/programmes/{programme.pk}/").status_code == 200
    # when: it is sent back to step 1
    back = api_client.as_user(keeper).send(
        "POST",
        f"/programmes/{programme.pk}/return",
        {"to_step": 1, "reason": "Restate the problem", "expected_step": 2},
    )
    assert (back.status_code, back.json()["current_step"]) == (200, 1)
    # then: anonymous visitors still see it and its decisions: page, API and lists
    anonymous = api_client.__class__()
    detail = visitor.get(f"/programmes/{programme.pk}/")
    assert detail.status_code == 200
    assert "Restate the problem" in detail.content.decode()
    assert visitor.get(f"/programmes/{programme.pk}/steps/1/").status_code == 200
    assert programme.title in visitor.get("/programmes/").content.decode()
    api = anonymous.get(f"/programmes/{programme.pk}")
    assert (api.status_code, api.json()["current_step"]) == (200, 1)
    decisions = anonymous.get(f"/programmes/{programme.pk}/decisions").json()
    assert [(d["action"], d["to_step"]) for d in decisions] == [("advance", 2), ("return", 1)]
    listed = anonymous.get("/programmes").json()
    assert [p["id"] for p in listed["items"]] == [programme.pk]
    programme.refresh_from_db()
    assert programme.first_public_at is not None


def test_a_programme_never_public_stays_hidden_at_step_1(api_client):
    # given
    programme, _client = _step_one_with_a_problem(api_client)
    # then
    anonymous = api_client.__class__()
    assert anonymous.get(f"/programmes/{programme.pk}").status_code == 404
    assert anonymous.get("/programmes").json()["items"] == []
    assert Client().get(f"/programmes/{programme.pk}/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_chair_claims_cannot_both_win():
    # given: two participants of step 2 claiming the chair at the same moment
    from django.db import connection

    if connection.vendor != "postgresql":
        # The in-memory SQLite test database cannot run writers side by side; on a file
        # database, transactions are IMMEDIATE and so serialised anyway.
        pytest.skip("row locking is exercised on PostgreSQL (CI runs the suite there too)")
    programme = ProgrammeFactory(current_step=2)
    people = [_member_of(kind) for kind in ("ministry_agency", "local_body")]
    barrier = threading.Barrier(len(people))
    outcomes: list[str] = []

    def claim(person, org) -> None:
        try:
            barrier.wait()
            contribution_add(
                actor=person,
                programme_id=programme.pk,
                organisation_id=None,
                payload=_seat(org, "chair"),
            )
            outcomes.append("added")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=claim, args=pair) for pair in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert sorted(outcomes) == ["added", "chair_taken"]
    assert Contribution.objects.filter(data__role="chair").count() == 1


def _migration(name: str):
    return importlib.import_module(f"govhub.programmes.migrations.{name}")


def test_the_migration_clears_a_restricted_figure_from_a_stored_public_review():
    # given: a public review written before the fix, with the restricted value in it
    programme, person = _step_ten_with_a_restricted_report()
    leaked = [{"indicator": "Coverage", "latest": RESTRICTED_VALUE, "achievement_pct": 84.1}]
    review = Contribution.objects.create(
        programme=programme,
        step=10,
        type="review",
        organisation=programme.lead_agency,
        author=person,
        title="Review",
        data={"achievement": leaked},
    )
    # when
    _migration("0004_review_achievement_as_public_as_the_review").recompute(django_apps, None)
    # then
    review.refresh_from_db()
    assert [(r["latest"], r["achievement_pct"]) for r in review.data["achievement"]] == [
        (None, None)
    ]
    assert review.data["achievement_visibility"] == "public"


def test_the_author_replaces_a_contribution_through_the_step_form(api_client):
    # given: the business chair claim, by the ministry's person, and its "correct it" link
    programme, _client, person, ministry, chair = _step_two_with_a_chair(api_client)
    client = signed_in_client(person)
    url = f"/programmes/{programme.pk}/steps/2/contribute/commission_member/"
    page = client.get(f"/programmes/{programme.pk}/steps/2/").content.decode()
    assert f'href="{url}?replaces={chair}"' in page
    form = client.get(f"{url}?replaces={chair}").content.decode()
    assert f'<option value="{chair}" selected>{chair}: Seat of' in form
    # when: the form is sent again with the ministry in the seat
    response = client.post(
        url,
        {
            "contribution-title": "Ministry chairs",
            "contribution-visibility": "public",
            "contribution-replaces": str(chair),
            "data-organisation_id": str(ministry.pk),
            "data-person": "P",
            "data-role": "chair",
            "data-mandate": "m",
            "data-conflict_of_interest": "none",
        },
    )
    # then
    assert response.status_code == 302
    new = Contribution.objects.get(title="Ministry chairs")
    assert (new.replaces_id, Contribution.objects.get(pk=chair).status) == (chair, "withdrawn")
    assert (new.data["organisation_id"], new.form_version) == (ministry.pk, 1)


def test_a_designation_names_a_public_fact_so_it_must_be_public(api_client):
    # given: step 4, a higher body designating a ministry as lead agency
    higher = OrganisationFactory(kind="higher_body")
    lead = OrganisationFactory(kind="ministry_agency")
    programme = ProgrammeFactory(current_step=4)
    client = _as(api_client, MembershipFactory(organisation=higher).user)
    body = {
        "type": "designation",
        "title": "Lead",
        "visibility": "restricted",
        "data": {"lead_organisation_id": lead.pk, "co_executor_ids": [], "deadline": "2027-06-30"},
    }
    # when
    with assert_nothing_written(*WRITES):
        response = _contribute(client, programme, body)
    # then: the lead agency stays unnamed (the programme's row is as it was)
    assert (response.status_code, response.json()["error"]["code"]) == (400, "public_only")


def test_the_issued_document_is_made_of_public_drafts_only(api_client):
    # given: step 8, a public draft and a later participants-only one
    higher = OrganisationFactory(kind="higher_body")
    ministry = OrganisationFactory(kind="ministry_agency")
    author = MembershipFactory(organisation=ministry).user
    programme = ProgrammeFactory(current_step=8, lead_agency=ministry)
    for text, visibility in (("Public clause", "public"), ("Restricted clause", "restricted")):
        Contribution.objects.create(
            programme=programme,
            step=6,
            type="draft",
            organisation=ministry,
            author=author,
            title=text,
            visibility=visibility,
            data={"clauses": [{"text": text, "objective_ids": []}]},
        )
    client = api_client.as_user(MembershipFactory(organisation=higher).user)
    # when
    response = client.send(
        "POST",
        f"/programmes/{programme.pk}/issue",
        {"legal_status": "Decree", "expected_step": 8},
    )
    # then
    assert response.status_code == 200
    text = IssuedDocument.objects.get(public_id=response.json()["document_id"]).text
    assert "1. Public clause" in text
    assert "Restricted clause" not in text


def test_withdrawing_a_designation_gives_back_the_previous_lead_agency(api_client):
    # given: step 4, two designations in turn
    higher = OrganisationFactory(kind="higher_body")
    first, second = (OrganisationFactory(kind="ministry_agency") for _ in range(2))
    programme = ProgrammeFactory(current_step=4)
    client = api_client.as_user(MembershipFactory(organisation=higher).user)

    def designate(lead):
        data = {"lead_organisation_id": lead.pk, "co_executor_ids": [], "deadline": "2027-06-30"}
        body = {"type": "designation", "title": "Lead", "data": data}
        return _contribute(client, programme, body).json()["id"]

    designate(first)
    later = designate(second)
    # when
    client.send("POST", f"/programmes/{programme.pk}/contributions/{later}/withdraw", {})
    # then
    programme.refresh_from_db()
    assert programme.lead_agency_id == first.pk
