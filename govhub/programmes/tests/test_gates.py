from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from govhub.core.api import working_calendar
from govhub.core.testing import assert_nothing_written
from govhub.organisations.tests.factories import MembershipFactory, OrganisationFactory
from govhub.programmes.models import Programme
from govhub.programmes.tests.factories import ProgrammeFactory, decision_count, decision_get

pytestmark = pytest.mark.django_db


def _person(kind: str, subtype: str = ""):
    org = OrganisationFactory(kind=kind, subtype=subtype)
    return MembershipFactory(organisation=org).user, org


def _add(client, programme, body):
    return client.send("POST", f"/programmes/{programme.pk}/contributions", body)


def test_commission_balance_is_checked_before_step_2_closes(api_client):
    # given: a programme at step 2 with only a government member, no chair
    programme = ProgrammeFactory(current_step=2)
    ministry_person, ministry = _person("ministry_agency")
    client = api_client.as_user(ministry_person)
    _, ngo = _person("cso", "ngo")
    _, company = _person("business", "small")

    def nominate(org, role):
        data = {
            "organisation_id": org.pk,
            "person": "P",
            "role": role,
            "mandate": "m",
            "conflict_of_interest": "none",
        }
        assert (
            _add(
                client, programme, {"type": "commission_member", "title": "Seat", "data": data}
            ).status_code
            == 201
        )

    nominate(ministry, "member")
    # when
    with assert_nothing_written():
        refused = client.send(
            "POST", f"/programmes/{programme.pk}/advance", {"expected_step": programme.current_step}
        )
    # then: every unmet condition is listed, and nothing moved
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "gate_conditions_unmet"
    assert [d["code"] for d in error["details"]] == [
        "commission_needs_business",
        "commission_needs_civil_society",
        "commission_chair",
    ]
    assert Programme.objects.get(pk=programme.pk).current_step == 2
    assert decision_count() == 0
    # when: the commission is balanced, with a government chair
    nominate(ngo, "member")
    nominate(company, "member")
    nominate(ministry, "chair")
    moved = client.send(
        "POST", f"/programmes/{programme.pk}/advance", {"expected_step": programme.current_step}
    )
    # then
    assert moved.status_code == 200
    assert moved.json()["current_step"] == 3
    decision = decision_get()
    assert (decision.action, decision.from_step, decision.to_step, decision.organisation_id) == (
        "advance",
        2,
        3,
        ministry.pk,
    )


def test_a_business_chair_breaks_the_default_balance_rule(api_client):
    # given
    programme = ProgrammeFactory(current_step=2)
    person, ministry = _person("ministry_agency")
    client = api_client.as_user(person)
    _, ngo = _person("cso", "ngo")
    _, company = _person("business", "small")
    for org, role in ((ministry, "member"), (ngo, "member"), (company, "chair")):
        data = {
            "organisation_id": org.pk,
            "person": "P",
            "role": role,
            "mandate": "m",
            "conflict_of_interest": "none",
        }
        _add(client, programme, {"type": "commission_member", "title": "Seat", "data": data})
    # when
    with assert_nothing_written():
        refused = client.send(
            "POST", f"/programmes/{programme.pk}/advance", {"expected_step": programme.current_step}
        )
    # then
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "gate_conditions_unmet"
    assert [d["code"] for d in refused.json()["error"]["details"]] == ["commission_chair"]


def test_only_government_participants_of_the_step_decide_its_gate(api_client):
    # given: step 5, where businesses take part but higher bodies do not
    programme = ProgrammeFactory(current_step=5)
    business = api_client.as_user(_person("business", "small")[0])
    body = {"expected_step": programme.current_step}
    # when
    with assert_nothing_written():
        response = business.send("POST", f"/programmes/{programme.pk}/advance", body)
    # then
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_a_gate_keeper"
    # when
    higher = api_client.as_user(_person("higher_body")[0])
    with assert_nothing_written():
        at_step_5 = higher.send("POST", f"/programmes/{programme.pk}/advance", body)
    # then
    assert at_step_5.status_code == 403
    assert at_step_5.json()["error"]["code"] == "not_a_participant_at_step"


def test_objections_must_be_answered_by_the_lead_agency(api_client):
    # given: step 7 with an objection from a local body; a ministry leads
    lead_person, lead = _person("ministry_agency")
    programme = ProgrammeFactory(current_step=7, lead_agency=lead)
    objector, _ = _person("local_body")
    objection = _add(
        api_client.as_user(objector),
        programme,
        {
            "type": "assessment",
            "title": "Legal review",
            "data": {"kind": "legal", "verdict": "object"},
        },
    ).json()
    # when: the gate is tried
    lead_client = api_client.as_user(lead_person)
    with assert_nothing_written():
        refused = lead_client.send(
            "POST", f"/programmes/{programme.pk}/advance", {"expected_step": programme.current_step}
        )
    # then
    assert refused.json()["error"]["code"] == "gate_conditions_unmet"
    assert [d["code"] for d in refused.json()["error"]["details"]] == ["objections_unanswered"]
    # when: the objector answers its own objection
    objector_client = api_client.as_user(objector)
    with assert_nothing_written():
        not_lead = _add(
            objector_client,
            programme,
            {"type": "answer", "title": "Self-answer", "data": {"answers_id": objection["id"]}},
        )
    # then
    assert not_lead.status_code == 403
    assert not_lead.json()["error"]["code"] == "lead_agency_only"
    answered = _add(
        api_client.as_user(lead_person),
        programme,
        {"type": "answer", "title": "Clause 4 rewritten", "data": {"answers_id": objection["id"]}},
    )
    assert answered.status_code == 201
    assert (
        api_client.as_user(lead_person)
        .send(
            "POST", f"/programmes/{programme.pk}/advance", {"expected_step": programme.current_step}
        )
        .status_code
        == 200
    )


