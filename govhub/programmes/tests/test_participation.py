from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govhub.accounts.tests.factories import UserFactory
from govhub.core.api import Forbidden, InvalidInput
from govhub.core.testing import assert_nothing_written
from govhub.organisations.tests.factories import MembershipFactory, OrganisationFactory
from govhub.programmes.actions import contribution_add
from govhub.programmes.governance import current_model
from govhub.programmes.models import Contribution, Programme
from govhub.programmes.tests.factories import ProgrammeFactory
from govhub.programmes.transitions import programme_create

pytestmark = pytest.mark.django_db

KINDS = ["higher_body", "ministry_agency", "local_body", "business", "cso"]
SUBTYPE = {"business": "small", "cso": "ngo"}


def _member_of(kind: str):
    org = OrganisationFactory(kind=kind, subtype=SUBTYPE.get(kind, ""))
    return MembershipFactory(organisation=org).user, org


def _valid_payload(step: int, programme, org, title: str, visibility: str) -> dict[str, Any]:
    """A payload that passes every check at `step` for `org` (preparing what it refers to)."""
    helper = OrganisationFactory(kind="local_body")
    if step in (6, 9) and org.kind in ("ministry_agency", "local_body"):
        Programme.objects.filter(pk=programme.pk).update(lead_agency=org)
    member = {
        "organisation_id": helper.pk,
        "person": "A. Karimi",
        "role": "member",
        "mandate": "m",
        "conflict_of_interest": "none",
    }
    indicator = {
        "name": "Coverage",
        "unit": "%",
        "baseline": 40,
        "target": 80,
        "target_date": "2028-12-31",
    }
    by_step = {
        1: ("problem", {}),
        2: ("commission_member", member),
        3: ("objective", {"indicators": [indicator]}),
        4: ("designation", {"lead_organisation_id": helper.pk, "deadline": "2027-06-30"}),
        5: ("proposal", {"options": "Village hubs", "cost_estimate": 1000}),
        6: ("draft", {"clauses": [{"text": "Clause 1", "objective_ids": []}]}),
        7: ("assessment", {"kind": "budget", "verdict": "support"}),
        8: ("comment", {}),
        10: ("review", {}),
    }
    if step == 9:
        task = Contribution.objects.create(
            programme=programme,
            step=9,
            type="task",
            organisation=helper,
            author=UserFactory(),
            title="Connect schools",
            data={"assignee_organisation_id": org.pk, "due": "2027-01-01", "milestone": False},
        )
        by_step[9] = ("progress_report", {"task_id": task.pk, "percent": 50, "measurements": []})
    kind, data = by_step[step]
    if kind == "designation":
        visibility = "public"  # it names the lead agency, a public fact (issue 8, item 7)
    return {"type": kind, "title": title, "data": data, "visibility": visibility}


REFUSED_CHARACTERS = "".join(map(chr, [0, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kind=st.sampled_from(KINDS),
    step=st.integers(min_value=1, max_value=10),
    title=st.text(  # text that may be stored: no NUL, lone surrogate or bidi override
        st.characters(codec="utf-8", exclude_characters=REFUSED_CHARACTERS),
        min_size=1,
        max_size=50,
    ).filter(str.strip),
    visibility=st.sampled_from(["public", "restricted", "draft"]),
)
def test_a_contribution_is_accepted_if_and_only_if_the_matrix_allows_it(
    kind, step, title, visibility
):
    # given: a programme at `step` and a person acting for an organisation of `kind`
    programme = ProgrammeFactory(current_step=step)
    person, org = _member_of(kind)
    payload = _valid_payload(step, programme, org, title, visibility)
    before = Contribution.objects.count()
    allowed = current_model().may_take_part(kind, step)
    # when / then
    if allowed:
        contribution = contribution_add(
            actor=person, programme_id=programme.pk, organisation_id=None, payload=payload
        )
        assert (contribution.step, contribution.organisation_id) == (step, org.pk)
        assert Contribution.objects.count() == before + 1
    else:
        with assert_nothing_written(), pytest.raises(Forbidden) as exc:
            contribution_add(
                actor=person, programme_id=programme.pk, organisation_id=None, payload=payload
            )
        assert exc.value.code == "not_a_participant_at_step"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        # well-formed JSON that fits no artefact: the answer is about participation
        ('{"type": 5, "data": []}', 403, "not_a_participant_at_step"),
        # not JSON at all: the parser refuses it before anything else (it costs nothing)
        ("{not json", 400, "invalid_json"),
    ],
)
def test_participation_is_checked_before_the_body_but_after_the_parser(
    api_client, body, status, code
):
    # given: a business member at step 2 (the commission: government only)
    programme = ProgrammeFactory(current_step=2)
    person, _ = _member_of("business")
    client = api_client.as_user(person)
    # when
    with assert_nothing_written():
        response = client.client.post(
            f"/api/v1/programmes/{programme.pk}/contributions",
            body,
            content_type="application/json",
            headers=client._headers(),
        )
    # then
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


