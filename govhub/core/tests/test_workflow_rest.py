"""REST: the definitions in force (public), and an instance with its history and the
transitions the caller may take."""

from __future__ import annotations

from typing import Any

import pytest

from govhub.accounts.tests.factories import UserFactory
from govhub.core.tests.workflow_support import LOCAL, MINISTRY, workflow_registry
from govhub.core.workflow import (
    membership_source_register,
    subject_register,
    workflow_start,
    workflow_transition,
)

__all__ = ["workflow_registry"]

pytestmark = pytest.mark.django_db


def test_anyone_lists_the_workflows_in_force(workflow_registry, api_client):
    # when
    response = api_client.get("/workflows")
    # then
    assert response.status_code == 200
    assert response.json() == [{"key": "service-case", "version": 1, "name": "Service case"}]


def test_anyone_reads_a_definition(workflow_registry, api_client):
    # when
    body = api_client.get("/workflows/service-case").json()
    # then
    assert (body["key"], body["version"], body["initial"]) == ("service-case", 1, "submitted")
    assert [s["key"] for s in body["states"]] == [
        "submitted",
        "screening",
        "assessment",
        "decision",
        "issuance",
        "closed",
    ]
    assert body["states"][0] == {
        "key": "submitted",
        "name": "Submitted",
        "phase": None,
        "final": False,
        "participants": ["ministry_agency"],
        "time_limit": {"working_days": 5, "reminders": [2], "escalations": [0, 3]},
        "required_inputs": ["application_form"],
        "guards": [],
        "tags": [],
    }
    assert body["transitions"][0] == {
        "name": "accept",
        "label": "accept",
        "from": "submitted",
        "to": "screening",
        "kind": "forward",
        "reason_required": False,
        "who": [
            {"name": "takes_part", "argument": None},
            {"name": "role", "argument": "manager"},
        ],
        "guards": [],
    }
    assert body["extension"] == {
        "who": [{"name": "role", "argument": "manager"}],
        "max_working_days": 10,
    }


def test_an_unknown_workflow_is_404_with_its_code(workflow_registry, api_client):
    # when
    response = api_client.get("/workflows/no-such-thing")
    # then
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "workflow_not_found"


def _setup(workflow_registry: Any, *, visible: bool = True) -> tuple[Any, Any]:
    person = UserFactory()
    members = {person.pk: [MINISTRY, LOCAL]}
    membership_source_register(lambda user: members.get(user.pk, []))
    subject_register("services.application", can_view=lambda user, subject_id: visible)
    instance = workflow_start(
        actor=person,
        definition_key="service-case",
        subject_type="services.application",
        subject_id="A-1",
        organisation_id=1,
    )
    return person, instance


def test_an_instance_shows_its_history_and_what_the_viewer_may_do(workflow_registry, api_client):
    # given: accepted, now at screening, not yet screened
    person, instance = _setup(workflow_registry)
    workflow_registry.forms.add("A-1")
    workflow_transition(
        actor=person, instance_id=instance.pk, transition="accept", organisation_id=1
    )
    # when
    response = api_client.as_user(person).get(f"/workflows/instances/{instance.pk}")
    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["workflow"], body["version"], body["state"], body["state_name"]) == (
        "service-case",
        1,
        "screening",
        "Screening",
    )
    assert [
        (h["kind"], h["from_state"], h["to_state"], h["organisation_id"]) for h in body["history"]
    ] == [
        ("start", "", "submitted", 1),
        ("transition", "submitted", "screening", 1),
    ]
    assert body["available_transitions"] == [
        {
            "name": "screen",
            "label": "screen",
            "to": "assessment",
            "to_name": "Assessment",
            "kind": "forward",
            "reason_required": False,
            "organisation_ids": [1, 2],
            "ready": False,
            "unmet": [{"code": "screened_missing", "message": "Not screened yet."}],
        },
        {
            "name": "return",
            "label": "return",
            "to": "submitted",
            "to_name": "Submitted",
            "kind": "return",
            "reason_required": True,
            "organisation_ids": [1, 2],
            "ready": True,
            "unmet": [],
        },
    ]


def test_a_viewer_without_organisations_sees_no_transitions(workflow_registry, api_client):
    # given
    _person, instance = _setup(workflow_registry)
    stranger = UserFactory()
    # when
    body = api_client.as_user(stranger).get(f"/workflows/instances/{instance.pk}").json()
    # then
    assert body["available_transitions"] == []
    assert [h["kind"] for h in body["history"]] == ["start"]


def test_an_instance_needs_a_token(workflow_registry, api_client):
    # given
    _person, instance = _setup(workflow_registry)
    # when
    response = api_client.get(f"/workflows/instances/{instance.pk}")
    # then
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("path", ["/workflows/instances/{pk}", "/workflows/instances/999999"])
def test_an_instance_the_viewer_may_not_see_is_404(workflow_registry, api_client, path):
    # given: the subject's app says no (or there is no such instance)
    person, instance = _setup(workflow_registry, visible=False)
    # when
    response = api_client.as_user(person).get(path.format(pk=instance.pk))
    # then
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "workflow_instance_not_found"


def test_an_instance_of_a_subject_type_nobody_registered_is_shown_to_no_one(
    workflow_registry, api_client
):
    # given
    person = UserFactory()
    instance = workflow_start(
        actor=person,
        definition_key="service-case",
        subject_type="unregistered.thing",
        subject_id="1",
    )
    # when
    response = api_client.as_user(person).get(f"/workflows/instances/{instance.pk}")
    # then
    assert response.status_code == 404


def test_organisations_tell_workflows_whom_a_person_acts_for():
    # given: the apps as started (no test registry)
    from govhub.core.workflow import registry
    from govhub.organisations.api import memberships_for

    # then
    assert registry.REGISTRY.membership_source is memberships_for


def test_a_real_members_organisations_decide_what_they_may_do(workflow_registry, api_client):
    # given: a ministry's manager and a business's, at the state only ministries take part in
    from govhub.organisations.api import memberships_for
    from govhub.organisations.tests.factories import MembershipFactory, OrganisationFactory

    membership_source_register(memberships_for)
    subject_register("services.application", can_view=lambda user, subject_id: True)
    ministry = MembershipFactory(
        organisation=OrganisationFactory(kind="ministry_agency"), role="manager"
    )
    business = MembershipFactory(
        organisation=OrganisationFactory(kind="business", subtype="small"), role="manager"
    )
    instance = workflow_start(
        actor=ministry.user,
        definition_key="service-case",
        subject_type="services.application",
        subject_id="A-9",
    )
    # when
    for_ministry = api_client.as_user(ministry.user).get(f"/workflows/instances/{instance.pk}")
    for_business = api_client.as_user(business.user).get(f"/workflows/instances/{instance.pk}")
    # then
    assert [
        (t["name"], t["organisation_ids"], t["ready"])
        for t in for_ministry.json()["available_transitions"]
    ] == [("accept", [ministry.organisation_id], False)]
    assert for_business.json()["available_transitions"] == []


def test_a_key_that_cannot_be_a_workflows_is_400(workflow_registry, api_client):
    # when
    response = api_client.get("/workflows/Not%20a%20key")
    # then
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_input"