def test_return_to_an_earlier_step_needs_a_reason(api_client):
    # given
    programme = ProgrammeFactory(current_step=6)
    person, _org = _person("local_body")
    client = api_client.as_user(person)
    # when
    with assert_nothing_written():
        no_reason = client.send(
            "POST",
            f"/programmes/{programme.pk}/return",
            {"to_step": 3, "reason": "", "expected_step": 6},
        )
        forward = client.send(
            "POST",
            f"/programmes/{programme.pk}/return",
            {"to_step": 7, "reason": "x", "expected_step": 6},
        )
    # then
    assert no_reason.status_code == 400
    assert no_reason.json()["error"]["code"] == "invalid_input"  # the schema: reason min. 1 char
    assert forward.status_code == 400
    assert forward.json()["error"]["code"] == "invalid_step"
    # when
    back = client.send(
        "POST",
        f"/programmes/{programme.pk}/return",
        {"to_step": 3, "reason": "Objectives lack baselines", "expected_step": 6},
    )
    assert back.status_code == 200
    assert back.json()["current_step"] == 3
    decision = decision_get()
    assert (decision.action, decision.from_step, decision.to_step, decision.reason) == (
        "return",
        6,
        3,
        "Objectives lack baselines",
    )
    history = api_client.get(f"/programmes/{programme.pk}/decisions").json()
    assert [(d["action"], d["from_step"], d["to_step"]) for d in history] == [("return", 6, 3)]


def test_each_step_gets_a_deadline_in_working_days_and_an_overdue_flag(api_client):
    person, _org = _person("cso", "ngo")
    created = (
        api_client.as_user(person).send("POST", "/programmes", {"title": "Flood safety"}).json()
    )
    # then: the model's 20 working days for step 1, counted on the working calendar
    deadline = dt.datetime.fromisoformat(created["deadline"])
    expected = working_calendar().add(timezone.localdate(), 20)
    assert timezone.localtime(deadline).date() == expected
    assert created["overdue"] is False
    Programme.objects.filter(pk=created["id"]).update(
        deadline=timezone.now() - dt.timedelta(days=1)
    )
    assert api_client.get(f"/programmes/{created['id']}").json()["overdue"] is True


SECTORS = ("government", "business", "civil_society")
SEATS = st.lists(st.tuples(st.sampled_from(SECTORS), st.sampled_from(("chair", "member"))))


@hyp_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seats=SEATS.filter(lambda s: len(s) <= 6))
def test_the_commission_guard_opens_exactly_for_a_balanced_commission_with_one_chair(seats):
    # given: a step-2 programme whose commission is `seats` (sector, role)
    from django.db import transaction

    from govhub.programmes import guards
    from govhub.programmes.governance import current_model
    from govhub.programmes.models import Contribution

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            kinds = {
                "government": "ministry_agency",
                "business": "business",
                "civil_society": "cso",
            }
            subtypes = {"business": "small", "civil_society": "ngo", "government": ""}
            orgs = {s: OrganisationFactory(kind=kinds[s], subtype=subtypes[s]) for s in SECTORS}
            person = MembershipFactory(organisation=orgs["government"]).user
            programme = ProgrammeFactory(current_step=2)
            for sector, role in seats:
                Contribution.objects.create(
                    programme=programme,
                    step=2,
                    type="commission_member",
                    organisation=orgs["government"],
                    author=person,
                    title="Seat",
                    data={"organisation_id": orgs[sector].pk, "role": role},
                )
            definition = current_model().definition
            ctx = SimpleNamespace(
                subject_id=str(programme.pk),
                definition=definition,
                state=definition.state("step_2"),
            )
            # when
            unmet = {u.code for u in guards.commission_balanced(ctx, None)}
            raise Rollback
    except Rollback:
        pass
    # then: one member per sector at least, and exactly one chair, from government
    chairs = [sector for sector, role in seats if role == "chair"]
    missing = {f"commission_needs_{s}" for s in SECTORS if s not in {x for x, _r in seats}}
    bad_chair = set() if chairs == ["government"] else {"commission_chair"}
    assert unmet == missing | bad_chair


def test_a_programme_names_its_workflow_instance_with_what_the_viewer_may_do_next(api_client):
    # given: step 1 with no problem stated yet, a local body's person with MFA
    from govhub.accounts.tests.factories import totp_enable

    programme = ProgrammeFactory(current_step=1)
    person, town = _person("local_body")
    totp_enable(person)
    client = api_client.as_user(person)
    # when
    record = client.get(f"/programmes/{programme.pk}").json()
    instance = client.get(f"/workflows/instances/{record['workflow_instance_id']}").json()
    # then: the instance of this programme, at step 1; advance offered for the town, not ready
    assert (instance["subject_type"], instance["subject_id"], instance["state"]) == (
        "programmes.programme",
        str(programme.pk),
        "step_1",
    )
    advance = next(t for t in instance["available_transitions"] if t["name"] == "advance")
    assert (advance["organisation_ids"], advance["ready"]) == ([town.pk], False)
    assert [u["code"] for u in advance["unmet"]] == ["no_problem_statement"]