def test_a_participant_with_a_bad_body_gets_a_400(api_client):
    # given
    programme = ProgrammeFactory(current_step=2)
    client = api_client.as_user(_member_of("ministry_agency")[0])
    # when
    with assert_nothing_written():
        response = client.send(
            "POST",
            f"/programmes/{programme.pk}/contributions",
            {"type": "problem", "title": "x"},
        )
    # then
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_type"


def test_someone_without_an_organisation_cannot_contribute(user):
    # given
    programme = ProgrammeFactory(current_step=3)
    # when
    with assert_nothing_written(), pytest.raises(Forbidden) as exc:
        contribution_add(actor=user, programme_id=programme.pk, organisation_id=None, payload={})
    # then
    assert exc.value.code == "not_a_participant_at_step"


def test_a_person_with_two_participating_organisations_must_name_one(api_client):
    # given: a member of a ministry and of a municipality (both take part at step 5)
    programme = ProgrammeFactory(current_step=5)
    person, _ministry = _member_of("ministry_agency")
    town = OrganisationFactory(kind="local_body")
    MembershipFactory(user=person, organisation=town)
    payload = {"type": "proposal", "title": "Village hubs", "data": {}}
    client = api_client.as_user(person)
    # when / then
    with assert_nothing_written():
        unnamed = client.send("POST", f"/programmes/{programme.pk}/contributions", payload)
    assert unnamed.status_code == 400
    assert unnamed.json()["error"]["code"] == "organisation_required"
    named = client.send(
        "POST",
        f"/programmes/{programme.pk}/contributions",
        {**payload, "organisation_id": town.pk},
    )
    assert named.status_code == 201
    assert named.json()["organisation_id"] == town.pk


def test_naming_an_organisation_one_does_not_act_for_is_refused(api_client):
    # given
    programme = ProgrammeFactory(current_step=5)
    person, _ = _member_of("ministry_agency")
    stranger = OrganisationFactory(kind="local_body")
    client = api_client.as_user(person)
    # when
    with assert_nothing_written():
        response = client.send(
            "POST",
            f"/programmes/{programme.pk}/contributions",
            {"type": "proposal", "title": "x", "organisation_id": stranger.pk},
        )
    # then
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_a_participant_at_step"


def test_a_programme_keeps_the_model_it_started_with(tmp_path):
    import yaml
    from django.test import override_settings

    from govhub.programmes import governance

    # given: a programme started under the seed's model, now at step 2 (the commission)
    person, _org = _member_of("cso")
    programme = programme_create(actor=person, organisation_id=None, title="Digital divide")
    Programme.objects.filter(pk=programme.pk).update(current_step=2)
    # when: the deployment's own file (same key, version 2) seats CSOs on the commission
    raw = yaml.safe_load(governance.DEFAULT_PATH.read_text())
    raw["version"] = 2
    raw["states"][1]["participants"].append("cso")
    path = tmp_path / "isg-programme.yaml"
    path.write_text(yaml.safe_dump(raw))
    with override_settings(GOVHUB_WORKFLOWS=[str(path)]):
        # then: the running programme still follows the seed's matrix
        with assert_nothing_written(), pytest.raises(Forbidden) as exc:
            contribution_add(
                actor=person,
                programme_id=programme.pk,
                organisation_id=None,
                payload={"type": "commission_member", "title": "Seat"},
            )
        assert exc.value.code == "not_a_participant_at_step"
        assert Programme.objects.get(pk=programme.pk).model_version == "isg-programme:1"
        # and a programme started now runs on version 2
        newer = programme_create(actor=person, organisation_id=None, title="Second")
        assert newer.model_version == "isg-programme:2"
        assert governance.programme_model(newer).may_take_part("cso", 2)


def test_a_participant_sending_a_nul_gets_a_400_and_nothing_is_written():
    # given
    programme = ProgrammeFactory(current_step=1)
    person, _ = _member_of("cso")
    # when
    with assert_nothing_written(), pytest.raises(InvalidInput) as exc:
        contribution_add(
            actor=person,
            programme_id=programme.pk,
            organisation_id=None,
            payload={"type": "problem", "title": "a\x00b"},
        )
    # then
    assert exc.value.code == "invalid_text"
